// Identities are keyed by the ID token's (iss, sub), never by e-mail: an address can be recycled or claimed at
// another issuer, a subject cannot.
import type { Db, Tx } from '../db/client.js';

export interface SignedInIdentity {
  /** Key of the account provider used (e.g. "personal", "work"). */
  provider: string;
  /** The ID token's own `iss` (for multi-tenant work accounts: the tenant's issuer). */
  issuer: string;
  subject: string;
  email: string | null;
  displayName: string | null;
}

export async function upsertIdentity(db: Db | Tx, identity: SignedInIdentity, now = new Date()): Promise<{ id: string }> {
  const details = {
    provider: identity.provider,
    email: identity.email?.trim().toLowerCase() || null,
    displayName: identity.displayName?.trim() || null,
    lastSignInAt: now,
  };
  const where = { issuer_subject: { issuer: identity.issuer, subject: identity.subject } };
  try {
    return await db.identity.upsert({ where, create: { issuer: identity.issuer, subject: identity.subject, ...details }, update: details, select: { id: true } });
  } catch (error) {
    // Two first sign-ins of the same account at once: the loser of the insert race updates the winner's row.
    if ((error as { code?: string }).code !== 'P2002') throw error;
    return db.identity.update({ where, data: details, select: { id: true } });
  }
}
