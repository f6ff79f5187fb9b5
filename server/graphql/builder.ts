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
import { PAGE_SIZE } from './guards.js';
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
    // Larger pages are refused with INVALID_INPUT before they run (graphql/guards.ts), never silently cut.
    defaultConnectionSize: PAGE_SIZE.default,
    maxConnectionSize: PAGE_SIZE.max,
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false, description: 'This page of the list, each item with its cursor.' },
    // What every connection shares, described once (Relay's cursor connections, https://relay.dev/graphql/connections.htm).
    nodeTypeOptions: { description: 'An object with a global id: fetch it again with node(id).' },
    idFieldOptions: { description: 'The global id: stable, opaque, accepted by node(id) and by every argument that takes an id.' },
    pageInfoTypeOptions: { description: 'Where this page sits in the whole list.' },
    pageInfoFieldOptions: { description: 'Where this page sits in the whole list: pass endCursor as `after` for the next page.' },
    hasNextPageFieldOptions: { description: 'Whether items follow this page (when paging forward with first/after).' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page (when paging backward with last/before).' },
    startCursorFieldOptions: { description: "The first item's cursor; null for an empty page." },
    endCursorFieldOptions: { description: "The last item's cursor; null for an empty page." },
    cursorFieldOptions: { description: "This item's place in the list: pass it as `after` or `before`." },
    nodeFieldOptions: { description: 'The item.' },
    firstArgOptions: { description: `Page forward: at most this many items after \`after\`. Default ${PAGE_SIZE.default}, at most ${PAGE_SIZE.max} (more is refused with INVALID_INPUT naming the argument).` },
    lastArgOptions: { description: `Page backward: at most this many items before \`before\`. At most ${PAGE_SIZE.max} (more is refused with INVALID_INPUT naming the argument).` },
    afterArgOptions: { description: "A cursor (pageInfo.endCursor, or an edge's cursor): the items after it." },
    beforeArgOptions: { description: "A cursor (pageInfo.startCursor, or an edge's cursor): the items before it." },
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

// The partial-results rule, stated where client apps read it (introspection, schema.graphql, codegen).
builder.queryType({
  description:
    'Read operations. A field you may not read answers null with an entry in the response\'s `errors` (extensions.code FORBIDDEN or UNAUTHENTICATED, with helpUrl, and signInUrl when signed out); the other fields of the same request keep their data. `viewer` is never refused: signed out, it says signedIn false.',
});
builder.mutationType({
  description:
    'Changes. Every mutation answers a union of its success type and typed errors that implement Error (code, message, helpUrl); a refusal is one of them (ForbiddenError, UnauthenticatedError with signInUrl, ServicePlanInactiveError), so select `... on Error { code message helpUrl }`. A refused mutation never blanks the others of the same request. Top-level `errors` are left for malformed requests and faults.',
});

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
    code: t.expose('code', { type: ErrorCode, description: 'What went wrong: stable, for client apps to switch on.' }),
    message: t.exposeString('message', { description: 'What happened and what to do next, in words for the person.' }),
    helpUrl: t.string({ nullable: true, description: 'The help-site page for this code.', resolve: (error, _args, ctx) => `${ctx.config.helpUrl}${helpPathFor(error.code)}` }),
  }),
});

