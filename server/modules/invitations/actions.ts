// The invitation operations as the API offers them: who may call them (R10) and with which profile, around
// the rules in service.ts.
import { ForbiddenError, InvitationExpiredError, ProfileRemovedError, RateLimitedError, UnauthenticatedError } from '../../errors.js';
import type { Context } from '../../graphql/context.js';
import { localId } from '../../graphql/ids.js';
import { canManageOrganization, requireActingActor } from '../access.js';
import { auditActorOf, writeAudit } from '../audit/service.js';
import { associateIdentity, invitationError, issueInvitation, type AssociationOutcome, type InvitationError } from './service.js';

export async function associateForViewer(ctx: Context, token: string): Promise<AssociationOutcome | InvitationError> {
  if (!ctx.session) throw new UnauthenticatedError();
  const actor = await ctx.actor();
  return associateIdentity(ctx.db, ctx, ctx.session, token, actor?.identityDisplayName ?? null);
}

const profileForMail = { id: true, email: true, givenName: true, familyName: true, organizationId: true, status: true, organization: { select: { name: true } } } as const;

/** A fresh REASSOCIATION link to the current profile's own address (flow 5). */
export async function sendMyAssociationEmail(ctx: Context): Promise<{ invitationId: string } | RateLimitedError> {
  const actor = await requireActingActor(ctx);
  const profile = await ctx.db.profile.findUniqueOrThrow({ where: { id: actor.profile.id }, select: profileForMail });
  const limited = await ctx.services.linkRequests.consume(profile.email, ctx.clientAddress);
  if (limited) return limited;
  return ctx.db.$transaction((tx) =>
    issueInvitation(tx, ctx, { profile, organizationName: profile.organization.name, purpose: 'REASSOCIATION', actor: { ...auditActorOf(actor), role: 'SELF' } }),
  );
}

async function manageableProfile(ctx: Context, profileGlobalId: string) {
  const actor = await requireActingActor(ctx);
  const id = localId(profileGlobalId, 'Profile');
  const profile = id ? await ctx.db.profile.findUnique({ where: { id }, select: profileForMail }) : null;
  if (!profile || !(await canManageOrganization(ctx, actor, profile.organizationId))) throw new ForbiddenError();
  return { actor, profile };
}

export async function resendInvitation(ctx: Context, profileGlobalId: string): Promise<{ invitationId: string } | ProfileRemovedError> {
  const { actor, profile } = await manageableProfile(ctx, profileGlobalId);
  if (profile.status === 'REMOVED') return new ProfileRemovedError();
  return ctx.db.$transaction((tx) =>
    issueInvitation(tx, ctx, { profile, organizationName: profile.organization.name, purpose: 'INVITATION', actor: auditActorOf(actor) }),
  );
}

export async function revokeInvitation(ctx: Context, invitationGlobalId: string): Promise<{ invitationId: string } | InvitationError> {
  const actor = await requireActingActor(ctx);
  const id = localId(invitationGlobalId, 'Invitation');
  const invitation = id
    ? await ctx.db.invitation.findUnique({ where: { id }, include: { profile: { select: { organizationId: true, status: true, email: true, givenName: true, familyName: true } } } })
    : null;
  if (!invitation || !(await canManageOrganization(ctx, actor, invitation.profile.organizationId))) throw new ForbiddenError();
  const now = ctx.services.now();
  const error = invitationError(invitation, invitation.profile.status, now);
  // An expired link is revoked all the same, so the record says nobody may use it; the others are final states.
  if (error && !(error instanceof InvitationExpiredError)) return error;
  await ctx.db.$transaction(async (tx) => {
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
