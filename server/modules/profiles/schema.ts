import { builder, ErrorInterface } from '../../graphql/builder.js';
import * as E from '../../errors.js';
import { idArg } from '../../graphql/ids.js';
import { maySeePrivate } from '../policy.js';
import { profilePayload, resultOf } from '../../graphql/results.js';
import * as profiles from './service.js';
import { cancelEmailChange, confirmEmailChange, type EmailChangeOutcome } from './email-change.js';

export const ProfileStatus = builder.enumType('ProfileStatus', {
  description: 'Whether a profile can be used or was removed (removal is soft: the audit log keeps it).',
  values: {
    ACTIVE: { description: 'The profile can be used.' },
    REMOVED: { description: 'Removed by an administrator; kept for the audit log.' },
  } as const,
});

export const AssociationStatus = builder.enumType('AssociationStatus', {
  description: 'Whether a sign-in account is linked to the profile.',
  values: {
    LINKED: { description: 'An account is linked and may act as this profile.' },
    INVITED: { description: 'No account yet; a link was sent and can still be used.' },
    NOT_LINKED: { description: 'No account, and no usable link: send one.' },
  } as const,
});

export const AccountProvider = builder.objectRef<{ key: string; displayName: string; description: string; signInUrl: string }>('AccountProvider').implement({
  description: 'A kind of sign-in account people can link: a personal account or a work-or-school account.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'Stable name of the account type: `personal` or `work`.' }),
    displayName: t.exposeString('displayName', { description: 'The name people see, e.g. "Personal account".' }),
    description: t.exposeString('description', { description: 'One sentence on which accounts this is.' }),
    signInUrl: t.exposeString('signInUrl', { description: 'Opens sign-in with this account type; add `?returnTo=/path` to come back.' }),
  }),
});

export function accountProviders(ctx: { config: import('../../config.js').Config }) {
  return ctx.config.oidcProviders.map((p) => ({
    key: p.key,
    displayName: p.displayName,
    description: p.description,
    signInUrl: `${ctx.config.publicUrl}/auth/sign-in/${p.key}`,
  }));
}

export const Identity = builder.prismaNode('Identity', {
  id: { field: 'id' },
  description: 'An external sign-in account, known by its issuer and subject.',
  fields: (t) => ({
    provider: t.field({
      type: AccountProvider,
      description: 'The account type this identity signs in with.',
      select: { provider: true },
      resolve: (identity, _args, ctx) => {
        const found = accountProviders(ctx).find((p) => p.key === identity.provider);
        return found ?? { key: identity.provider, displayName: identity.provider, description: '', signInUrl: '' };
      },
    }),
    email: t.exposeString('email', { nullable: true, description: 'The address the provider gave at the last sign-in, if any. Not the key of the identity.' }),
    displayName: t.exposeString('displayName', { nullable: true, description: 'The name the provider gave at the last sign-in, if any.' }),
    lastSignInAt: t.expose('lastSignInAt', { type: 'DateTime', nullable: true, description: 'When this identity last signed in to Portico.' }),
  }),
});

/** What maySeePrivate needs of a profile. */
export const privacySelect = { identityId: true, organization: { select: { id: true, partnerId: true, kind: true } } } as const;

