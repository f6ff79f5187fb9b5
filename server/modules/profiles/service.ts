// Administering the professionals of an organization (flow 6 and 7): add, bulk add, edit, grant or revoke
// administrator, remove, unlink; each change in one transaction with its audit event (R11), under the
// organization's lock so that R2, R3 and R4 hold under concurrency.
import { endSessionsActingAs } from '../../auth/session.js';
import { DomainError, DuplicateEmailError, ForbiddenError, InvalidInputError } from '../../errors.js';
import { actorName, auditActorOf, writeAudit, writeAudits, type AuditActor } from '../audit/service.js';
import type { Deps } from '../deps.js';
import { normalizeEmail, normalizeName } from '../input.js';
import { assertEmailFree, cancelPendingEmailChanges, requestEmailChange } from './email-change.js';
import { issueInvitation, issueInvitations, revokePendingInvitations } from '../invitations/service.js';
import { administratorCount, assertAdministered, lockOrganization } from '../organizations/service.js';
import { organizationRef, requireActing, requireActingPerson, requireAllowed, type ActingActor, type Actor } from '../policy.js';

export const MAX_PROFESSIONALS_PER_CALL = 1000;

/** Bulk inserts run far longer than one request's default five seconds. */
const BULK_TRANSACTION = { timeout: 120_000, maxWait: 30_000 } as const;

export interface NewProfessional {
  givenName: string;
  familyName: string;
  email: string;
  isAdministrator?: boolean | null;
}

export interface RowResult {
  /** Position in the list given, from 0. */
  index: number;
  profileId: string | null;
  error: DomainError | null;
}

function displayName(p: { givenName: string; familyName: string }): string {
  return `${p.givenName} ${p.familyName}`;
}

function normalizeRow(row: NewProfessional): { givenName: string; familyName: string; email: string; isAdministrator: boolean } | InvalidInputError {
  const givenName = normalizeName(row.givenName, 'givenName');
  if (givenName instanceof InvalidInputError) return givenName;
  const familyName = normalizeName(row.familyName, 'familyName');
  if (familyName instanceof InvalidInputError) return familyName;
  const email = normalizeEmail(row.email);
  if (email instanceof InvalidInputError) return email;
  return { givenName, familyName, email, isAdministrator: row.isAdministrator ?? false };
}


/**
 * Adds the valid rows, in one transaction with their audit events and invitations; the others get their error.
 * R2: when the organization has no ACTIVE administrator, the first profile added becomes one.
 */
