// The one adapter from domain failures to GraphQL. A DomainError thrown by a service lands in its mutation's result
// union when the union lists its type (Pothos' errors plugin); any other one reaches Yoga's error masking as a
// thrown value, and is turned here into a GraphQL error that carries its code, never an internal error.
import { GraphQLError } from 'graphql';
import type { Config } from '../config.js';
import { DomainError, InvalidInputError } from '../errors.js';
import { helpPathFor } from '../help-pages.js';
import { maskErrorUnlessUnavailable } from './unavailable.js';

/** The DomainError behind a GraphQL error, if any (kept as `thrownValue` by graphql-js, as `cause` by Yoga's executor). */
export function domainErrorOf(error: unknown): DomainError | null {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof DomainError) return current;
    const { thrownValue, cause } = current as { thrownValue?: unknown; cause?: unknown };
    if (thrownValue instanceof DomainError) return thrownValue;
    if (cause instanceof DomainError) return cause;
    current = (current as { originalError?: unknown }).originalError;
  }
  return null;
}


/** Where a signed-out person signs in: the account page offers the account types and comes back. */
export function signInUrlOf(config: Config): string {
  return `${config.publicUrl}/account/sign-in`;
}

export function toGraphQLError(error: DomainError, config: Config, located?: GraphQLError): GraphQLError {
  const extensions: Record<string, unknown> = { code: error.code, http: { status: 200 } };
  extensions.helpUrl = `${config.helpUrl}${helpPathFor(error.code)}`;
  if (error instanceof InvalidInputError) extensions.field = error.field;
  if (error.code === 'UNAUTHENTICATED') extensions.signInUrl = signInUrlOf(config);
  return new GraphQLError(error.message, { nodes: located?.nodes, source: located?.source, positions: located?.positions, path: located?.path, extensions });
}

/** Yoga's maskError: domain failures keep their code and message; a database fault is UNAVAILABLE; the rest is masked. */
export function createMaskError(config: Config) {
  return (error: unknown, message: string, isDev?: boolean): Error => {
    const domain = domainErrorOf(error);
    if (domain) return toGraphQLError(domain, config, error instanceof GraphQLError ? error : undefined);
    return maskErrorUnlessUnavailable(error, message, isDev);
  };
}
