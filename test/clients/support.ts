// What the client-cache tests share: the operations of the Client apps page (the same text developers copy), the
// schema facts a normalized cache needs, and a fetch that carries a signed-in session and counts the requests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, introspectionFromSchema, isInterfaceType, isObjectType, isUnionType, type GraphQLSchema } from 'graphql';
import { extractGraphqlBlocks } from '../helpers/help-site-graphql.js';

export const schema: GraphQLSchema = buildSchema(readFileSync(path.resolve(import.meta.dirname, '../../schema.graphql'), 'utf8'));

/** The operations of help-site/src/content/docs/reference/client-apps.mdx, by operation name. */
export function clientAppOperations(): Record<'Viewer' | 'PeoplePage' | 'AddPerson' | 'ResendInvitation' | 'Promote' | 'Diagnose', string> {
  const found: Record<string, string> = {};
  for (const block of extractGraphqlBlocks().filter((b) => b.file.endsWith('reference/client-apps.mdx'))) {
    const name = /^(?:query|mutation)\s+(\w+)/m.exec(block.query)?.[1];
    if (name) found[name] = block.query;
  }
  return found as ReturnType<typeof clientAppOperations>;
}

/** Apollo's possibleTypes: every union's members and every interface's implementations. */
export function possibleTypes(): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (isUnionType(type)) result[type.name] = type.getTypes().map((t) => t.name);
    if (isInterfaceType(type)) result[type.name] = schema.getPossibleTypes(type).map((t) => t.name);
  }
  return result;
}

/** Graphcache's schema awareness and keys: objects without an id live inside their parent. */
export const graphcacheSchema = introspectionFromSchema(schema);
export function graphcacheKeys(): Record<string, () => null> {
  const keys: Record<string, () => null> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) && !type.name.startsWith('__') && !type.getFields().id && ![schema.getQueryType(), schema.getMutationType()].includes(type)) keys[type.name] = () => null;
  }
  return keys;
}

export interface SentRequest {
  method: string;
  url: string;
}

/** A fetch that sends the session cookie (as a same-site browser would) and records every request. */
export function sessionFetch(cookie: string, sent: SentRequest[]): typeof fetch {
  return async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    sent.push({ method: init.method ?? (input instanceof Request ? input.method : 'GET'), url });
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set('cookie', cookie);
    return fetch(input, { ...init, headers });
  };
}