export const Profile = builder.prismaNode('Profile', {
  id: { field: 'id' },
  description: 'A professional in one organization.',
  fields: (t) => ({
    givenName: t.exposeString('givenName', { description: 'First name.' }),
    familyName: t.exposeString('familyName', { description: 'Last name; lists sort by it.' }),
    displayName: t.string({ description: 'Given and family name, as people see them.', select: { givenName: true, familyName: true }, resolve: (p) => `${p.givenName} ${p.familyName}` }),
    email: t.exposeString('email', { description: 'The confirmed address: links and security notices go here.' }),
    pendingEmail: t.string({
      nullable: true,
      description: 'A new address waiting for its confirmation link to be opened; null when none. Managers and the person only.',
      // The pending change, if any: the database allows at most one per profile.
      select: { ...privacySelect, emailChanges: { where: { confirmedAt: null, cancelledAt: null }, select: { newEmail: true }, take: 1 } },
      resolve: async (p, _args, ctx) => (maySeePrivate(await ctx.actor(), p) ? (p.emailChanges[0]?.newEmail ?? null) : null),
    }),
    isAdministrator: t.exposeBoolean('isAdministrator', { description: 'Whether this profile administers its organization.' }),
    status: t.expose('status', { type: ProfileStatus, description: 'ACTIVE, or REMOVED by an administrator.' }),
    organization: t.relation('organization', { description: 'The organization this profile belongs to.' }),
    associatedIdentity: t.field({
      type: Identity,
      nullable: true,
      description: 'The account linked to this profile. Null also when you may not see it (only its managers and its person may).',
      select: (_args, _ctx, nested) => ({ ...privacySelect, identity: nested() }),
      resolve: async (p, _args, ctx) => (maySeePrivate(await ctx.actor(), p) ? p.identity : null),
    }),
    associatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the current account was linked. Null when none is, or when you may not see it.',
      select: { ...privacySelect, associatedAt: true },
      resolve: async (p, _args, ctx) => (maySeePrivate(await ctx.actor(), p) ? p.associatedAt : null),
    }),
    associationStatus: t.field({
      type: AssociationStatus,
      nullable: true,
      description: 'LINKED, INVITED (a link was sent and can still be used) or NOT_LINKED. Null when you may not see it (only its managers and its person may).',
      select: (_args, ctx) => ({
        ...privacySelect,
        invitations: {
          where: { acceptedAt: null, revokedAt: null, replacedAt: null, expiresAt: { gt: ctx.services.now() } },
          select: { id: true },
          take: 1,
        },
      }),
      resolve: async (p, _args, ctx) => {
        if (!maySeePrivate(await ctx.actor(), p)) return null;
        if (p.identityId) return 'LINKED' as const;
        return p.invitations.length > 0 ? ('INVITED' as const) : ('NOT_LINKED' as const);
      },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the profile was added.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the profile last changed.' }),
  }),
});


export const NewProfessionalInput = builder.inputType('NewProfessionalInput', {
  description: 'One professional to add. The e-mail is stored trimmed and lower-cased.',
  fields: (t) => ({
    givenName: t.string({ required: true, description: 'First name.' }),
    familyName: t.string({ required: true, description: 'Last name.' }),
    email: t.string({ required: true, description: 'Where the invitation goes; unique among the active profiles of the organization (R4).' }),
    isAdministrator: t.boolean({ defaultValue: false, description: 'Make this person an administrator of the organization.' }),
  }),
});

export const AddProfessionalInput = builder.inputType('AddProfessionalInput', {
  description: 'One professional to add to an organization. The e-mail is stored trimmed and lower-cased.',
  fields: (t) => ({
    organizationId: t.id({ required: true, description: 'The organization (an Organization id) the person joins.' }),
    givenName: t.string({ required: true, description: 'First name.' }),
    familyName: t.string({ required: true, description: 'Last name.' }),
    email: t.string({ required: true, description: 'Where the invitation goes; unique among the active profiles of the organization (R4).' }),
    isAdministrator: t.boolean({ defaultValue: false, description: 'The first profile of an organization without an administrator becomes one anyway (R2).' }),
    sendInvitation: t.boolean({ defaultValue: true, description: 'E-mail the person their invitation link in the same transaction.' }),
  }),
});

export const UpdateProfileInput = builder.inputType('UpdateProfileInput', {
  description: 'Fields left out (or null) stay as they are.',
  fields: (t) => ({
    profileId: t.id({ required: true, description: 'The profile to change.' }),
    givenName: t.string({ description: 'New first name.' }),
    familyName: t.string({ description: 'New last name.' }),
    email: t.string({
      description:
        'A new address. For a profile without a linked account it applies at once and revokes the links sent to the old one. For a linked profile it waits (pendingEmail) until the link sent to the new address is opened; the old address is told and can stop it.',
    }),
    sendInvitation: t.boolean({ description: 'Send a new link to the (new) address in the same call. Default false.' }),
  }),
});

const AddProfessionalSuccess = profilePayload('AddProfessionalSuccess', 'The profile was added (and its invitation sent, if asked).');
const UpdateProfileSuccess = profilePayload('UpdateProfileSuccess', 'The profile as it is now.');
const UpdateMyProfileSuccess = profilePayload('UpdateMyProfileSuccess', 'Your profile as it is now.');

export const UpdateMyProfileInput = builder.inputType('UpdateMyProfileInput', {
  description: 'Your own names and e-mail; a field left out stays as it is.',
  fields: (t) => ({
    givenName: t.string({ description: 'New first name.' }),
    familyName: t.string({ description: 'New last name.' }),
    email: t.string({ description: 'A new address; for a linked profile it waits for the link sent to it (see UpdateProfileInput.email).' }),
  }),
});
const SetAdministratorSuccess = profilePayload('SetAdministratorSuccess', 'The profile as it is now.');
const RemoveProfileSuccess = profilePayload('RemoveProfileSuccess', 'The profile, now REMOVED; its sessions ended and its pending links were revoked.');
const UnlinkIdentitySuccess = profilePayload('UnlinkIdentitySuccess', 'The profile, now without a linked account; its sessions ended.');
const DesignateAdministratorSuccess = profilePayload('DesignateAdministratorSuccess', 'The profile, now an administrator.');

