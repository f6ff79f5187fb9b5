// An organization's people, paged by cursor forwards and backwards in each order: every page starts where the last
// one ended, with ties on the sort columns, on both databases. The page after a cursor also bounds the leading sort
// column (seekFromCursor), which must never drop or repeat a person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createPostgresDatabase, describeOnPostgres, type TestDatabase } from '../../helpers/db.js';
import { globalId } from '../../helpers/factories.js';
import type { HttpClient } from '../../helpers/http-client.js';

interface Page { edges: { node: { email: string; familyName: string } }[]; pageInfo: { startCursor: string | null; endCursor: string | null; hasNextPage: boolean; hasPreviousPage: boolean } }

const PEOPLE = `query ($id: ID!, $orderBy: ProfileOrder, $search: String, $first: Int, $after: String, $last: Int, $before: String) {
  organization(id: $id) { ... on Organization { profiles(orderBy: $orderBy, search: $search, first: $first, after: $after, last: $last, before: $before) {
    edges { node { email familyName } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } } } }`;

// Ties on every leading column: three share a family name, two of those a given name, and all were added at once.
const FAMILY = ['Ames', 'Ames', 'Ames', 'Baker', 'Baker', 'Cole', 'Dunn', 'Dunn', 'Ames', 'Evans', 'Baker'];
const GIVEN = ['Kim', 'Kim', 'Lee', 'Kim', 'Max', 'Kim', 'Lee', 'Lee', 'Ann', 'Kim', 'Kim'];

function pagesSuite(database: () => Promise<TestDatabase | undefined>) {
  let app: TestApp;
  let support: HttpClient;
  let organization: string;

  beforeAll(async () => {
    const db = await database();
    app = await startTestApp(db ? { database: db } : {});
    support = await app.signedIn('support@northwind.example');
    const createdAt = new Date('2026-01-01T00:00:00Z');
    const org = await app.db.organization.create({ data: { name: 'Paged Ltd', kind: 'CUSTOMER', servicePlans: { create: { name: 'Support plan', startsOn: '2000-01-01', endsOn: '2999-12-31' } } } });
    for (const [i, familyName] of FAMILY.entries()) {
      const email = `p${String(i).padStart(2, '0')}@paged.example`;
      await app.db.profile.create({ data: { organizationId: org.id, givenName: GIVEN[i]!, familyName, email, activeEmail: email, createdAt: i < 6 ? createdAt : new Date(createdAt.getTime() + i * 1000) } });
    }
    organization = globalId('Organization', org.id);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  async function page(variables: Record<string, unknown>): Promise<Page> {
    const res = await support.graphql<{ organization: { profiles: Page } }>(PEOPLE, { id: organization, ...variables });
    expect(res.errors).toBeUndefined();
    return res.data!.organization.profiles;
  }

  /** Everyone's e-mail, two per page: forwards (first/after) or backwards (last/before), each page from the cursor of the one before. */
  async function walk(orderBy: string, direction: 'forwards' | 'backwards'): Promise<string[]> {
    const emails: string[] = [];
    let cursor: string | null = null;
    for (let more = true; more; ) {
      const forwards = direction === 'forwards';
      const next: Page = await page(forwards ? { orderBy, first: 2, after: cursor } : { orderBy, last: 2, before: cursor });
      const found = next.edges.map((e) => e.node.email);
      if (forwards) emails.push(...found);
      else emails.unshift(...found);
      cursor = forwards ? next.pageInfo.endCursor : next.pageInfo.startCursor;
      more = forwards ? next.pageInfo.hasNextPage : next.pageInfo.hasPreviousPage;
    }
    return emails;
  }

  for (const orderBy of ['NAME', 'EMAIL', 'NEWEST'] as const) {
    it(`pages forwards and backwards through everyone ordered by ${orderBy}, each person once`, async () => {
      const whole = (await page({ orderBy, first: 100 })).edges.map((e) => e.node.email);
      expect(whole).toHaveLength(FAMILY.length);

      expect(await walk(orderBy, 'forwards')).toEqual(whole);
      expect(await walk(orderBy, 'backwards')).toEqual(whole);
    });
  }

  it('pages through a search by family name in name order, each match once', async () => {
    const whole = (await page({ search: 'ames', first: 100 })).edges;
    expect(whole.map((e) => e.node.familyName)).toEqual(['Ames', 'Ames', 'Ames', 'Ames']);
    const first = await page({ search: 'ames', first: 3 });
    const rest = await page({ search: 'ames', first: 3, after: first.pageInfo.endCursor });
    expect([...first.edges, ...rest.edges].map((e) => e.node.email)).toEqual(whole.map((e) => e.node.email));
  });
}

describe('on SQLite', () => pagesSuite(async () => undefined));
await describeOnPostgres('on PostgreSQL', () => pagesSuite(() => createPostgresDatabase()));
