// Invitations: single-use association links (R5, R6), linking an identity to a profile (R7), and
// "e-mail me my links" without telling anyone which addresses exist (R8). Every e-mail is written to the
// outbox in the transaction that causes it (R12).
import { randomUUID } from 'node:crypto';
import { endSessionsActingAs, setCurrentProfile } from '../../auth/session.js';
import type { Config } from '../../config.js';
import type { Db, Tx } from '../../db/client.js';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  InvalidInputError,
  InvitationExpiredError,
  InvitationNotFoundError,
  InvitationReplacedError,
  InvitationRevokedError,
  InvitationUsedError,
  ProfileRemovedError,
} from '../../errors.js';
import { associationMail, securityNoticeMail } from '../../mail/templates/invitation.js';
import type { AppServices } from '../../services.js';
import { Prisma } from '../../generated/sqlite/client.js';
import { auditRow, SYSTEM_ACTOR, writeAudit, type AuditActor } from '../audit/service.js';
import type { Deps } from '../deps.js';
import { normalizeEmail } from '../input.js';
import { requireSignedIn, type Actor } from '../policy.js';
import { hasAccessToday, isoDay } from '../organizations/plans.js';
import { hashToken, isWellFormedToken, newToken } from './tokens.js';

export type InvitationPurpose = 'INVITATION' | 'SELF_SERVICE' | 'REASSOCIATION';
export type InvitationState = 'PENDING' | 'ACCEPTED' | 'EXPIRED' | 'REVOKED' | 'REPLACED' | 'PROFILE_REMOVED';
export type InvitationError =
  | InvitationNotFoundError
  | InvitationExpiredError
  | InvitationUsedError
  | InvitationReplacedError
  | InvitationRevokedError
  | ProfileRemovedError;

export interface InvitationDeps {
  config: Config;
  services: AppServices;
}

interface InvitationDates {
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
  replacedAt: Date | null;
}