export async function addProfessionals(
  deps: Deps,
  actorOrNull: Actor | null,
  input: { organizationId: string | null; professionals: readonly NewProfessional[]; sendInvitations: boolean },
): Promise<RowResult[]> {
  const actor = requireAllowed(actorOrNull, 'organization.manage', await organizationRef(deps.db, input.organizationId));
  const organizationId = input.organizationId!;
  if (input.professionals.length > MAX_PROFESSIONALS_PER_CALL) {
    throw new InvalidInputError('professionals', `Add at most ${MAX_PROFESSIONALS_PER_CALL.toLocaleString('en')} professionals per call; split the list.`);
  }
  const results: RowResult[] = input.professionals.map((_, index) => ({ index, profileId: null, error: null }));
  const rows: { index: number; givenName: string; familyName: string; email: string; isAdministrator: boolean }[] = [];
  const firstIndexOf = new Map<string, number>();
  input.professionals.forEach((raw, index) => {
    const row = normalizeRow(raw);
    if (row instanceof InvalidInputError) {
      results[index]!.error = row;
      return;
    }
    const earlier = firstIndexOf.get(row.email);
    if (earlier !== undefined) {
      const duplicate = new DuplicateEmailError(row.email);
      (duplicate as { message: string }).message = `The e-mail ${row.email} is also in row ${earlier + 1} of this list; each person is added once.`;
      results[index]!.error = duplicate;
      return;
    }
    firstIndexOf.set(row.email, index);
    rows.push({ index, ...row });
  });

  await deps.db.$transaction(async (tx) => {
    const organization = await lockOrganization(tx, organizationId);
    if (!organization) throw new ForbiddenError();
    if (rows.length === 0) return;
    const taken = new Set(
      (await tx.profile.findMany({ where: { organizationId, activeEmail: { in: rows.map((r) => r.email) } }, select: { email: true } })).map((p) => p.email),
    );
    const fresh = rows.filter((row) => {
      if (!taken.has(row.email)) return true;
      results[row.index]!.error = new DuplicateEmailError(row.email);
      return false;
    });
    if (fresh.length === 0) return;
    const hasAdministrator = (await administratorCount(tx, organizationId)) > 0;
    const created = await tx.profile.createManyAndReturn({
      data: fresh.map((row, k) => ({
        organizationId,
        givenName: row.givenName,
        familyName: row.familyName,
        email: row.email,
        activeEmail: row.email,
        isAdministrator: row.isAdministrator || (!hasAdministrator && k === 0),
      })),
      select: { id: true, email: true, givenName: true, familyName: true, isAdministrator: true },
    });
    // RETURNING promises no order; e-mails are unique among the new rows.
    const idByEmail = new Map(created.map((p) => [p.email, p.id]));
    for (const row of fresh) results[row.index]!.profileId = idByEmail.get(row.email)!;

    const audit = auditActorOf(actor);
    await writeAudits(
      tx,
      audit,
      created.map((p) => ({
        action: 'profile.add',
        organizationId,
        targetProfileId: p.id,
        summary: `${actorName(audit)} added ${displayName(p)} <${p.email}> to ${organization.name}${p.isAdministrator ? ' as an administrator' : ''}`,
        after: { givenName: p.givenName, familyName: p.familyName, email: p.email, isAdministrator: p.isAdministrator, status: 'ACTIVE' },
      })),
    );
    if (input.sendInvitations) {
      await issueInvitations(tx, deps, created.map((p) => ({ profile: { ...p, organizationId }, organizationName: organization.name, purpose: 'INVITATION' as const, actor: audit })));
    }
  }, BULK_TRANSACTION);
  return results;
}

export async function addProfessional(
  deps: Deps,
  actor: Actor | null,
  input: NewProfessional & { organizationId: string | null; sendInvitation: boolean },
): Promise<{ profileId: string }> {
  const [result] = await addProfessionals(deps, actor, { organizationId: input.organizationId, professionals: [input], sendInvitations: input.sendInvitation });
  if (result!.error) throw result!.error;
  return { profileId: result!.profileId! };
}

const manageable = {
  id: true,
  organizationId: true,
  givenName: true,
  familyName: true,
  email: true,
  isAdministrator: true,
  status: true,
  identityId: true,
  organization: { select: { id: true, name: true, kind: true, partnerId: true } },
} as const;

type ManageableProfile = NonNullable<Awaited<ReturnType<typeof findManageable>>>;

function findManageable(deps: Pick<Deps, 'db'>, profileId: string | null) {
  return profileId ? deps.db.profile.findUnique({ where: { id: profileId }, select: manageable }) : Promise.resolve(null);
}

/** The profile and its manager acting on it; FORBIDDEN for unknown ids and other organizations' profiles alike. */
export async function manageableProfile(deps: Pick<Deps, 'db'>, actorOrNull: Actor | null, profileId: string | null): Promise<{ actor: ActingActor; audit: AuditActor; profile: ManageableProfile }> {
  const acting = requireActing(actorOrNull);
  const profile = await findManageable(deps, profileId);
  const actor = requireAllowed(acting, 'organization.manage', profile?.organization ?? null);
  return { actor, audit: auditActorOf(actor), profile: profile! };
}

function removedError(): InvalidInputError {
  return new InvalidInputError('profileId', 'This profile was removed; it can no longer be changed.');
}

/**
 * Names and e-mail; a field left null stays as it is. An e-mail change revokes the pending links (they were sent
 * to the old address); `sendInvitation` sends a new one to the (new) address in the same call. The linked account,
 * the status and the administrator flag do not change with the address, so an e-mail change never leaves the
 * organization without an administrator; R3 is checked all the same, as after every write to a profile.
 */