export const AddProfessionalsRowResult = builder.objectRef<profiles.RowResult>('AddProfessionalsRowResult').implement({
  description: 'What became of one entry of the list: its new profile, or why it was not added.',
  fields: (t) => ({
    index: t.exposeInt('index', { description: 'Position in `professionals`, from 0.' }),
    line: t.int({ description: 'Position in `professionals`, from 1, as a person counts rows.', resolve: (row) => row.index + 1 }),
    profile: t.prismaField({
      type: Profile,
      nullable: true,
      description: 'The new profile; null when this entry failed.',
      resolve: (query, row, _args, ctx) => (row.profileId ? ctx.db.profile.findUnique({ ...query, where: { id: row.profileId } }) : null),
    }),
    error: t.field({ type: ErrorInterface, nullable: true, description: 'Why this entry was not added; null when it was.', resolve: (row) => row.error }),
  }),
});

const AddProfessionalsSuccess = builder.objectRef<{ results: profiles.RowResult[] }>('AddProfessionalsSuccess').implement({
  description: 'One result per entry, in the order given. The valid entries were added even when others failed.',
  fields: (t) => ({
    results: t.field({ type: [AddProfessionalsRowResult], description: 'One per entry, in the order given.', resolve: (s) => s.results }),
    addedCount: t.int({ description: 'How many entries were added.', resolve: (s) => s.results.filter((r) => r.profileId).length }),
    failedCount: t.int({ description: 'How many entries failed.', resolve: (s) => s.results.filter((r) => r.error).length }),
  }),
});