/** The profile's removal comes first (R6): whatever became of the link, the person's next step is to ask for access. */
export function invitationState(invitation: InvitationDates, profileStatus: 'ACTIVE' | 'REMOVED', now: Date): InvitationState {
  if (profileStatus === 'REMOVED') return 'PROFILE_REMOVED';
  if (invitation.acceptedAt) return 'ACCEPTED';
  if (invitation.revokedAt) return 'REVOKED';
  if (invitation.replacedAt) return 'REPLACED';
  if (invitation.expiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  return 'PENDING';
}

/** The typed error for a link that cannot be used, or null when it can (R6). */
export function invitationError(invitation: InvitationDates, profileStatus: 'ACTIVE' | 'REMOVED', now: Date): InvitationError | null {
  switch (invitationState(invitation, profileStatus, now)) {
    case 'ACCEPTED':
      return new InvitationUsedError(invitation.acceptedAt!);
    case 'REVOKED':
      return new InvitationRevokedError();
    case 'REPLACED':
      return new InvitationReplacedError();
    case 'PROFILE_REMOVED':
      return new ProfileRemovedError();
    case 'EXPIRED':
      return new InvitationExpiredError(invitation.expiresAt);
    default:
      return null;
  }
}

/** j***@f***.example: enough for a person to recognise their address, not enough to harvest it. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local.slice(0, 1)}***@${host.slice(0, 1)}***${tld}`;
}

const pending = { acceptedAt: null, revokedAt: null, replacedAt: null } as const;

export interface IssueInput {
  profile: { id: string; email: string; givenName: string; familyName: string; organizationId?: string };
  organizationName: string;
  purpose: InvitationPurpose;
  actor: AuditActor;
}

/**
 * Sends a new link for a profile: older pending links are replaced (R5), the e-mail goes to the outbox, audited.
 * The profiles' rows are locked first, so that two sends for one profile at once run one after the other and the
 * second replaces the first's link; the database's one-pending-link-per-profile guard backs this up.
 */
export async function issueInvitation(tx: Tx, deps: InvitationDeps, input: IssueInput): Promise<{ invitationId: string }> {
  const [issued] = await issueInvitations(tx, deps, [input]);
  return issued!;
}

/** issueInvitation for many profiles at once, in a fixed number of statements (bulk adds, imports). */
export async function issueInvitations(tx: Tx, deps: InvitationDeps, inputs: readonly IssueInput[]): Promise<{ invitationId: string }[]> {
  if (inputs.length === 0) return [];
  const { config, services } = deps;
  const now = services.now();
  const profileIds = inputs.map((i) => i.profile.id);
  await tx.$executeRaw`UPDATE "Profile" SET "id" = "id" WHERE "id" IN (${Prisma.join(profileIds)})`;
  const missingOrg = inputs.filter((i) => !i.profile.organizationId).map((i) => i.profile.id);
  const orgOf = new Map(
    missingOrg.length ? (await tx.profile.findMany({ where: { id: { in: missingOrg } }, select: { id: true, organizationId: true } })).map((p) => [p.id, p.organizationId]) : [],
  );
  const replacing = await tx.invitation.findMany({ where: { profileId: { in: profileIds }, ...pending }, select: { profileId: true } });
  if (replacing.length) await tx.invitation.updateMany({ where: { profileId: { in: profileIds }, ...pending }, data: { replacedAt: now } });
  const replacedCount = new Map<string, number>();
  for (const r of replacing) replacedCount.set(r.profileId, (replacedCount.get(r.profileId) ?? 0) + 1);

  const expiresAt = new Date(now.getTime() + config.invitationTtlHours * 3_600_000);
  const tokens = inputs.map(() => newToken());
  const created = await tx.invitation.createManyAndReturn({
    data: inputs.map((input, i) => ({ profileId: input.profile.id, purpose: input.purpose, tokenHash: tokens[i]!.hash, sentTo: input.profile.email, expiresAt, createdAt: now })),
    select: { id: true, tokenHash: true },
  });
  const idByHash = new Map(created.map((c) => [c.tokenHash, c.id]));
  const invitationIds = tokens.map((t) => idByHash.get(t.hash)!);

  await tx.outboxEmail.createMany({
    data: inputs.map((input, i) => ({
      messageId: messageIdFor(config),
      kind: `association.${input.purpose.toLowerCase()}`,
      to: input.profile.email,
      invitationId: invitationIds[i]!,
      ...associationMail({
        purpose: input.purpose,
        givenName: input.profile.givenName,
        organizationName: input.organizationName,
        vendorName: config.vendor.name,
        link: `${config.publicUrl}/account/associate/#token=${tokens[i]!.token}`,
        expiresAt,
        portalUrl: config.publicUrl,
        helpUrl: config.helpUrl,
      }),
    })),
  });
  await tx.auditEvent.createMany({
    data: inputs.map((input, i) => {
      const replaced = replacedCount.get(input.profile.id) ?? 0;
      return auditRow(input.actor, {
        action: 'invitation.send',
        organizationId: input.profile.organizationId ?? orgOf.get(input.profile.id) ?? null,
        targetProfileId: input.profile.id,
        targetType: 'Invitation',
        targetId: invitationIds[i]!,
        summary: `${input.actor.displayName ?? 'Portico'} sent a ${describePurpose(input.purpose)} to ${input.profile.email}${replaced ? ` (replacing ${replaced} earlier link${replaced > 1 ? 's' : ''})` : ''}`,
        after: { purpose: input.purpose, sentTo: input.profile.email, expiresAt: expiresAt.toISOString() },
      });
    }),
  });
  services.mailQueued();
  return invitationIds.map((invitationId) => ({ invitationId }));
}

function describePurpose(purpose: InvitationPurpose): string {
  return { INVITATION: 'invitation', SELF_SERVICE: 'requested link', REASSOCIATION: 're-association link' }[purpose];
}

export function messageIdFor(config: Config): string {
  return `<${randomUUID()}@${new URL(config.publicUrl).hostname}>`;
}

/** Stops every pending link of a profile (an e-mail change, a removal); audited when there was any. */
export async function revokePendingInvitations(tx: Tx, profileId: string, actor: AuditActor, reason: string, now = new Date()): Promise<number> {
  const links = await tx.invitation.findMany({ where: { profileId, ...pending }, select: { id: true, profile: { select: { organizationId: true, email: true } } } });
  if (links.length === 0) return 0;
  await tx.invitation.updateMany({ where: { id: { in: links.map((l) => l.id) } }, data: { revokedAt: now } });
  await writeAudit(tx, actor, {
    action: 'invitation.revoke',
    organizationId: links[0]!.profile.organizationId,
    targetProfileId: profileId,
    summary: `${actor.displayName ?? 'Portico'} revoked ${links.length} pending link${links.length > 1 ? 's' : ''} for ${links[0]!.profile.email}: ${reason}`,
  });
  return links.length;
}

export async function findByToken(db: Db | Tx, token: string) {
  if (!isWellFormedToken(token)) return null;
  return db.invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { profile: { include: { organization: { include: { servicePlans: true } } } } },
  });
}

