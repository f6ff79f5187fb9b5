// Imports every domain module (each registers its types on the builder) and builds the schema.
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './error-types.js';
import '../modules/organizations/schema.js';
import '../modules/profiles/schema.js';
import '../modules/viewer/schema.js';
import '../modules/invitations/schema.js';
import '../modules/diagnosis/schema.js';
import '../modules/audit/schema.js';
import '../modules/tokens/schema.js';
import '../modules/node/schema.js';

let built: GraphQLSchema | undefined;

export function buildSchema(): GraphQLSchema {
  built ??= builder.toSchema({ sortSchema: true });
  return built;
}

/** The schema as committed in schema.graphql: printed, sorted. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(buildSchema()))}\n`;
}