export async function updateProfile(deps: Deps, actor: Actor | null, input: { profileId: string | null } & ProfileChanges): Promise<{ profileId: string }> {
  const { audit, profile } = await manageableProfile(deps, actor, input.profileId);
  return changeProfile(deps, audit, profile, input);
}

/** A person's own names and e-mail, for the profile they act as (as SELF in the audit log). */
export async function updateMyProfile(deps: Deps, actorOrNull: Actor | null, input: Omit<ProfileChanges, 'sendInvitation'>): Promise<{ profileId: string }> {
  const actor = requireActingPerson(actorOrNull);
  const profile = await deps.db.profile.findUniqueOrThrow({ where: { id: actor.profile.id }, select: manageable });
  return changeProfile(deps, { ...auditActorOf(actor), role: 'SELF' }, profile, { ...input, sendInvitation: false });
}

interface ProfileChanges { givenName?: string | null; familyName?: string | null; email?: string | null; sendInvitation?: boolean | null }

async function changeProfile(deps: Deps, audit: AuditActor, profile: ManageableProfile, input: ProfileChanges): Promise<{ profileId: string }> {
  if (profile.status === 'REMOVED') throw removedError();
  const wanted: { givenName?: string; familyName?: string; email?: string } = {};
  for (const field of ['givenName', 'familyName'] as const) {
    const raw = input[field];
    if (raw === undefined || raw === null) continue;
    const value = normalizeName(raw, field);
    if (value instanceof InvalidInputError) throw value;
    wanted[field] = value;
  }
  if (input.email !== undefined && input.email !== null) {
    const email = normalizeEmail(input.email);
    if (email instanceof InvalidInputError) throw email;
    wanted.email = email;
  }
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wanted) as [keyof typeof wanted, string][]) {
    if (profile[key] !== value) {
      before[key] = profile[key];
      after[key] = value;
    }
  }
  // A linked profile's address changes only once the new address confirms it (email-change.ts): until then the
  // old one keeps receiving the links and the security notices, so nobody can move a profile to an address they
  // merely typed. An unlinked profile has no account to take over: its address (an administrator's correction of a
  // typo, say) changes at once, and its pending links, sent to the old address, stop working.
  const confirmFirst = 'email' in after && profile.identityId !== null;
  if (confirmFirst) {
    delete before.email;
    delete after.email;
  }
  const emailChanged = 'email' in after;
  if (Object.keys(after).length === 0 && !input.sendInvitation && !confirmFirst) return { profileId: profile.id };

  await deps.db.$transaction(async (tx) => {
    const organization = await lockOrganization(tx, profile.organizationId);
    if (!organization) throw new ForbiddenError();
    const administratorsBefore = await administratorCount(tx, profile.organizationId);
    const now = deps.services.now();
    if (emailChanged || confirmFirst) {
      await assertEmailFree(tx, profile.organizationId, wanted.email!, profile.id);
    }
    const updated = await tx.profile.update({
      where: { id: profile.id, status: 'ACTIVE' },
      data: { ...after, ...(emailChanged ? { activeEmail: wanted.email } : {}) },
      select: { id: true, email: true, givenName: true, familyName: true, organizationId: true },
    });
    if (Object.keys(after).length > 0) {
      await writeAudit(tx, audit, {
        action: 'profile.update',
        organizationId: profile.organizationId,
        targetProfileId: profile.id,
        summary: `${actorName(audit)} changed ${Object.keys(after).join(', ')} of ${displayName(updated)}${emailChanged ? ` (e-mail ${String(before.email)} → ${updated.email})` : ''}`,
        before,
        after,
      });
    }
    if (emailChanged) {
      await revokePendingInvitations(tx, profile.id, audit, 'the e-mail address changed', now);
      await cancelPendingEmailChanges(tx, profile.id, now);
    }
    if (confirmFirst) {
      await requestEmailChange(tx, deps, audit, { ...updated, organizationName: organization.name }, wanted.email!);
    } else if (input.sendInvitation) {
      await issueInvitation(tx, deps, {
        profile: updated,
        organizationName: organization.name,
        purpose: profile.identityId ? 'REASSOCIATION' : 'INVITATION',
        actor: audit,
      });
    }
    await assertAdministered(tx, organization, administratorsBefore);
  });
  return { profileId: profile.id };
}