export interface AssociationPreviewResult {
  valid: boolean;
  organizationName: string | null;
  profileGivenName: string | null;
  maskedEmail: string | null;
  expiresAt: Date | null;
  purpose: InvitationPurpose | null;
  error: InvitationError | null;
}

/** What a link is for, without signing in and without using it up (mail scanners open links too). */
export async function previewInvitation(deps: Pick<Deps, 'db' | 'services'>, token: string): Promise<AssociationPreviewResult> {
  const { services } = deps;
  const invitation = await findByToken(deps.db, token);
  if (!invitation) {
    return { valid: false, organizationName: null, profileGivenName: null, maskedEmail: null, expiresAt: null, purpose: null, error: new InvitationNotFoundError() };
  }
  const error = invitationError(invitation, invitation.profile.status, services.now());
  return {
    valid: error === null,
    organizationName: invitation.profile.organization.name,
    profileGivenName: invitation.profile.givenName,
    maskedEmail: maskEmail(invitation.sentTo),
    expiresAt: invitation.expiresAt,
    purpose: invitation.purpose,
    error,
  };
}

export interface AssociationOutcome {
  profileId: string;
  replacedIdentityId: string | null;
  /** Whether the profile became the session's current one (it is usable today). */
  madeCurrent: boolean;
}

/**
 * Links the signed-in identity to the link's profile. Single use: the link is claimed with a conditional update
 * inside the transaction, so of any number of simultaneous calls exactly one succeeds.
 */