builder.mutationFields((t) => ({
  addProfessional: t.field({
    type: AddProfessionalSuccess,
    description: 'Managers: adds a professional to an organization and, unless told otherwise, e-mails their invitation.',
    args: { input: t.arg({ type: AddProfessionalInput, required: true, description: 'Who to add, where.' }) },
    errors: resultOf('addProfessional', [E.DuplicateEmailError, E.InvalidInputError]),
    resolve: async (_root, { input }, ctx) =>
      profiles.addProfessional(ctx, await ctx.actor(), {
        organizationId: idArg(input.organizationId, 'Organization'),
        givenName: input.givenName,
        familyName: input.familyName,
        email: input.email,
        isAdministrator: input.isAdministrator ?? false,
        sendInvitation: input.sendInvitation ?? true,
      }),
  }),
  addProfessionals: t.field({
    type: AddProfessionalsSuccess,
    description: `Managers: adds up to ${profiles.MAX_PROFESSIONALS_PER_CALL} professionals at once, one result per entry.`,
    args: {
      organizationId: t.arg.id({ required: true, description: 'The organization they all join.' }),
      professionals: t.arg({ type: [NewProfessionalInput], required: true, description: 'The people to add.' }),
      sendInvitations: t.arg.boolean({ defaultValue: true, description: 'E-mail each added person their invitation.' }),
    },
    errors: resultOf('addProfessionals', [E.InvalidInputError]),
    resolve: async (_root, args, ctx) => ({
      results: await profiles.addProfessionals(ctx, await ctx.actor(), {
        organizationId: idArg(args.organizationId, 'Organization'),
        professionals: args.professionals,
        sendInvitations: args.sendInvitations ?? true,
      }),
    }),
  }),
  updateProfile: t.field({
    type: UpdateProfileSuccess,
    description: 'Managers: changes names or e-mail.',
    args: { input: t.arg({ type: UpdateProfileInput, required: true, description: 'The profile and what changes.' }) },
    errors: resultOf('updateProfile', [E.DuplicateEmailError, E.InvalidInputError, E.LastAdministratorError]),
    resolve: async (_root, { input }, ctx) => profiles.updateProfile(ctx, await ctx.actor(), { ...input, profileId: idArg(input.profileId, 'Profile') }),
  }),
  updateMyProfile: t.field({
    type: UpdateMyProfileSuccess,
    description: 'Changes your own names or e-mail, for the profile you act as. An e-mail change cancels links sent to the old address.',
    args: { input: t.arg({ type: UpdateMyProfileInput, required: true, description: 'What changes.' }) },
    errors: resultOf('updateMyProfile', [E.DuplicateEmailError, E.InvalidInputError]),
    resolve: async (_root, { input }, ctx) => profiles.updateMyProfile(ctx, await ctx.actor(), input),
  }),
  setAdministrator: t.field({
    type: SetAdministratorSuccess,
    description: 'Managers: grants or revokes administrator. The last active administrator cannot be revoked.',
    args: { profileId: t.arg.id({ required: true, description: 'The profile.' }), isAdministrator: t.arg.boolean({ required: true, description: 'true grants, false revokes.' }) },
    errors: resultOf('setAdministrator', [E.LastAdministratorError, E.InvalidInputError]),
    resolve: async (_root, args, ctx) => profiles.setAdministrator(ctx, await ctx.actor(), { profileId: idArg(args.profileId, 'Profile'), isAdministrator: args.isAdministrator }),
  }),
  removeProfile: t.field({
    type: RemoveProfileSuccess,
    description: 'Managers: removes a profile (kept for the audit log). The last active administrator cannot be removed while others remain.',
    args: { profileId: t.arg.id({ required: true, description: 'The profile to remove.' }) },
    errors: resultOf('removeProfile', [E.LastAdministratorError]),
    resolve: async (_root, args, ctx) => profiles.removeProfile(ctx, await ctx.actor(), { profileId: idArg(args.profileId, 'Profile') }),
  }),
  unlinkIdentity: t.field({
    type: UnlinkIdentitySuccess,
    description: 'Managers: detaches the linked sign-in account from a profile; a new link can then be sent.',
    args: { profileId: t.arg.id({ required: true, description: 'The profile whose account is detached.' }) },
    errors: resultOf('unlinkIdentity', [E.InvalidInputError]),
    resolve: async (_root, args, ctx) => profiles.unlinkIdentity(ctx, await ctx.actor(), { profileId: idArg(args.profileId, 'Profile') }),
  }),
  designateAdministrator: t.field({
    type: DesignateAdministratorSuccess,
    description: "Vendor support: makes a profile an administrator, also when the organization has none left. `replacingProfileId` (the administrator who left) loses the role in the same call.",
    args: {
      organizationId: t.arg.id({ required: true, description: 'The organization.' }),
      profileId: t.arg.id({ required: true, description: 'The profile that becomes an administrator.' }),
      replacingProfileId: t.arg.id({ description: 'The administrator who left: loses the role in the same call.' }),
    },
    errors: resultOf('designateAdministrator', [E.InvalidInputError, E.LastAdministratorError]),
    resolve: async (_root, args, ctx) => {
      const replacing = args.replacingProfileId === null || args.replacingProfileId === undefined ? null : idArg(args.replacingProfileId, 'Profile');
      return profiles.designateAdministrator(ctx, await ctx.actor(), {
        organizationId: idArg(args.organizationId, 'Organization'),
        profileId: idArg(args.profileId, 'Profile'),
        replacingProfileId: replacing,
        invalidReplacing: args.replacingProfileId !== null && args.replacingProfileId !== undefined && replacing === null,
      });
    },
  }),
}));

const EmailChangeSuccess = (name: string, description: string) =>
  builder.objectRef<EmailChangeOutcome>(name).implement({
    description,
    fields: (t) => ({
      email: t.exposeString('email', { description: "The profile's address now." }),
      organizationName: t.exposeString('organizationName', { description: "The profile's organization." }),
    }),
  });

const ConfirmEmailChangeSuccess = EmailChangeSuccess('ConfirmEmailChangeSuccess', 'The new address is now the profile address; links sent to the old one no longer work.');
const CancelEmailChangeSuccess = EmailChangeSuccess('CancelEmailChangeSuccess', 'The change was stopped; the address stays as it was.');

builder.mutationFields((t) => ({
  confirmEmailChange: t.field({
    type: ConfirmEmailChangeSuccess,
    description: 'Public: confirms an e-mail change with the token from the link sent to the new address.',
    args: { token: t.arg.string({ required: true, description: 'The token from the link (after #token=).' }) },
    errors: resultOf('confirmEmailChange', [E.EmailChangeLinkError, E.DuplicateEmailError]),
    resolve: (_root, { token }, ctx) => confirmEmailChange(ctx, token),
  }),
  cancelEmailChange: t.field({
    type: CancelEmailChangeSuccess,
    description: 'Public: stops a pending e-mail change with the token from the notice sent to the old address.',
    args: { token: t.arg.string({ required: true, description: 'The token from the notice (after #cancel=).' }) },
    errors: resultOf('cancelEmailChange', [E.EmailChangeLinkError]),
    resolve: (_root, { token }, ctx) => cancelEmailChange(ctx, token),
  }),
}));
