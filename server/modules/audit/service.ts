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
  /** The API token the change was made with, if any. */
  apiTokenId?: string | null;
}

/**
 * Every action the audit log records, by its enum name (GraphQL AuditAction) and stored verb: the one list. A
 * change that is not listed here cannot be audited (AuditInput.action is typed by it).
 */
export const AUDIT_ACTIONS = {
  ORGANIZATION_CREATE: { value: 'organization.create', description: 'An organization was created (by hand or by an import).' },
  ORGANIZATION_UPDATE: { value: 'organization.update', description: "An organization's name, account number, region or partner changed." },
  SERVICE_PLAN_CREATE: { value: 'servicePlan.create', description: 'A service plan was given to a customer.' },
  SERVICE_PLAN_UPDATE: { value: 'servicePlan.update', description: "A service plan's dates changed." },
  PROFILE_ADD: { value: 'profile.add', description: 'A professional was added.' },
  PROFILE_UPDATE: { value: 'profile.update', description: 'Names or e-mail of a profile changed.' },
  PROFILE_EMAIL_CHANGE_REQUEST: { value: 'profile.emailChangeRequest', description: "A linked profile's e-mail change waits for the new address to confirm it." },
  PROFILE_EMAIL_CHANGE_CONFIRM: { value: 'profile.emailChangeConfirm', description: 'The new address confirmed an e-mail change.' },
  PROFILE_EMAIL_CHANGE_CANCEL: { value: 'profile.emailChangeCancel', description: 'A pending e-mail change was stopped from the old address.' },
  PROFILE_GRANT_ADMINISTRATOR: { value: 'profile.grantAdministrator', description: 'A profile became an administrator.' },
  PROFILE_REVOKE_ADMINISTRATOR: { value: 'profile.revokeAdministrator', description: 'A profile stopped being an administrator.' },
  PROFILE_DESIGNATE_ADMINISTRATOR: { value: 'profile.designateAdministrator', description: 'Vendor support designated an administrator.' },
  PROFILE_REMOVE: { value: 'profile.remove', description: 'A profile was removed.' },
  PROFILE_UNLINK: { value: 'profile.unlink', description: "A profile's sign-in account was unlinked." },
  PROFILE_END_SESSIONS: { value: 'profile.endSessions', description: 'A manager signed a person out everywhere.' },
  INVITATION_SEND: { value: 'invitation.send', description: 'A link was sent (invitation, requested link or re-association).' },
  INVITATION_REVOKE: { value: 'invitation.revoke', description: 'A link was cancelled.' },
  INVITATION_ACCEPT: { value: 'invitation.accept', description: 'A link was used to link a sign-in account.' },
  ASSOCIATION_REPLACE: { value: 'association.replace', description: 'A different sign-in account replaced the linked one (R7).' },
  API_TOKEN_CREATE: { value: 'apiToken.create', description: 'An API token was created.' },
  API_TOKEN_REVOKE: { value: 'apiToken.revoke', description: 'An API token was revoked.' },
  ACCESS_REFUSED: { value: 'access.refused', description: 'A signed-in person was refused an operation.' },
} as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[keyof typeof AUDIT_ACTIONS]['value'];

export interface AuditInput {
  action: AuditAction;
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

/**
 * The audit view of whoever is acting; a signed-in identity with no current profile acts as itself (SELF). An API
 * token is named as the actor ("API token «name»"), with the role it acts with.
 */
export function auditActorOf(actor: Actor): AuditActor {
  if (actor.token) return { identityId: null, profileId: null, apiTokenId: actor.token.id, displayName: apiTokenDisplayName(actor.token.name), role: actor.role ?? 'SELF' };
  return {
    identityId: actor.identityId,
    profileId: actor.profile?.id ?? null,
    displayName: actor.profile?.displayName ?? actor.identityDisplayName,
    role: actor.role ?? 'SELF',
  };
}

/** How an API token is named wherever it acts: in the audit log and in summaries. */
export function apiTokenDisplayName(name: string): string {
  return `API token «${name}»`;
}

export async function writeAudit(tx: Tx, actor: AuditActor, input: AuditInput): Promise<void> {
  await tx.auditEvent.create({ data: auditRow(actor, input) });
}

export function auditRow(actor: AuditActor, input: AuditInput) {
  return {
    action: input.action,
    actorIdentityId: actor.identityId,
    actorProfileId: actor.profileId,
    actorApiTokenId: actor.apiTokenId ?? null,
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
