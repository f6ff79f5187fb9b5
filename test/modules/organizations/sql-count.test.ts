// No N+1: the statements an organization page runs do not grow with the number of its people.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createCustomer } from '../../helpers/factories.js';
import type { HttpClient } from '../../helpers/http-client.js';
import { createSqlCounter, type SqlCounter } from '../../helpers/sql-count.js';

const PAGE = `query($id: ID!) { organization(id: $id) {
  profiles(first: 50) { edges { node { email associationStatus associatedIdentity { email } organization { name } } } }
  administrators { id } } }`;

let app: TestApp;
let support: HttpClient;
let counter: SqlCounter;

beforeAll(async () => {
  app = await startTestApp();
  support = await app.signedIn('support@northwind.example');
  counter = createSqlCounter(app);
});
afterAll(async () => {
  await counter?.close();
  await app?.close();
});

function people(count: number, domain: string) {
  return Array.from({ length: count }, (_, i) => ({ email: `p${i}@${domain}`, isAdministrator: i === 0 }));
}

describe('organization(id) with its profiles', () => {
  it('runs as many SQL statements for 40 profiles as for 2', async () => {
    const small = await createCustomer(app.db, { people: people(2, 'small.example') });
    const large = await createCustomer(app.db, { people: people(40, 'large.example') });
    const few = await counter.graphql<{ organization: { profiles: { edges: unknown[] } } }>(support, PAGE, { id: small.relayId });
    const many = await counter.graphql<{ organization: { profiles: { edges: unknown[] } } }>(support, PAGE, { id: large.relayId });
    expect(few.result.errors).toBeUndefined();
    expect(many.result.data?.organization.profiles.edges).toHaveLength(40);
    expect(many.statements.length, many.statements.join('\n')).toBe(few.statements.length);
    expect(few.statements.length).toBeLessThanOrEqual(12);
  });

  it('counts the statements of the request only', async () => {
    const org = await createCustomer(app.db, { people: people(1, 'one.example') });
    // Setup wrote rows just now; none of those statements may be counted for the request that follows.
    const { statements } = await counter.graphql(support, '{ viewer { signedIn } }');
    expect(statements.length, statements.join('\n')).toBeGreaterThanOrEqual(1);
    expect(statements.every((s) => s.includes("`Session`")), statements.join("\n")).toBe(true);
    const { statements: again } = await counter.graphql(support, 'query($id: ID!) { organization(id: $id) { name } }', { id: org.relayId });
    expect(again.some((s) => s.includes("FROM `main`.`Organization`")), again.join("\n")).toBe(true);
    expect(again.some((s) => s.includes('INSERT')), again.join('\n')).toBe(false);
  });
});
