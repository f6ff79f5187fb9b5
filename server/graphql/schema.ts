// Imports every domain module (each registers its types on the builder) and builds the schema.
import { isObjectType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
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
  built ??= describeTotalCounts(builder.toSchema({ sortSchema: true }));
  return built;
}

/** plugin-prisma adds `totalCount` to a connection without a way to describe it; every connection has one. */
function describeTotalCounts(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    const field = isObjectType(type) && type.name.endsWith('Connection') ? type.getFields().totalCount : undefined;
    if (field && !field.description) field.description = 'How many items the whole list has (all pages), for the same arguments.';
  }
  return schema;
}

/** The schema as committed in schema.graphql: printed, sorted. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(buildSchema()))}\n`;
}
