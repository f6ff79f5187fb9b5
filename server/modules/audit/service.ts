// R11: every change writes an audit event in the transaction of the change, so a change that fails leaves no
// event and an event never describes a change that did not happen.
import type { Tx } from '../../db/client.js';
import { Prisma } from '../../generated/sqlite/client.js';
import type { Actor } from '../policy.js';

export type AuditRole = 'ADMIN' | 'PARTNER' | 'SUPPORT' | 'SELF' | 'SYSTEM';

export interface AuditActor {
  identityId: string | null;
  profileId: string | null;
  displayName: string | null;
  role: AuditRole;
}

export interface AuditInput {
  /** A stable verb: organization.create, profile.update, invitation.accept, … */
  action: string;
  organizationId: string | null;
  targetProfileId?: string | null;
  targetType?: string;
  targetId?: string;
  /** One line a person can read in the audit log. */
  summary: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export const SYSTEM_ACTOR: AuditActor = { identityId: null, profileId: null, displayName: 'Portico', role: 'SYSTEM' };

/** The audit view of whoever is acting; a signed-in identity with no current profile acts as itself (SELF). */
export function auditActorOf(actor: Actor): AuditActor {
  return {
    identityId: actor.identityId,
    profileId: actor.profile?.id ?? null,
    displayName: actor.profile?.displayName ?? actor.identityDisplayName,
    role: actor.role ?? 'SELF',
  };
}

export async function writeAudit(tx: Tx, actor: AuditActor, input: AuditInput): Promise<void> {
  await tx.auditEvent.create({ data: auditRow(actor, input) });
}

export function auditRow(actor: AuditActor, input: AuditInput) {
  return {
    action: input.action,
    actorIdentityId: actor.identityId,
    actorProfileId: actor.profileId,
    actorDisplayName: actor.displayName,
    actorRole: actor.role,
    organizationId: input.organizationId,
    targetProfileId: input.targetProfileId ?? null,
    targetType: input.targetType ?? (input.targetProfileId ? 'Profile' : null),
    targetId: input.targetId ?? input.targetProfileId ?? null,
    summary: input.summary,
    // DbNull: no value at all (SQL NULL), as opposed to a JSON null.
    before: input.before ? (input.before as Prisma.InputJsonObject) : Prisma.DbNull,
    after: input.after ? (input.after as Prisma.InputJsonObject) : Prisma.DbNull,
  };
}

/** Many events in one statement, for bulk changes (addProfessionals); the same rows writeAudit would write. */
export async function writeAudits(tx: Tx, actor: AuditActor, inputs: readonly AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await tx.auditEvent.createMany({ data: inputs.map((input) => auditRow(actor, input)) });
}

/** The display name an audit summary starts with. */
export function actorName(actor: AuditActor): string {
  return actor.displayName ?? 'Portico';
}
