// Yoga plugins that guard /graphql around the resolvers: request and string sizes, introspection in production,
// a record of every refusal, and the cookies a resolver asks the response to carry.
import { GraphQLError, Kind, visit, type DefinitionNode, type DocumentNode, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import { ForbiddenError, InvalidInputError } from '../errors.js';
import { auditActorOf, auditRow } from '../modules/audit/service.js';
import type { Actor } from '../modules/policy.js';
import type { Context } from './context.js';
import { domainErrorOf, toGraphQLError } from './errors.js';
import { useMutationResults } from './mutation-results.js';

/** The largest request body and document accepted; past them the request is refused before parsing. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
export const MAX_DOCUMENT_CHARS = 20_000;
/** Every string argument is at most this long, except those named in LONG_ARGUMENTS. */
export const MAX_STRING_CHARS = 1_000;
export const LONG_ARGUMENTS: Record<string, number> = { csv: 2_000_000 };

/** Connection page sizes (`first`, `last`): the default, and the most one page may hold. */
export const PAGE_SIZE = { default: 20, max: 100 } as const;
const PAGE_ARGUMENTS = new Set(['first', 'last']);

/** The first `first`/`last` above PAGE_SIZE.max, given literally or (with variables) through a variable. */
function oversizedPage(document: DocumentNode, variables?: Record<string, unknown>): string | null {
  let found: string | null = null;
  visit(document, {
    Argument: (node) => {
      if (found || !PAGE_ARGUMENTS.has(node.name.value)) return;
      const value =
        node.value.kind === Kind.INT ? Number(node.value.value) : node.value.kind === Kind.VARIABLE && variables ? variables[node.value.name.value] : undefined;
      if (typeof value === 'number' && value > PAGE_SIZE.max) found = node.name.value;
    },
  });
  return found;
}

function pageTooLarge(config: Config, argument: string): GraphQLError {
  return refuse(config, argument, `${argument} may be at most ${PAGE_SIZE.max}: ask for the next page with after: pageInfo.endCursor (or before: pageInfo.startCursor).`);
}

function refuse(config: Config, field: string, message: string): GraphQLError {
  return toGraphQLError(new InvalidInputError(field, message), config);
}

function tooLong(name: string, value: string): boolean {
  return value.length > (LONG_ARGUMENTS[name] ?? MAX_STRING_CHARS);
}

/** The first over-long string in a value, named by the innermost argument or input field that holds it. */
function overLong(name: string, value: unknown): string | null {
  if (typeof value === 'string') return tooLong(name, value) ? name : null;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = overLong(name, item);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = overLong(key, item);
      if (found) return found;
    }
  }
  return null;
}

/** Names the argument or input field each variable is given to, so that a variable is bounded as its argument is. */
function variableArguments(document: DocumentNode): Map<string, string> {
  const names = new Map<string, string>();
  let argument: string | null = null;
  visit(document, {
    Argument: { enter: (node) => void (argument = node.name.value), leave: () => void (argument = null) },
    ObjectField: (node) => {
      if (node.value.kind === Kind.VARIABLE) names.set(node.value.name.value, node.name.value);
    },
    Variable: (node) => {
      if (argument && !names.has(node.name.value)) names.set(node.name.value, argument);
    },
  });
  return names;
}

function literalTooLong(document: DocumentNode): string | null {
  let found: string | null = null;
  let argument = '';
  visit(document, {
    Argument: (node) => void (argument = node.name.value),
    ObjectField: (node) => void (argument = node.name.value),
    StringValue: (node) => {
      if (!found && tooLong(argument, node.value)) found = argument;
    },
  });
  return found;
}

