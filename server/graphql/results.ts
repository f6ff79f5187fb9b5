// The shape every mutation result shares: a union of its success type and the typed errors it can return.
import * as E from '../errors.js';
import { builder } from './builder.js';

/** A mutation's success type carrying the profile it changed, under `profile`. */
export function profilePayload(name: string, description: string) {
  return builder.objectRef<{ profileId: string }>(name).implement({
    description,
    fields: (t) => ({
      profile: t.prismaField({ type: 'Profile', description: 'The profile as it is after the change.', resolve: (query, parent, _args, ctx) => ctx.db.profile.findUniqueOrThrow({ ...query, where: { id: parent.profileId } }) }),
    }),
  });
}

/**
 * What any mutation can be refused with: signed out, not allowed, and a chosen customer profile whose plan ended
 * since (policy.requireActing). They join every result union, so a refusal is data in the mutation's own field and
 * never blanks its siblings (a request with two mutations keeps the first one's answer).
 */
export const REFUSALS = [E.UnauthenticatedError, E.ForbiddenError, E.ServicePlanInactiveError] as const;

/** The errors option of a mutation field: its union is `<Mutation>Result`, its success type the field's own type. */
export function resultOf(mutation: string, types: readonly (new (...args: never[]) => E.DomainError)[]) {
  const union = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Result`;
  return {
    types: [...new Set([...types, ...REFUSALS])],
    directResult: true as const,
    union: { name: union, description: `What ${mutation} answers: its success type, or one of the typed errors it can return (each implements Error; refusals are ForbiddenError and UnauthenticatedError).` },
  };
}
