// Every expected failure is a DomainError: a value with a stable `code` that client apps switch on, a message that
// tells the person what to do next, and (for most) a help-site page. Services throw or return them and know
// nothing of GraphQL; server/graphql/ maps them: into a mutation's result union when the union lists the type, and
// otherwise into a GraphQL error with extensions.code (UNAUTHENTICATED, FORBIDDEN, and anything undeclared), never
// into an internal error.
//
// Not Error subclasses on purpose: graphql-js treats any Error a resolver returns as a failure, and these are
// values we also return (AssociationPreview.error, AccessFinding).
import { formatDate } from './format.js';

/**
 * Every code a failure can carry, with what it means: the one list. The GraphQL enum ErrorCode, the help-site page
 * per code (/troubleshooting/<code>/) and each DomainError's `code` are checked against it.
 */
export const ERROR_CODES = {
  UNAUTHENTICATED: 'Not signed in, or the session ended: sign in (signInUrl) and try again. With an API token: the token was refused, and the message says why.',
  FORBIDDEN: 'Not allowed for the profile you act as, or it does not exist.',
  INVITATION_NOT_FOUND: 'No link has this token.',
  INVITATION_EXPIRED: "The link's time ran out before it was used.",
  INVITATION_USED: 'The link was already used.',
  INVITATION_REPLACED: 'A newer link was sent for the same profile.',
  INVITATION_REVOKED: 'An administrator cancelled the link.',
  PROFILE_REMOVED: 'The profile was removed from its organization.',
  SERVICE_PLAN_INACTIVE: "The customer organization has no service plan active today (R1).",
  LAST_ADMINISTRATOR: 'The change would leave the organization with people but no administrator (R3).',
  DUPLICATE_EMAIL: 'The organization already has an active profile with this e-mail (R4).',
  INVALID_INPUT: 'An argument is not acceptable; `field` names it.',
  RATE_LIMITED: 'Too many requests; try again later.',
  NOT_YOUR_PROFILE: 'The profile is not linked to the signed-in account.',
  EMAIL_CHANGE_LINK_INVALID: 'A link from an e-mail-change message that cannot be used any more.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export abstract class DomainError {
  abstract readonly code: ErrorCode;
  constructor(readonly message: string) {}

  /**
   * Yoga's executor turns a thrown non-Error into a plain Error and keeps only its message and `cause`; pointing
   * `cause` at itself is how the adapter (server/graphql/errors.ts) finds the DomainError again.
   */
  get cause(): DomainError {
    return this;
  }
}


/** Signed out, or the session ended. */
export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'Sign in first.') {
    super(message);
  }
}

/** Also the answer for ids that do not exist, so that an id of another organization reveals nothing. */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  constructor(message = 'You may not do this, or it does not exist.') {
    super(message);
  }
}

export class InvitationNotFoundError extends DomainError {
  readonly code = 'INVITATION_NOT_FOUND';
  constructor() {
    super('This link is not valid. Check that you opened the whole link from the e-mail, or ask for a new one on the "Ask for a new link" page.');
  }
}

export class InvitationExpiredError extends DomainError {
  readonly code = 'INVITATION_EXPIRED';
  constructor(readonly expiredAt: Date) {
    super(`This link expired on ${formatDate(expiredAt)}. Ask for a new link: it is sent to the same address.`);
  }
}

export class InvitationUsedError extends DomainError {
  readonly code = 'INVITATION_USED';
  constructor(readonly usedAt: Date) {
    super('This link was already used to link an account. Sign in with that account, or ask for a new link to link a different one.');
  }
}

export class InvitationReplacedError extends DomainError {
  readonly code = 'INVITATION_REPLACED';
  constructor() {
    super('A newer link was sent for this profile, so this one no longer works. Use the most recent e-mail, or ask for a new link.');
  }
}

export class InvitationRevokedError extends DomainError {
  readonly code = 'INVITATION_REVOKED';
  constructor() {
    super('An administrator cancelled this link. Ask your administrator for a new invitation.');
  }
}

export class ProfileRemovedError extends DomainError {
  readonly code = 'PROFILE_REMOVED';
  constructor() {
    super('The profile this link was for has been removed by your organization. Ask your administrator if you still need access.');
  }
}

export class ServicePlanInactiveError extends DomainError {
  readonly code = 'SERVICE_PLAN_INACTIVE';
  constructor(readonly organizationName: string, readonly planEndedOn: string | null) {
    super(
      planEndedOn
        ? `The service plan of ${organizationName} ended on ${formatDate(planEndedOn)}, so this profile cannot be used. Ask your administrator to renew the plan, or choose another profile.`
        : `${organizationName} has no active service plan, so this profile cannot be used. Ask your administrator to contact the vendor, or choose another profile.`,
    );
  }
}

export class LastAdministratorError extends DomainError {
  readonly code = 'LAST_ADMINISTRATOR';
  constructor(readonly organizationName: string) {
    super(`${organizationName} would have no active administrator left. Make someone else an administrator first.`);
  }
}

export class DuplicateEmailError extends DomainError {
  readonly code = 'DUPLICATE_EMAIL';
  constructor(readonly email: string) {
    super(`An active profile with the e-mail ${email} already exists in this organization.`);
  }
}

export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`);
  }
}

export class NotYourProfileError extends DomainError {
  readonly code = 'NOT_YOUR_PROFILE';
  constructor() {
    super('This profile is not linked to the account you are signed in with. Sign in with the account you linked, or choose one of your own profiles.');
  }
}

export type EmailChangeLinkProblem = 'NOT_FOUND' | 'EXPIRED' | 'USED' | 'CANCELLED' | 'PROFILE_REMOVED';

/** A link from an e-mail-change message that cannot be used any more; `reason` says why. */
export class EmailChangeLinkError extends DomainError {
  readonly code = 'EMAIL_CHANGE_LINK_INVALID';
  constructor(readonly reason: EmailChangeLinkProblem) {
    super(
      {
        NOT_FOUND: 'This link is not valid. Check that you opened the whole link from the e-mail.',
        EXPIRED: 'This link has expired, so the address did not change. Ask for the change again on My profile, or ask your administrator.',
        USED: 'This change was already confirmed.',
        CANCELLED: 'This change was stopped, or replaced by a newer one, so the address did not change.',
        PROFILE_REMOVED: 'The profile this link was for has been removed by your organization.',
      }[reason],
    );
  }
}