function asksForSchema(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field: (node) => {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}

/** Administrators and support may read the schema in production (DESIGN §7); nobody else. */
export function mayExplore(actor: Actor | null): boolean {
  return actor?.role === 'SUPPORT' || actor?.role === 'ADMIN' || actor?.role === 'PARTNER';
}

export function useRequestGuards(config: Config, cookiesOf: WeakMap<Request, string[]>): Plugin<Context> {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > MAX_BODY_BYTES) endResponse(new fetchAPI.Response('The request is too large.', { status: 413 }));
    },
    onParams({ params }) {
      if (typeof params.query === 'string' && params.query.length > MAX_DOCUMENT_CHARS) {
        throw refuse(config, 'query', `A GraphQL document may have at most ${MAX_DOCUMENT_CHARS.toLocaleString('en')} characters.`);
      }
    },
    // Before validation, so that a literal `first: 1000` gets this clear error rather than the cost limit's.
    onValidate({ params, setResult }) {
      const argument = oversizedPage(params.documentAST);
      if (argument) setResult([pageTooLarge(config, argument)]);
    },
    async onExecute({ args, setResultAndStopExecution }) {
      const variables = (args.variableValues ?? {}) as Record<string, unknown>;
      const page = oversizedPage(args.document, variables);
      if (page) {
        setResultAndStopExecution({ errors: [pageTooLarge(config, page)] });
        return;
      }
      const argumentOf = variableArguments(args.document);
      let field = literalTooLong(args.document);
      for (const [name, value] of Object.entries(variables)) {
        field ??= overLong(argumentOf.get(name) ?? name, value);
      }
      if (field) {
        const limit = LONG_ARGUMENTS[field] ?? MAX_STRING_CHARS;
        setResultAndStopExecution({ errors: [refuse(config, field, `${field} may be at most ${limit.toLocaleString('en')} characters long.`)] });
        return;
      }
      if (config.mode === 'production' && asksForSchema(args.document) && !mayExplore(await args.contextValue.actor())) {
        setResultAndStopExecution({ errors: [toGraphQLError(new ForbiddenError('The schema is open to administrators and vendor support only.'), config)] });
      }
    },
    onResponse({ request, response }) {
      for (const cookie of cookiesOf.get(request) ?? []) response.headers.append('set-cookie', cookie);
    },
  };
}

const REFUSALS = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);

/** A DomainError returned into a union (plugin-errors wraps it in a proxy with the same prototype chain). */
function isDomainValue(value: unknown): boolean {
  for (let proto = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === 'DomainError') return true;
  }
  return false;
}

/**
 * Every refusal is logged with who asked and what; when someone is signed in it is also audited. Refusals come as
 * top-level errors (queries) and as members of mutation result unions, which are seen where they are resolved.
 */
export function useRefusalRecord(): Plugin<Context> {
  const inUnions = new WeakMap<object, string[]>();
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        useMutationResults<Context>((result, context) => {
          // By code, not instanceof: the plugin-errors proxy keeps the DomainError's fields.
          const code = result && typeof result === 'object' ? (result as { code?: unknown }).code : undefined;
          if (typeof code === 'string' && REFUSALS.has(code) && isDomainValue(result)) {
            const list = inUnions.get(context) ?? [];
            list.push(code);
            inUnions.set(context, list);
          }
        }),
      );
    },
    onExecute({ args }) {
      return {
        async onExecuteDone({ result }) {
          const errors = ('errors' in result ? (result as ExecutionResult).errors : undefined) ?? [];
          const codes = [...errors.map((e) => domainErrorOf(e)?.code ?? (e.extensions?.code as string | undefined)), ...(inUnions.get(args.contextValue) ?? [])].filter(
            (c): c is string => !!c && REFUSALS.has(c),
          );
          if (codes.length === 0) return;
          const ctx = args.contextValue;
          const actor = await ctx.actor().catch(() => null);
          const operation = args.operationName ?? (args.document.definitions.find((d: DefinitionNode) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode | undefined)?.name?.value ?? '(anonymous)';
          ctx.logger.warn({ operation, codes, identityId: actor?.identityId ?? null, profileId: actor?.profile?.id ?? null, role: actor?.role ?? null, client: ctx.clientAddress }, 'request refused');
          if (!actor) return;
          const who = auditActorOf(actor);
          await ctx.db.auditEvent
            .create({
              data: auditRow(who, {
                action: 'access.refused',
                organizationId: actor.profile?.organizationId ?? null,
                summary: `${who.displayName ?? 'Someone'} was refused ${operation} (${[...new Set(codes)].join(', ')})`,
              }),
            })
            .catch((error: unknown) => ctx.logger.error({ err: error }, 'could not audit a refusal'));
        },
      };
    },
  };
}
