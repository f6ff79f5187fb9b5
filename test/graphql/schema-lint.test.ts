// graphql-eslint on the committed schema.graphql, as a client app's tooling would read it: every type, field,
// argument and enum value described, and the connections shaped as Relay clients expect.
import path from 'node:path';
import graphqlPlugin from '@graphql-eslint/eslint-plugin';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const schemaFile = path.join(root, 'schema.graphql');

async function lint(): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.graphql'],
        languageOptions: { parser: graphqlPlugin.parser, parserOptions: { graphQLConfig: { schema: schemaFile } } },
        plugins: { '@graphql-eslint': graphqlPlugin as unknown as ESLint.Plugin },
        rules: {
          '@graphql-eslint/require-description': ['error', { types: true, rootField: true, FieldDefinition: true, InputValueDefinition: true, EnumValueDefinition: true }],
          '@graphql-eslint/relay-connection-types': 'error',
          // Lists that stay small (an organization's plans, a person's profiles) are plain lists on purpose (DESIGN §4:
          // cursor connections for lists that grow), so a list may wrap other types than edges.
          '@graphql-eslint/relay-edge-types': ['error', { withEdgeSuffix: true, shouldImplementNode: true, listTypeCanWrapOnlyEdgeType: false }],
          '@graphql-eslint/relay-page-info': 'error',
          '@graphql-eslint/relay-arguments': ['error', { includeBoth: true }],
        },
      },
    ],
  });
  const [result] = await eslint.lintFiles([schemaFile]);
  return result!.messages.map((m) => `${m.line}: ${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('schema.graphql', () => {
  it('passes require-description and the Relay rules of graphql-eslint', async () => {
    expect(await lint()).toEqual([]);
  }, 60_000);
});
