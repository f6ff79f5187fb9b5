// The GraphQL types of the expected failures (server/errors.ts). Mutations list the ones they can return.
import * as E from '../errors.js';
import { builder, ErrorInterface } from './builder.js';
import { signInUrlOf } from './errors.js';

const base = { interfaces: [ErrorInterface] };

// The refusals. Every mutation's result union lists them (graphql/results.ts), so a refused mutation answers in its
// own field and never blanks the rest of the response.
export const ForbiddenError = builder.objectType(E.ForbiddenError, {
  ...base,
  name: 'ForbiddenError',
  description: 'Not allowed for the profile you act as, or the object does not exist (both answer the same, so an id reveals nothing).',
  fields: () => ({}),
});
export const UnauthenticatedError = builder.objectType(E.UnauthenticatedError, {
  ...base,
  name: 'UnauthenticatedError',
  description: 'Not signed in, or the session ended: sign in at `signInUrl`, then send the request again.',
  fields: (t) => ({
    signInUrl: t.string({ description: 'The page that signs the person in and brings them back.', resolve: (_error, _args, ctx) => signInUrlOf(ctx.config) }),
  }),
});

export const InvitationNotFoundError = builder.objectType(E.InvitationNotFoundError, {
  ...base,
  name: 'InvitationNotFoundError',
  description: 'No link has this token: it was mistyped, cut short by the mail program, or never existed.',
  fields: () => ({}),
});
export const InvitationExpiredError = builder.objectType(E.InvitationExpiredError, {
  ...base,
  name: 'InvitationExpiredError',
  description: 'The link was valid but its time ran out.',
  fields: (t) => ({ expiredAt: t.expose('expiredAt', { type: 'DateTime', description: 'When the link stopped working.' }) }),
});
export const InvitationUsedError = builder.objectType(E.InvitationUsedError, {
  ...base,
  name: 'InvitationUsedError',
  description: 'The link was already used; links work once.',
  fields: (t) => ({ usedAt: t.expose('usedAt', { type: 'DateTime', description: 'When the link was used.' }) }),
});
export const InvitationReplacedError = builder.objectType(E.InvitationReplacedError, {
  ...base,
  name: 'InvitationReplacedError',
  description: 'A newer link was sent for the same profile.',
  fields: () => ({}),
});
export const InvitationRevokedError = builder.objectType(E.InvitationRevokedError, {
  ...base,
  name: 'InvitationRevokedError',
  description: 'An administrator cancelled the link.',
  fields: () => ({}),
});
export const ProfileRemovedError = builder.objectType(E.ProfileRemovedError, {
  ...base,
  name: 'ProfileRemovedError',
  description: 'The profile was removed from its organization.',
  fields: () => ({}),
});
export const ServicePlanInactiveError = builder.objectType(E.ServicePlanInactiveError, {
  ...base,
  name: 'ServicePlanInactiveError',
  description: "The profile's customer organization has no service plan active today (R1).",
  fields: (t) => ({
    organizationName: t.exposeString('organizationName', { description: 'The customer organization without a plan.' }),
    planEndedOn: t.expose('planEndedOn', { type: 'Date', nullable: true, description: 'The last day of the most recent plan, if there was one.' }),
  }),
});
export const LastAdministratorError = builder.objectType(E.LastAdministratorError, {
  ...base,
  name: 'LastAdministratorError',
  description: 'The change would leave the organization with active people but no active administrator (R3).',
  fields: (t) => ({ organizationName: t.exposeString('organizationName', { description: 'The organization that would be left without one.' }) }),
});
export const DuplicateEmailError = builder.objectType(E.DuplicateEmailError, {
  ...base,
  name: 'DuplicateEmailError',
  description: 'The organization already has an active profile with this e-mail (R4).',
  fields: (t) => ({ email: t.exposeString('email', { description: 'The address already in use, as stored.' }) }),
});
export const InvalidInputError = builder.objectType(E.InvalidInputError, {
  ...base,
  name: 'InvalidInputError',
  description: 'An argument is not acceptable; `field` names it.',
  fields: (t) => ({ field: t.exposeString('field', { description: 'The argument or input field at fault, e.g. `email` or `first`.' }) }),
});
export const RateLimitedError = builder.objectType(E.RateLimitedError, {
  ...base,
  name: 'RateLimitedError',
  description: 'Too many requests; try again after the given time.',
  fields: (t) => ({ retryAfterSeconds: t.exposeInt('retryAfterSeconds', { description: 'How long to wait before asking again.' }) }),
});
export const NotYourProfileError = builder.objectType(E.NotYourProfileError, {
  ...base,
  name: 'NotYourProfileError',
  description: 'The profile is not linked to the signed-in identity.',
  fields: () => ({}),
});

export const EmailChangeLinkError = builder.objectType(E.EmailChangeLinkError, {
  ...base,
  name: 'EmailChangeLinkError',
  description: 'A link from an e-mail-change message that cannot be used; `reason` says why.',
  fields: (t) => ({ reason: t.exposeString('reason', { description: 'NOT_FOUND, EXPIRED, USED, CANCELLED or PROFILE_REMOVED.' }) }),
});

/** The errors that redeeming or previewing a link can give. */
export const invitationErrors = [
  E.InvitationNotFoundError,
  E.InvitationExpiredError,
  E.InvitationUsedError,
  E.InvitationReplacedError,
  E.InvitationRevokedError,
  E.ProfileRemovedError,
] as const;
