// A database that cannot answer right now (locked, restarting, pool exhausted) is not a bug: the client gets a
// GraphQL error with code UNAVAILABLE, HTTP 503 and Retry-After, and may simply try again. Everything else is
// masked as Yoga masks it.
import { createGraphQLError, maskError, type YogaServerOptions } from 'graphql-yoga';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseFault } from '../db/faults.js';

type MaskError = NonNullable<Exclude<YogaServerOptions<object, object>['maskedErrors'], boolean | undefined>['maskError']>;

export const maskErrorUnlessUnavailable: MaskError = (error, message, isDev) => {
  if (isDatabaseFault(error)) {
    return createGraphQLError('The service is briefly unavailable. Try again in a moment.', {
      extensions: { code: 'UNAVAILABLE', http: { status: 503, headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) } } },
    });
  }
  return maskError(error, message, isDev);
};
