// API tokens on PostgreSQL, where transactions run side by side: the database, not the check before the insert,
// keeps one unrevoked token per name, and a token works there as on SQLite.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createPostgresDatabase, describeOnPostgres } from '../../helpers/db.js';
import { DEMO, organizationId } from '../../helpers/factories.js';
import type { HttpClient } from '../../helpers/http-client.js';

await describeOnPostgres('API tokens on PostgreSQL', () => {
  let app: TestApp;
  let alex: HttpClient;
  let fabrikam: string;
  beforeAll(async () => {
    app = await startTestApp({ database: await createPostgresDatabase() });
    alex = await app.signedIn('alex@fabrikam.example');
    fabrikam = await organizationId(app.db, DEMO.fabrikam);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('ten simultaneous creations with one name make one token; the others answer INVALID_INPUT on name', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        alex.graphql<any>(
          'mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { __typename ... on InvalidInputError { field } ... on CreateApiTokenSuccess { secret } } }',
          { input: { organizationId: fabrikam, name: 'race', role: 'ADMIN', expiresInDays: 1 } },
        ),
      ),
    );
    const outcomes = results.map((r) => r.errors?.[0]?.message ?? (r.data.createApiToken.__typename === 'CreateApiTokenSuccess' ? 'created' : r.data.createApiToken.field));
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(new Set(outcomes.filter((o) => o !== 'created'))).toEqual(new Set(['name']));
    expect(await app.db.apiToken.count({ where: { name: 'race', revokedAt: null } })).toBe(1);
    const secret = results.find((r) => r.data?.createApiToken?.secret)!.data.createApiToken.secret as string;
    const used = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: '{ organizations(first: 5) { edges { node { name } } } }' }),
    }).then((r) => r.json() as Promise<any>);
    expect(used.data.organizations.edges).toEqual([{ node: { name: DEMO.fabrikam } }]);
  });
});
