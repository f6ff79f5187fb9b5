// Changing a linked profile's e-mail address (issue: takeover through an unverified change). The change waits for
// the new address to confirm it; the old address hears about it at once, with a link that stops it, and keeps
// receiving links and security notices until the change is confirmed.
import type { Tx } from '../../db/client.js';
import { DuplicateEmailError, EmailChangeLinkError } from '../../errors.js';
import { confirmEmailChangeMail, emailChangeNoticeMail } from '../../mail/templates/email-change.js';
import { actorName, SYSTEM_ACTOR, writeAudit, type AuditActor } from '../audit/service.js';
import type { Deps } from '../deps.js';
import { messageIdFor, revokePendingInvitations } from '../invitations/service.js';
import { hashToken, isWellFormedToken, newToken } from '../invitations/tokens.js';
import { lockOrganization } from '../organizations/service.js';

const pending = { confirmedAt: null, cancelledAt: null } as const;

export interface ChangingProfile {
  id: string;
  email: string;
  givenName: string;
  familyName: string;
  organizationId: string;
  organizationName: string;
}

/** R4: no other ACTIVE profile of the organization has this address (checked under the organization's lock). */
export async function assertEmailFree(tx: Tx, organizationId: string, email: string, exceptProfileId: string): Promise<void> {
  const clash = await tx.profile.count({ where: { organizationId, activeEmail: email, id: { not: exceptProfileId } } });
  if (clash > 0) throw new DuplicateEmailError(email);
}

/** Stops the profile's pending change, if any (a newer change, its removal, a direct change of an unlinked profile). */
export async function cancelPendingEmailChanges(tx: Tx, profileId: string, now: Date): Promise<void> {
  await tx.emailChange.updateMany({ where: { profileId, ...pending }, data: { cancelledAt: now } });
}

/** Records the change as pending and writes both e-mails to the outbox, in the caller's transaction. */
export async function requestEmailChange(tx: Tx, deps: Pick<Deps, 'config' | 'services'>, audit: AuditActor, profile: ChangingProfile, newEmail: string): Promise<void> {
  const { config, services } = deps;
  const now = services.now();
  await cancelPendingEmailChanges(tx, profile.id, now);
  const confirm = newToken();
  const cancel = newToken();
  const expiresAt = new Date(now.getTime() + config.invitationTtlHours * 3_600_000);
  await tx.emailChange.create({
    data: { profileId: profile.id, newEmail, previousEmail: profile.email, tokenHash: confirm.hash, cancelTokenHash: cancel.hash, expiresAt, requestedByIdentityId: audit.identityId, createdAt: now },
  });
  const common = {
    givenName: profile.givenName,
    organizationName: profile.organizationName,
    vendorName: config.vendor.name,
    newEmail,
    previousEmail: profile.email,
    requestedBy: audit.role === 'SELF' ? 'You (or someone signed in as you)' : `${actorName(audit)}, acting for your organization,`,
    at: now,
    expiresAt,
    helpUrl: config.helpUrl,
    supportEmail: config.vendor.supportEmail,
  };
  const page = `${config.publicUrl}/account/confirm-email/`;
  await tx.outboxEmail.createMany({
    data: [
      { messageId: messageIdFor(config), kind: 'email-change.confirm', to: newEmail, ...confirmEmailChangeMail({ ...common, link: `${page}#token=${confirm.token}` }) },
      { messageId: messageIdFor(config), kind: 'security.email-change', to: profile.email, ...emailChangeNoticeMail({ ...common, cancelLink: `${page}#cancel=${cancel.token}` }) },
    ],
  });
  await writeAudit(tx, audit, {
    action: 'profile.emailChangeRequest',
    organizationId: profile.organizationId,
    targetProfileId: profile.id,
    summary: `${actorName(audit)} asked to change the e-mail of ${profile.givenName} ${profile.familyName} from ${profile.email} to ${newEmail}; it waits for the new address to confirm`,
    before: { email: profile.email },
    after: { pendingEmail: newEmail },
  });
  services.mailQueued();
}

