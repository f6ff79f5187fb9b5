// API tokens for integrations and scripts: created and revoked by the people who manage an organization, for their
// own organization, with a role no higher than their own (policy: organization.tokens, mayHoldTokenRole).
import { ForbiddenError, InvalidInputError } from '../../errors.js';
import { formatDate } from '../../format.js';
import { actorName, auditActorOf, writeAudit } from '../audit/service.js';
import type { Deps } from '../deps.js';
import { API_TOKEN_ROLES, organizationRef, tokenRoleRefusal, requireAllowed, type Actor, type ApiTokenRole } from '../policy.js';
import { newApiTokenSecret } from './secret.js';

export const MAX_NAME_CHARS = 100;
export const MAX_LIFETIME_DAYS = 365;

export interface CreateApiTokenInput {
  organizationId: string | null;
  name: string;
  role: ApiTokenRole;
  expiresInDays: number;
}

/** The secret is returned here and never again: only its hash is stored. */
export async function createApiToken(deps: Deps, actorOrNull: Actor | null, input: CreateApiTokenInput): Promise<{ apiTokenId: string; secret: string }> {
  const organization = input.organizationId
    ? await deps.db.organization.findUnique({ where: { id: input.organizationId }, select: { id: true, partnerId: true, kind: true, name: true } })
    : null;
  const actor = requireAllowed(actorOrNull, 'organization.tokens', organization);
  const org = organization!;
  const refusal = tokenRoleRefusal(actor.role, org.kind, input.role);
  if (refusal === 'ABOVE_OWN') throw new ForbiddenError(`A token's role cannot be above your own: you may give ${org.name}'s tokens at most the rights you have.`);
  if (refusal === 'OTHER_KIND') {
    const fitting = Object.entries(API_TOKEN_ROLES).filter(([, r]) => r.kind === org.kind).map(([k]) => k);
    throw new InvalidInputError('role', `${input.role} tokens belong to ${API_TOKEN_ROLES[input.role].kind!.toLowerCase()} organizations; choose ${[...fitting, 'MEMBER'].join(' or ')}.`);
  }
  const name = input.name.trim();
  if (name.length === 0 || name.length > MAX_NAME_CHARS) throw new InvalidInputError('name', `Give the token a name of 1 to ${MAX_NAME_CHARS} characters, saying what uses it.`);
  if (!Number.isInteger(input.expiresInDays) || input.expiresInDays < 1 || input.expiresInDays > MAX_LIFETIME_DAYS) {
    throw new InvalidInputError('expiresInDays', `A token lives 1 to ${MAX_LIFETIME_DAYS} days; create a new one before it expires.`);
  }
  const now = deps.services.now();
  const expiresAt = new Date(now.getTime() + input.expiresInDays * 86_400_000);
  const { secret, hash, prefix } = newApiTokenSecret();
  const audit = auditActorOf(actor);
  let apiTokenId: string;
  try {
    apiTokenId = await deps.db.$transaction(async (tx) => {
      if (await tx.apiToken.findFirst({ where: { organizationId: org.id, name, revokedAt: null }, select: { id: true } })) throw nameTaken(name);
      const token = await tx.apiToken.create({
        data: { organizationId: org.id, name, role: input.role, secretHash: hash, prefix, createdById: actor.profile.id, createdAt: now, expiresAt },
        select: { id: true },
      });
      await writeAudit(tx, audit, {
        action: 'apiToken.create',
        organizationId: org.id,
        targetType: 'ApiToken',
        targetId: token.id,
        summary: `${actorName(audit)} created the API token «${name}» (${input.role}, expires ${formatDate(expiresAt)})`,
        after: { name, role: input.role, prefix, expiresAt: expiresAt.toISOString() },
      });
      return token.id;
    });
  } catch (error) {
    // Two creations with one name at once: the database's guard (a partial unique index, or a trigger) decides.
    if (isNameClash(error)) throw nameTaken(name);
    throw error;
  }
  return { apiTokenId, secret };
}

function nameTaken(name: string): InvalidInputError {
  return new InvalidInputError('name', `A token named «${name}» already exists; revoke it first or choose another name.`);
}

function isNameClash(error: unknown): boolean {
  return /ApiToken_one_name_per_organization/.test(String((error as Error | null)?.message));
}

/** Revoking is final and takes effect on the token's next request. Revoking a revoked token changes nothing. */
export async function revokeApiToken(deps: Deps, actorOrNull: Actor | null, apiTokenId: string | null): Promise<{ apiTokenId: string }> {
  const token = apiTokenId
    ? await deps.db.apiToken.findUnique({ where: { id: apiTokenId }, select: { id: true, name: true, organizationId: true, revokedAt: true } })
    : null;
  const actor = requireAllowed(actorOrNull, 'organization.tokens', await organizationRef(deps.db, token?.organizationId ?? null));
  if (token!.revokedAt) return { apiTokenId: token!.id };
  const now = deps.services.now();
  const audit = auditActorOf(actor);
  await deps.db.$transaction(async (tx) => {
    const changed = await tx.apiToken.updateMany({ where: { id: token!.id, revokedAt: null }, data: { revokedAt: now, revokedById: actor.profile.id } });
    if (changed.count !== 1) return;
    await writeAudit(tx, audit, {
      action: 'apiToken.revoke',
      organizationId: token!.organizationId,
      targetType: 'ApiToken',
      targetId: token!.id,
      summary: `${actorName(audit)} revoked the API token «${token!.name}»`,
      before: { revokedAt: null },
      after: { revokedAt: now.toISOString() },
    });
  });
  return { apiTokenId: token!.id };
}
