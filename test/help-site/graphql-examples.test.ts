// Every GraphQL example in the help site is validated against schema.graphql: a stale recipe fails the build.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validate as inspectorValidate } from '@graphql-inspector/core';
import { buildSchema, Kind, parse, Source, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { extractGraphqlBlocks } from '../helpers/help-site-graphql.js';

const schema = buildSchema(readFileSync(path.resolve(import.meta.dirname, '../../schema.graphql'), 'utf8'));
const blocks = extractGraphqlBlocks();

describe('GraphQL examples in the help site', () => {
  it('exist (the recipes are there to be checked)', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
  });

  it('pass GraphQL Inspector\'s validation, within our depth, alias and token limits, using nothing deprecated', () => {
    const sources = blocks.map((b) => new Source(b.query, `${b.file}:${b.line}`));
    const invalid = inspectorValidate(schema, sources, { strictFragments: true, strictDeprecated: true, maxDepth: 12, maxAliasCount: 20, maxTokenCount: 2000 });
    expect(invalid.map((d) => `${d.source.name}: ${[...d.errors, ...d.deprecated].map((e) => e.message).join('; ')}`)).toEqual([]);
  });

  it('include the operations of the Client apps page', () => {
    const names = blocks.filter((b) => b.file.endsWith('client-apps.mdx')).map((b) => /^(?:query|mutation)\s+(\w+)/m.exec(b.query)?.[1]);
    expect(names).toEqual(['Viewer', 'PeoplePage', 'AddPerson', 'ResendInvitation', 'Promote', 'Diagnose']);
  });

  it.each(blocks.map((b) => [`${b.file}:${b.line}`, b] as const))('%s is valid against schema.graphql', (_where, block) => {
    const document = parse(block.query);
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
    // Every required variable the operation declares is given in the example's variables.
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      for (const variable of definition.variableDefinitions ?? []) {
        if (variable.type.kind === Kind.NON_NULL_TYPE && !variable.defaultValue) expect(block.variables ?? {}, `$${variable.variable.name.value}`).toHaveProperty(variable.variable.name.value);
      }
    }
  });
});
