import { builder, ErrorInterface } from '../../graphql/builder.js';
import { invitationErrors } from '../../graphql/error-types.js';
import { idArg } from '../../graphql/ids.js';
import * as E from '../../errors.js';
import { registerNodeLoader } from '../node/schema.js';
import { profilePayload, resultOf } from '../../graphql/results.js';
import { Profile } from '../profiles/schema.js';
import { maySeePrivate } from '../policy.js';
import { invitationState } from './service.js';
import * as invitations from './service.js';
import { resendInvitation, revokeInvitation, sendMyAssociationEmail } from './actions.js';
import { requestNewLink } from './renew.js';

export const InvitationPurpose = builder.enumType('InvitationPurpose', {
  description: 'Why a link was sent.',
  values: {
    INVITATION: { description: 'An administrator invited the person.' },
    SELF_SERVICE: { description: 'The person asked for their links.' },
    REASSOCIATION: { description: 'The person asked to link another sign-in account.' },
  } as const,
});

export const InvitationState = builder.enumType('InvitationState', {
  description: 'Whether a link can still be used, and if not, why.',
  values: {
    PENDING: { description: 'Can be used until it expires.' },
    ACCEPTED: { description: 'Used: an account was linked with it.' },
    EXPIRED: { description: 'Its time ran out.' },
    REVOKED: { description: 'Cancelled by an administrator or by an e-mail change.' },
    REPLACED: { description: 'A newer link was sent for the same profile.' },
    PROFILE_REMOVED: { description: 'The profile was removed.' },
  } as const,
});

export const DeliveryStatus = builder.enumType('DeliveryStatus', {
  description: 'Where the e-mail carrying a link is (R12: the outbox retries).',
  values: {
    QUEUED: { description: 'Waiting to be sent.' },
    SENDING: { description: 'Being handed to the mail server now.' },
    RETRYING: { description: 'A temporary failure; another attempt is scheduled.' },
    SENT: { description: 'Accepted by the mail server.' },
    FAILED: { description: 'Rejected for good (or too many failures); see lastError.' },
  } as const,
});

interface DeliveryShape { status: 'QUEUED' | 'SENDING' | 'RETRYING' | 'SENT' | 'FAILED'; attempts: number; lastError: string | null; sentAt: Date | null }

export const Delivery = builder.objectRef<DeliveryShape>('Delivery').implement({
  description: 'How the e-mail carrying a link is getting on.',
  fields: (t) => ({
    status: t.expose('status', { type: DeliveryStatus, description: 'Where the e-mail is now.' }),
    attempts: t.exposeInt('attempts', { description: 'How many times sending was tried.' }),
    lastError: t.exposeString('lastError', { nullable: true, description: "The mail server's last reply when delivery failed, e.g. 550 mailbox unknown." }),
    sentAt: t.expose('sentAt', { type: 'DateTime', nullable: true, description: 'When the mail server accepted it; null until then.' }),
  }),
});

