// What the root mutation fields resolve to, for the plugins that count or record typed errors (metrics, the
// refusal record). Only those fields carry result unions (graphql/results.ts resultOf), so only they are watched:
// a hook on every field would cost each field of every `viewer` a wrapper, for nothing. Thrown errors are not seen
// here; they are in the execution result's `errors`.
import { isPromise } from 'node:util/types';
import type { GraphQLField, GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export function useMutationResults<TContext extends object = {}>(listener: (result: unknown, context: TContext, fieldName: string) => void): Plugin<TContext> {
  const wrapped = Symbol('mutation results');
  return {
    onSchemaChange({ schema }) {
      const fields: GraphQLField<unknown, TContext>[] = Object.values((schema as GraphQLSchema).getMutationType()?.getFields() ?? {});
      for (const field of fields) {
        const marked = field as typeof field & { [wrapped]?: true };
        if (marked[wrapped] || !field.resolve) continue;
        const resolve: GraphQLFieldResolver<unknown, TContext> = field.resolve;
        field.resolve = (root, args, context, info) => {
          const value = resolve(root, args, context, info);
          if (!isPromise(value)) {
            listener(value, context, info.fieldName);
            return value;
          }
          return value.then((result) => {
            listener(result, context, info.fieldName);
            return result;
          });
        };
        marked[wrapped] = true;
      }
    },
  };
}
