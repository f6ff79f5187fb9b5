// Two kinds of failure. Expected, domain ones (an expired link, the last administrator) are DomainError subclasses
// that mutations return as typed members of their result union; each has a stable `code` that client apps switch
// on and a help-site page. Access failures are GraphQL errors with extensions.code UNAUTHENTICATED or FORBIDDEN.
import { GraphQLError } from 'graphql';
import { formatDate } from './format.js';

export class UnauthenticatedError extends GraphQLError {
  constructor(message = 'Sign in first.') {
    super(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 200 } } });
  }
}

/** Also the answer for ids that do not exist, so that an id of another organization reveals nothing. */
export class ForbiddenError extends GraphQLError {
  constructor(message = 'You may not do this, or it does not exist.') {
    super(message, { extensions: { code: 'FORBIDDEN', http: { status: 200 } } });
  }
}

/**
 * Not an Error subclass on purpose: graphql-js treats any Error a resolver returns as a failure, and these are
 * values we return (AssociationPreview.error, AccessFinding) as well as throw into a mutation's result union.
 */
/** A query argument that cannot be used; queries have no result union to carry an InvalidInputError. */
export class InvalidArgumentError extends GraphQLError {
  constructor(message: string, field: string) {
    super(message, { extensions: { code: 'INVALID_INPUT', field } });
  }
}

export abstract class DomainError {
  abstract readonly code: string;
  constructor(readonly message: string) {}
}


export class InvitationNotFoundError extends DomainError {
  readonly code = 'INVITATION_NOT_FOUND';
  constructor() {
    super('This link is not valid. Check that you opened the whole link from the e-mail, or ask for a new one on the "Get my links" page.');
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