export const Invitation = builder.prismaNode('Invitation', {
  id: { field: 'id' },
  description: 'A single-use link that lets a person link a sign-in account to one profile.',
  fields: (t) => ({
    purpose: t.expose('purpose', { type: InvitationPurpose, description: 'Why it was sent.' }),
    profile: t.relation('profile', { description: 'The profile the link is for; a mutation that sends or revokes a link returns it, so a client cache sees its latestInvitation change.' }),
    sentTo: t.exposeString('sentTo', { description: 'The address the link was sent to.' }),
    state: t.field({
      type: InvitationState,
      description: 'Whether it can still be used, and if not, why.',
      select: { expiresAt: true, acceptedAt: true, revokedAt: true, replacedAt: true, profile: { select: { status: true } } },
      resolve: (inv, _args, ctx) => invitationState(inv, inv.profile.status, ctx.services.now()),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was sent.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When it stops working if unused.' }),
    acceptedAt: t.expose('acceptedAt', { type: 'DateTime', nullable: true, description: 'When it was used; null if not.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was cancelled; null if not.' }),
    delivery: t.field({
      type: Delivery,
      nullable: true,
      description: 'How its e-mail is getting on; null if none was sent (sendInvitation false).',
      select: { emails: { orderBy: { createdAt: 'desc' }, take: 1, select: { status: true, attempts: true, lastError: true, sentAt: true } } },
      resolve: (inv) => inv.emails[0] ?? null,
    }),
  }),
});

builder.prismaObjectFields(Profile, (t) => ({
  latestInvitation: t.field({
    type: Invitation,
    nullable: true,
    description: 'The most recent link sent for this profile, with its state and delivery. Managers and the person only.',
    select: (_args, _ctx, nested) => ({
      identityId: true,
      organization: { select: { id: true, partnerId: true, kind: true } },
      invitations: { orderBy: { createdAt: 'desc' }, take: 1, ...nested() },
    }),
    resolve: async (profile, _args, ctx) => (maySeePrivate(await ctx.actor(), profile) ? profile.invitations[0] ?? null : null),
  }),
  invitations: t.prismaField({
    type: [Invitation],
    nullable: true,
    description: 'Every link sent for this profile, newest first (at most 50), with its state and delivery: the history on the person\'s page. Managers and the person only.',
    select: { identityId: true, organization: { select: { id: true, partnerId: true, kind: true } } },
    resolve: async (query, profile, _args, ctx) =>
      maySeePrivate(await ctx.actor(), profile)
        ? ctx.db.invitation.findMany({ ...query, where: { profileId: profile.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 50 })
        : null,
  }),
}));

// node(id) for invitations: the same people who may see the profile's private side.
registerNodeLoader('Invitation', async (ctx, actor, id, query) => {
  const invitation = await ctx.db.invitation.findUnique({ where: { id }, select: { profile: { select: { identityId: true, organization: { select: { id: true, partnerId: true, kind: true } } } } } });
  if (!invitation || !maySeePrivate(actor, invitation.profile)) return null;
  return ctx.db.invitation.findUnique({ ...query, where: { id } });
});

interface PreviewShape extends invitations.AssociationPreviewResult {}

export const AssociationPreview = builder.objectRef<PreviewShape>('AssociationPreview').implement({
  description: 'What an association link is for, shown before anyone signs in. Looking never uses the link up.',
  fields: (t) => ({
    valid: t.exposeBoolean('valid', { description: 'Whether the link can be used now.' }),
    organizationName: t.exposeString('organizationName', { nullable: true, description: 'The organization of the profile the link is for.' }),
    givenName: t.exposeString('profileGivenName', { nullable: true, description: 'The given name on the profile, to greet the person.' }),
    maskedEmail: t.exposeString('maskedEmail', { nullable: true, description: 'The address it was sent to, partly hidden (j***@fabrikam.example).' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'When it stops working.' }),
    purpose: t.expose('purpose', { type: InvitationPurpose, nullable: true, description: 'Why it was sent.' }),
    error: t.field({ type: ErrorInterface, nullable: true, description: 'Why it cannot be used; null when valid.', resolve: (p) => p.error }),
  }),
});

builder.queryField('associationPreview', (t) =>
  t.field({
    type: AssociationPreview,
    description: 'Public: whether a link is valid, for which organization and (masked) address, until when — or why not.',
    args: { token: t.arg.string({ required: true, description: 'The token from the link (after #token=).' }) },
    resolve: (_root, { token }, ctx) => invitations.previewInvitation(ctx, token),
  }),
);

const InvitationPayload = (name: string, description: string) =>
  builder.objectRef<{ invitationId: string }>(name).implement({
    description,
    fields: (t) => ({
      invitation: t.prismaField({ type: Invitation, description: 'The link as it is after the change, with its profile.', resolve: (query, parent, _args, ctx) => ctx.db.invitation.findUniqueOrThrow({ ...query, where: { id: parent.invitationId } }) }),
    }),
  });

const AssociateIdentitySuccess = profilePayload('AssociateIdentitySuccess', 'The signed-in account is now linked to this profile.');
const SendMyAssociationEmailSuccess = InvitationPayload('SendMyAssociationEmailSuccess', 'A new link is on its way to the profile address.');
const ResendInvitationSuccess = InvitationPayload('ResendInvitationSuccess', 'A new invitation replaced any earlier link and is on its way.');
const RevokeInvitationSuccess = InvitationPayload('RevokeInvitationSuccess', 'The link no longer works.');

const RequestNewLinkSuccess = builder.objectRef<{ message: string }>('RequestNewLinkSuccess').implement({
  description: 'The same answer whether or not a new link was sent.',
  fields: (t) => ({ message: t.exposeString('message', { description: 'What to expect, in words for the person.' }) }),
});

const RequestAssociationEmailsSuccess = builder.objectRef<{ message: string }>('RequestAssociationEmailsSuccess').implement({
  description: 'The same answer whether or not the address is known.',
  fields: (t) => ({ message: t.exposeString('message', { description: 'What to expect, in words for the person.' }) }),
});


builder.mutationFields((t) => ({
  requestAssociationEmails: t.field({
    type: RequestAssociationEmailsSuccess,
    description: 'Sends one e-mail with a fresh link per active profile with this address. Answers the same whether or not any exists.',
    args: { email: t.arg.string({ required: true, description: 'The address the person was registered with.' }) },
    errors: resultOf('requestAssociationEmails', [E.InvalidInputError, E.RateLimitedError]),
    resolve: (_root, { email }, ctx) => invitations.requestAssociationEmails(ctx, ctx.clientAddress, email),
  }),
  requestNewLink: t.field({
    type: RequestNewLinkSuccess,
    description:
      "Sends a fresh link for the profile of an expired or replaced link, to that profile's address. A used or revoked link sends nothing; the answer is the same either way.",
    args: { token: t.arg.string({ required: true, description: 'The token of the old link (after #token=).' }) },
    errors: resultOf('requestNewLink', [E.RateLimitedError]),
    resolve: (_root, { token }, ctx) => requestNewLink(ctx, ctx.clientAddress, token),
  }),
  associateIdentity: t.field({
    type: AssociateIdentitySuccess,
    description: "Links the signed-in account to the link's profile. The link works once.",
    args: { token: t.arg.string({ required: true, description: 'The token from the link (after #token=).' }) },
    errors: resultOf('associateIdentity', [...invitationErrors]),
    resolve: async (_root, { token }, ctx) => invitations.associateIdentity(ctx, await ctx.actor(), token),
  }),
  sendMyAssociationEmail: t.field({
    type: SendMyAssociationEmailSuccess,
    description: "Sends a fresh link to the current profile's address, to link another sign-in account.",
    errors: resultOf('sendMyAssociationEmail', [E.RateLimitedError]),
    resolve: async (_root, _args, ctx) => sendMyAssociationEmail(ctx, await ctx.actor(), ctx.clientAddress),
  }),
  resendInvitation: t.field({
    type: ResendInvitationSuccess,
    description: 'Administrators: sends the person a new invitation; earlier links stop working.',
    args: { profileId: t.arg.id({ required: true, description: 'The profile to invite again.' }) },
    errors: resultOf('resendInvitation', [E.ProfileRemovedError]),
    resolve: async (_root, { profileId }, ctx) => resendInvitation(ctx, await ctx.actor(), idArg(profileId, 'Profile')),
  }),
  revokeInvitation: t.field({
    type: RevokeInvitationSuccess,
    description: 'Administrators: stops a link from working.',
    args: { invitationId: t.arg.id({ required: true, description: 'The link (an Invitation id) to cancel.' }) },
    errors: resultOf('revokeInvitation', [E.InvitationUsedError, E.InvitationRevokedError, E.InvitationReplacedError, E.InvitationExpiredError]),
    resolve: async (_root, { invitationId }, ctx) => revokeInvitation(ctx, await ctx.actor(), idArg(invitationId, 'Invitation')),
  }),
}));
