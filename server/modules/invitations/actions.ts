// The invitation operations an actor asks for, around the rules in service.ts: who may (policy) and with which
// profile. Ids are database ids; the GraphQL layer decodes them (an undecodable id arrives as null: FORBIDDEN).
import { ForbiddenError, InvitationExpiredError, ProfileRemovedError } from '../../errors.js';
import { auditActorOf, writeAudit } from '../audit/service.js';
import type { Deps } from '../deps.js';
import { requireActing, requireActingPerson, requireAllowed, type Actor } from '../policy.js';
import { invitationError, issueInvitation, type InvitationError } from './service.js';

const profileForMail = {
  id: true,
  email: true,
  givenName: true,
  familyName: true,
  organizationId: true,
  status: true,
  organization: { select: { id: true, name: true, kind: true, partnerId: true } },
} as const;

/**
 * A fresh REASSOCIATION link to the current profile's own confirmed address (flow 5), never to a pending one:
 * that is what stops a profile from being moved to an account at an address nobody confirmed.
 */
export async function sendMyAssociationEmail(deps: Deps, actorOrNull: Actor | null, clientAddress: string): Promise<{ invitationId: string }> {
  const actor = requireActingPerson(actorOrNull);
  const profile = await deps.db.profile.findUniqueOrThrow({ where: { id: actor.profile.id }, select: profileForMail });
  const limited = await deps.services.linkRequests.consume(profile.email, clientAddress);
  if (limited) throw limited;
  return deps.db.$transaction((tx) =>
    issueInvitation(tx, deps, { profile, organizationName: profile.organization.name, purpose: 'REASSOCIATION', actor: { ...auditActorOf(actor), role: 'SELF' } }),
  );
}

export async function resendInvitation(deps: Deps, actorOrNull: Actor | null, profileId: string | null): Promise<{ invitationId: string }> {
  const profile = profileId ? await deps.db.profile.findUnique({ where: { id: profileId }, select: profileForMail }) : null;
  const actor = requireAllowed(actorOrNull, 'organization.manage', profile?.organization ?? null);
  if (profile!.status === 'REMOVED') throw new ProfileRemovedError();
  return deps.db.$transaction((tx) =>
    issueInvitation(tx, deps, { profile: profile!, organizationName: profile!.organization.name, purpose: 'INVITATION', actor: auditActorOf(actor) }),
  );
}

export async function revokeInvitation(deps: Deps, actorOrNull: Actor | null, invitationId: string | null): Promise<{ invitationId: string }> {
  requireActing(actorOrNull);
  const invitation = invitationId
    ? await deps.db.invitation.findUnique({
        where: { id: invitationId },
        include: { profile: { select: { status: true, email: true, givenName: true, familyName: true, organizationId: true, organization: { select: { id: true, kind: true, partnerId: true } } } } },
      })
    : null;
  const actor = requireAllowed(actorOrNull, 'organization.manage', invitation?.profile.organization ?? null);
  if (!invitation) throw new ForbiddenError();
  const now = deps.services.now();
  const error: InvitationError | null = invitationError(invitation, invitation.profile.status, now);
  // An expired link is revoked all the same, so the record says nobody may use it; the others are final states.
  if (error && !(error instanceof InvitationExpiredError)) throw error;
  await deps.db.$transaction(async (tx) => {
    const changed = await tx.invitation.updateMany({ where: { id: invitation.id, acceptedAt: null, revokedAt: null, replacedAt: null }, data: { revokedAt: now } });
    if (changed.count !== 1) return;
    await writeAudit(tx, auditActorOf(actor), {
      action: 'invitation.revoke',
      organizationId: invitation.profile.organizationId,
      targetProfileId: invitation.profileId,
      targetType: 'Invitation',
      targetId: invitation.id,
      summary: `${actor.profile.displayName} revoked the link sent to ${invitation.sentTo} for ${invitation.profile.givenName} ${invitation.profile.familyName}`,
    });
  });
  return { invitationId: invitation.id };
}