async function findChange(tx: Tx, column: 'tokenHash' | 'cancelTokenHash', token: string) {
  if (!isWellFormedToken(token)) return null;
  return tx.emailChange.findUnique({
    where: column === 'tokenHash' ? { tokenHash: hashToken(token) } : { cancelTokenHash: hashToken(token) },
    include: { profile: { select: { id: true, status: true, givenName: true, familyName: true, organizationId: true, organization: { select: { name: true } } } } },
  });
}

type FoundChange = NonNullable<Awaited<ReturnType<typeof findChange>>>;

function problemWith(change: FoundChange | null, now: Date): EmailChangeLinkError | null {
  if (!change) return new EmailChangeLinkError('NOT_FOUND');
  if (change.profile.status !== 'ACTIVE') return new EmailChangeLinkError('PROFILE_REMOVED');
  if (change.confirmedAt) return new EmailChangeLinkError('USED');
  if (change.cancelledAt) return new EmailChangeLinkError('CANCELLED');
  if (change.expiresAt.getTime() <= now.getTime()) return new EmailChangeLinkError('EXPIRED');
  return null;
}

export interface EmailChangeOutcome {
  email: string;
  organizationName: string;
}

/** Opened from the new address: the change takes effect, and the links sent to the old address stop working. */
export async function confirmEmailChange(deps: Pick<Deps, 'db' | 'services'>, token: string): Promise<EmailChangeOutcome> {
  const now = deps.services.now();
  return deps.db.$transaction(async (tx) => {
    const found = await findChange(tx, 'tokenHash', token);
    const problem = problemWith(found, now);
    if (problem) throw problem;
    const change = found!;
    const organization = await lockOrganization(tx, change.profile.organizationId);
    await assertEmailFree(tx, change.profile.organizationId, change.newEmail, change.profileId);
    const claimed = await tx.emailChange.updateMany({ where: { id: change.id, ...pending }, data: { confirmedAt: now } });
    if (claimed.count !== 1) throw new EmailChangeLinkError('USED');
    await tx.profile.update({ where: { id: change.profileId }, data: { email: change.newEmail, activeEmail: change.newEmail } });
    const who: AuditActor = { ...SYSTEM_ACTOR, displayName: `${change.profile.givenName} ${change.profile.familyName}`, profileId: change.profileId, role: 'SELF' };
    await writeAudit(tx, who, {
      action: 'profile.emailChangeConfirm',
      organizationId: change.profile.organizationId,
      targetProfileId: change.profileId,
      summary: `${change.newEmail} confirmed the change of ${change.profile.givenName} ${change.profile.familyName}'s e-mail from ${change.previousEmail}`,
      before: { email: change.previousEmail },
      after: { email: change.newEmail },
    });
    await revokePendingInvitations(tx, change.profileId, who, 'the e-mail address changed', now);
    return { email: change.newEmail, organizationName: organization?.name ?? change.profile.organization.name };
  });
}

/** Opened from the old address's notice: the pending change stops, and the address stays as it is. */
export async function cancelEmailChange(deps: Pick<Deps, 'db' | 'services'>, token: string): Promise<EmailChangeOutcome> {
  const now = deps.services.now();
  return deps.db.$transaction(async (tx) => {
    const found = await findChange(tx, 'cancelTokenHash', token);
    const problem = problemWith(found, now);
    if (problem) throw problem;
    const change = found!;
    const stopped = await tx.emailChange.updateMany({ where: { id: change.id, ...pending }, data: { cancelledAt: now } });
    if (stopped.count !== 1) throw new EmailChangeLinkError('CANCELLED');
    await writeAudit(tx, { ...SYSTEM_ACTOR, displayName: change.previousEmail, profileId: change.profileId, role: 'SELF' }, {
      action: 'profile.emailChangeCancel',
      organizationId: change.profile.organizationId,
      targetProfileId: change.profileId,
      summary: `${change.previousEmail} stopped the change of ${change.profile.givenName} ${change.profile.familyName}'s e-mail to ${change.newEmail}`,
      before: { pendingEmail: change.newEmail },
      after: { pendingEmail: null },
    });
    return { email: change.previousEmail, organizationName: change.profile.organization.name };
  });
}
