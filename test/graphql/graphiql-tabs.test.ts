// GraphiQL's ready account-fix tabs are operations people run as they are: each must be valid against the schema,
// say what it does and link its help page.
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { accountFixTabs } from '../../server/graphql/graphiql.js';

const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));

describe('the account-fix tabs', () => {
  const tabs = accountFixTabs('https://help.example');
  it('are the five fixes, each valid, each with its variables, a comment and a help link', () => {
    expect(tabs.map((tab) => /(query|mutation) (\w+)/.exec(tab.query)?.[2])).toEqual(['FindAndDiagnose', 'Resend', 'MakeAdministrator', 'ChangeEmail', 'Remove']);
    for (const tab of tabs) {
      expect(validate(schema, parse(tab.query)).map((e) => e.message)).toEqual([]);
      expect(tab.query).toMatch(/^# .+\n# Help: https:\/\/help\.example\/\S+\/\n/);
      const declared = [...tab.query.matchAll(/\$(\w+):/g)].map((m) => m[1]);
      expect(Object.keys(tab.variables).sort()).toEqual([...new Set(declared)].sort());
    }
  });
});