/** Grants or revokes administrator; revoking the last ACTIVE administrator fails (R3). */
export async function setAdministrator(deps: Deps, actor: Actor | null, input: { profileId: string | null; isAdministrator: boolean }): Promise<{ profileId: string }> {
  const { audit, profile } = await manageableProfile(deps, actor, input.profileId);
  if (profile.status === 'REMOVED') throw removedError();
  await deps.db.$transaction(async (tx) => {
    const organization = await lockOrganization(tx, profile.organizationId);
    if (!organization) throw new ForbiddenError();
    const administratorsBefore = await administratorCount(tx, profile.organizationId);
    // Read again under the lock: the flag may have changed since the access check.
    const changed = await tx.profile.updateMany({
      where: { id: profile.id, status: 'ACTIVE', isAdministrator: !input.isAdministrator },
      data: { isAdministrator: input.isAdministrator },
    });
    if (changed.count === 0) return;
    await writeAudit(tx, audit, {
      action: input.isAdministrator ? 'profile.grantAdministrator' : 'profile.revokeAdministrator',
      organizationId: profile.organizationId,
      targetProfileId: profile.id,
      summary: input.isAdministrator
        ? `${actorName(audit)} made ${displayName(profile)} an administrator of ${organization.name}`
        : `${actorName(audit)} removed ${displayName(profile)}'s administrator rights in ${organization.name}`,
      before: { isAdministrator: !input.isAdministrator },
      after: { isAdministrator: input.isAdministrator },
    });
    await assertAdministered(tx, organization, administratorsBefore);
  });
  return { profileId: profile.id };
}

/**
 * Soft removal: REMOVED, its e-mail freed for a new profile (activeEmail null), its sessions ended and its pending
 * links revoked. Removing the last administrator of an organization that still has people fails (R3).
 */
export async function removeProfile(deps: Deps, actor: Actor | null, input: { profileId: string | null }): Promise<{ profileId: string }> {
  const { audit, profile } = await manageableProfile(deps, actor, input.profileId);
  if (profile.status === 'REMOVED') return { profileId: profile.id };
  await deps.db.$transaction(async (tx) => {
    const organization = await lockOrganization(tx, profile.organizationId);
    if (!organization) throw new ForbiddenError();
    const administratorsBefore = await administratorCount(tx, profile.organizationId);
    const now = deps.services.now();
    const changed = await tx.profile.updateMany({ where: { id: profile.id, status: 'ACTIVE' }, data: { status: 'REMOVED', activeEmail: null, removedAt: now } });
    if (changed.count === 0) return;
    const sessions = await endSessionsActingAs(tx, profile.id);
    await writeAudit(tx, audit, {
      action: 'profile.remove',
      organizationId: profile.organizationId,
      targetProfileId: profile.id,
      summary: `${actorName(audit)} removed ${displayName(profile)} <${profile.email}> from ${organization.name}${sessions ? ` and ended ${sessions} session${sessions > 1 ? 's' : ''}` : ''}`,
      before: { status: 'ACTIVE', isAdministrator: profile.isAdministrator },
      after: { status: 'REMOVED', removedAt: now.toISOString() },
    });
    // Its links stay as they are: their state reads PROFILE_REMOVED from the profile (R6), which tells the person
    // the right next step, where "revoked" would send them to their administrator for a new link.
    await cancelPendingEmailChanges(tx, profile.id, now);
    await assertAdministered(tx, organization, administratorsBefore);
  });
  return { profileId: profile.id };
}

