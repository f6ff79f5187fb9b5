// The shape every mutation result shares: a union of its success type and the typed errors it can return.
import type * as E from '../errors.js';
import { builder } from './builder.js';

/** A mutation's success type carrying the profile it changed, under `profile`. */
export function profilePayload(name: string, description: string) {
  return builder.objectRef<{ profileId: string }>(name).implement({
    description,
    fields: (t) => ({
      profile: t.prismaField({ type: 'Profile', resolve: (query, parent, _args, ctx) => ctx.db.profile.findUniqueOrThrow({ ...query, where: { id: parent.profileId } }) }),
    }),
  });
}

/** The errors option of a mutation field: its union is `<Mutation>Result`, its success type the field's own type. */
export function resultOf(mutation: string, types: readonly (new (...args: never[]) => E.DomainError)[]) {
  return { types: [...types], directResult: true as const, union: { name: `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Result` } };
}
