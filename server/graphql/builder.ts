// Configures the schema builder and nothing else: plugins, scalars, the shared Error interface.
import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { DateTimeResolver } from 'graphql-scalars';
import { GraphQLError, Kind } from 'graphql';
import { getDatamodel, type default as PrismaTypes } from '../generated/pothos-types.js';
import { DomainError, ERROR_CODES, ForbiddenError, UnauthenticatedError } from '../errors.js';
import { toGraphQLError } from './errors.js';
import { helpPathFor } from '../help-pages.js';
import { isCalendarDay } from '../modules/organizations/plans.js';
import type { Context } from './context.js';

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: { signedIn: boolean };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: string; Output: string };
  };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin, RelayPlugin],
  // The contract marks what is always there with `!`; a field that may be absent says `nullable: true`.
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: async (ctx) => ({
      signedIn: ctx.session !== null || ctx.apiToken !== null,
    }),
    unauthorizedError: (_parent, ctx) => toGraphQLError(ctx.session || ctx.apiToken ? new ForbiddenError() : new UnauthenticatedError(), ctx.config),
  },
  prisma: {
    client: (ctx) => ctx.db,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    // Those would load any object by id without the access rules; modules/node/schema.ts defines node(id) instead.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
  errors: { defaultTypes: [] },
});

builder.addScalarType('DateTime', DateTimeResolver);

function parseIsoDate(value: unknown): string {
  if (typeof value !== 'string' || !isCalendarDay(value)) throw new GraphQLError('A Date is a calendar day written YYYY-MM-DD, e.g. 2026-12-31.');
  return value;
}
builder.scalarType('Date', {
  description: 'A calendar day, written YYYY-MM-DD.',
  serialize: (value) => value,
  parseValue: parseIsoDate,
  parseLiteral: (ast) => parseIsoDate(ast.kind === Kind.STRING ? ast.value : null),
});

builder.queryType({});
builder.mutationType({});

export const ErrorCode = builder.enumType('ErrorCode', {
  description: 'What went wrong, stable for client apps to switch on. Each code has a help page (helpUrl).',
  values: Object.fromEntries(Object.entries(ERROR_CODES).map(([code, description]) => [code, { description }])) as { [K in keyof typeof ERROR_CODES]: { description: string } },
});

/** Every expected failure implements this: a stable code to switch on, a message for people, a help page. */
export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'An expected failure. `code` is stable; `message` tells the person what to do next; `helpUrl` explains more.',
  // Each DomainError class shares its name with its GraphQL type (server/graphql/error-types.ts).
  resolveType: (error) => error.constructor.name,
  fields: (t) => ({
    code: t.expose('code', { type: ErrorCode }),
    message: t.exposeString('message'),
    helpUrl: t.string({ nullable: true, resolve: (error, _args, ctx) => `${ctx.config.helpUrl}${helpPathFor(error.code)}` }),
  }),
});