/** Detaches the linked account; the sessions acting as the profile end with it. */
export async function unlinkIdentity(deps: Deps, actor: Actor | null, input: { profileId: string | null }): Promise<{ profileId: string }> {
  const { audit, profile } = await manageableProfile(deps, actor, input.profileId);
  if (profile.status === 'REMOVED') throw removedError();
  if (!profile.identityId) return { profileId: profile.id };
  await deps.db.$transaction(async (tx) => {
    const previous = await tx.profile.findUnique({ where: { id: profile.id }, select: { identityId: true, identity: { select: { email: true, provider: true } } } });
    if (!previous?.identityId) return;
    await tx.profile.update({ where: { id: profile.id }, data: { identityId: null, associatedAt: null } });
    const sessions = await endSessionsActingAs(tx, profile.id);
    await writeAudit(tx, audit, {
      action: 'profile.unlink',
      organizationId: profile.organizationId,
      targetProfileId: profile.id,
      summary: `${actorName(audit)} unlinked the ${previous.identity?.provider ?? ''} account ${previous.identity?.email ?? previous.identityId} from ${displayName(profile)}${sessions ? ` and ended ${sessions} session${sessions > 1 ? 's' : ''}` : ''}`,
      before: { identityId: previous.identityId, identityEmail: previous.identity?.email ?? null },
      after: { identityId: null },
    });
  });
  return { profileId: profile.id };
}

/**
 * Vendor support only (flow 7): makes an ACTIVE profile an administrator, also when the organization has none left.
 * `replacingProfileId`, when given, is the administrator who left: demoted in the same call, so support can swap
 * the last administrator without ever leaving the organization without one (R3).
 */
export async function designateAdministrator(
  deps: Deps,
  actorOrNull: Actor | null,
  input: { organizationId: string | null; profileId: string | null; replacingProfileId?: string | null; invalidReplacing?: boolean },
): Promise<{ profileId: string }> {
  const actor = requireAllowed(actorOrNull, 'organization.administer', await organizationRef(deps.db, input.organizationId));
  const audit: AuditActor = auditActorOf(actor);
  if (!input.organizationId || !input.profileId) throw new ForbiddenError();
  const organizationId = input.organizationId;
  const profileId = input.profileId;
  if (input.invalidReplacing) throw new InvalidInputError('replacingProfileId', 'replacingProfileId must be the id of a profile in this organization.');
  await deps.db.$transaction(async (tx) => {
    const organization = await lockOrganization(tx, organizationId);
    if (!organization) throw new ForbiddenError();
    const administratorsBefore = await administratorCount(tx, organizationId);
    const profile = await tx.profile.findUnique({ where: { id: profileId }, select: manageable });
    if (!profile) throw new ForbiddenError();
    if (profile.organizationId !== organizationId) throw new InvalidInputError('profileId', `This profile is not in ${organization.name}.`);
    if (profile.status === 'REMOVED') throw removedError();
    if (!profile.isAdministrator) {
      await tx.profile.update({ where: { id: profile.id }, data: { isAdministrator: true } });
      await writeAudit(tx, audit, {
        action: 'profile.designateAdministrator',
        organizationId,
        targetProfileId: profile.id,
        summary: `${actorName(audit)} designated ${displayName(profile)} as an administrator of ${organization.name}`,
        before: { isAdministrator: false },
        after: { isAdministrator: true },
      });
    }
    if (input.replacingProfileId && input.replacingProfileId !== profile.id) {
      const replaced = await tx.profile.findUnique({ where: { id: input.replacingProfileId }, select: manageable });
      if (!replaced || replaced.organizationId !== organizationId) {
        throw new InvalidInputError('replacingProfileId', `replacingProfileId must be the id of a profile in ${organization.name}.`);
      }
      if (replaced.isAdministrator) {
        await tx.profile.update({ where: { id: replaced.id }, data: { isAdministrator: false } });
        await writeAudit(tx, audit, {
          action: 'profile.revokeAdministrator',
          organizationId,
          targetProfileId: replaced.id,
          summary: `${actorName(audit)} replaced ${displayName(replaced)} by ${displayName(profile)} as an administrator of ${organization.name}`,
          before: { isAdministrator: true },
          after: { isAdministrator: false },
        });
      }
    }
    await assertAdministered(tx, organization, administratorsBefore);
  });
  return { profileId };
}