export async function associateIdentity(deps: Deps, actorOrNull: Actor | null, token: string): Promise<AssociationOutcome> {
  const signedIn = requireSignedIn(actorOrNull);
  const { config, services } = deps;
  const now = services.now();
  const result = await deps.db.$transaction(async (tx) => {
    const invitation = await findByToken(tx, token);
    if (!invitation) throw new InvitationNotFoundError();
    const error = invitationError(invitation, invitation.profile.status, now);
    if (error) throw error;
    const claimed = await tx.invitation.updateMany({
      where: { id: invitation.id, ...pending, expiresAt: { gt: now } },
      data: { acceptedAt: now, acceptedByIdentityId: signedIn.identityId },
    });
    if (claimed.count !== 1) throw new InvitationUsedError(now);

    const { profile } = invitation;
    const organization = profile.organization;
    const actor: AuditActor = { identityId: signedIn.identityId, profileId: profile.id, displayName: signedIn.identityDisplayName ?? `${profile.givenName} ${profile.familyName}`, role: 'SELF' };
    const previous = profile.identityId;
    const identity = await tx.identity.findUniqueOrThrow({ where: { id: signedIn.identityId }, select: { provider: true, email: true } });
    await tx.profile.update({ where: { id: profile.id }, data: { identityId: signedIn.identityId, associatedAt: now } });
    await writeAudit(tx, actor, {
      action: 'invitation.accept',
      organizationId: profile.organizationId,
      targetProfileId: profile.id,
      targetType: 'Invitation',
      targetId: invitation.id,
      summary: `${profile.givenName} ${profile.familyName} linked a ${providerWords(config, identity.provider)} (${identity.email ?? 'no e-mail'}) to their profile`,
      before: { identityId: previous },
      after: { identityId: signedIn.identityId },
    });

    const replacedIdentityId = previous && previous !== signedIn.identityId ? previous : null;
    if (replacedIdentityId) {
      // R7: the old identity loses the profile at once, and the profile's owner hears about it: at the address
      // the link was sent to and at the profile's confirmed address (they differ only if it changed since).
      await endSessionsActingAs(tx, profile.id);
      await writeAudit(tx, actor, {
        action: 'association.replace',
        organizationId: profile.organizationId,
        targetProfileId: profile.id,
        summary: `The sign-in account linked to ${profile.givenName} ${profile.familyName} was replaced`,
        before: { identityId: previous },
        after: { identityId: signedIn.identityId },
      });
      const notice = securityNoticeMail({
        givenName: profile.givenName,
        organizationName: organization.name,
        vendorName: config.vendor.name,
        newAccountDescription: `a ${providerWords(config, identity.provider)}${identity.email ? ` (${identity.email})` : ''}`,
        at: now,
        helpUrl: config.helpUrl,
        supportEmail: config.vendor.supportEmail,
      });
      await tx.outboxEmail.createMany({
        data: [...new Set([invitation.sentTo, profile.email])].map((to) => ({ messageId: messageIdFor(config), kind: 'security.association-replaced', to, ...notice })),
      });
    }

    const usable = hasAccessToday(organization.kind, organization.servicePlans, isoDay(now));
    if (usable) await setCurrentProfile(tx, signedIn.sessionKey, profile.id);
    return { profileId: profile.id, replacedIdentityId, madeCurrent: usable };
  });
  if (result.replacedIdentityId) services.mailQueued();
  return result;
}

function providerWords(config: Config, key: string): string {
  return (config.oidcProviders.find((p) => p.key === key)?.displayName ?? key).toLowerCase();
}

export const LINK_REQUEST_ANSWER =
  'If this address belongs to one or more profiles, an e-mail with a personal link is on its way for each of them. Check your inbox and junk mail in a few minutes.';

/**
 * R8: one e-mail per ACTIVE profile with this address, each with its own link. The answer is the same, and comes
 * after the same minimum time, whether or not the address exists and whatever happens while sending.
 */
export async function requestAssociationEmails(deps: Deps, clientAddress: string, rawEmail: string): Promise<{ message: string }> {
  const started = Date.now();
  const email = normalizeEmail(rawEmail.slice(0, 1000));
  if (email instanceof InvalidInputError) throw email;
  const limited = await deps.services.linkRequests.consume(email, clientAddress);
  if (limited) throw limited;
  await answerAlike(deps, started, 'requestAssociationEmails', () => sendLinksToAddress(deps, email));
  return { message: LINK_REQUEST_ANSWER };
}

/**
 * Runs `work` so that its outcome shows neither in the answer nor in its timing: a failure is logged, not
 * answered, and the caller answers no sooner than `linkRequestMinMs` after `started`, found or not (R8).
 */
export async function answerAlike(deps: Pick<Deps, 'config' | 'logger'>, started: number, label: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    deps.logger.error({ err: error }, `${label} failed`);
  }
  const wait = deps.config.linkRequestMinMs - (Date.now() - started);
  if (wait > 0) await sleep(wait);
}

async function sendLinksToAddress(deps: Deps, email: string): Promise<number> {
  const profiles = await deps.db.profile.findMany({
    where: { email, status: 'ACTIVE' },
    select: { id: true, email: true, givenName: true, familyName: true, organizationId: true, organization: { select: { name: true } } },
  });
  if (profiles.length === 0) return 0;
  const actor = { ...SYSTEM_ACTOR, displayName: 'Self-service request' };
  await deps.db.$transaction((tx) => issueInvitations(tx, deps, profiles.map((profile) => ({ profile, organizationName: profile.organization.name, purpose: 'SELF_SERVICE' as const, actor }))));
  return profiles.length;
}
