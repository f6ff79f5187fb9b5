// Cursor pages forwards and backwards, with ties on the sort columns, on both databases: an organization's people in
// each order, its audit log (events at the same instant) and the list of organizations (names in common). Every page
// starts where the last one ended. A page after a cursor also bounds the leading sort column by the cursor's value
// (organizations/schema.ts), which must never drop or repeat a row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createPostgresDatabase, describeOnPostgres, type TestDatabase } from '../../helpers/db.js';
import { globalId } from '../../helpers/factories.js';
import type { HttpClient } from '../../helpers/http-client.js';
import { walkPages, type CursorPage } from '../../helpers/pages.js';

type Page = CursorPage<{ email: string; familyName: string }>;
type IdPage = CursorPage<{ id: string }>;

const PEOPLE = `query ($id: ID!, $orderBy: ProfileOrder, $search: String, $first: Int, $after: String, $last: Int, $before: String) {
  organization(id: $id) { ... on Organization { profiles(orderBy: $orderBy, search: $search, first: $first, after: $after, last: $last, before: $before) {
    edges { node { email familyName } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } } } }`;

// Ties on every leading column: three share a family name, two of those a given name, and all were added at once.
const FAMILY = ['Ames', 'Ames', 'Ames', 'Baker', 'Baker', 'Cole', 'Dunn', 'Dunn', 'Ames', 'Evans', 'Baker'];
const GIVEN = ['Kim', 'Kim', 'Lee', 'Kim', 'Max', 'Kim', 'Lee', 'Lee', 'Ann', 'Kim', 'Kim'];

const PAGE_ARGS = 'first: $first, after: $after, last: $last, before: $before';
const PAGE_FIELDS = 'edges { node { id } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage }';
const AUDIT = `query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  organization(id: $id) { ... on Organization { auditEvents(${PAGE_ARGS}) { ${PAGE_FIELDS} } } } }`;
const ORGANIZATIONS = `query ($first: Int, $after: String, $last: Int, $before: String) { organizations(${PAGE_ARGS}) { ${PAGE_FIELDS} } }`;

// Minutes after a start, with ties: three events at minute 0, three at 1, two at 3.
const MINUTES = [0, 0, 0, 1, 1, 2, 3, 3, 0, 4, 1];
const NAMES = ['Tied Co', 'Tied Co', 'Tied Co', 'Tied Co B', 'Tied Co B', 'Tied Co C', 'Tied Co C'];

function pagesSuite(database: () => Promise<TestDatabase | undefined>) {
  let app: TestApp;
  let support: HttpClient;
  let organization: string;
  let auditedOrganization: string;

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
    const audited = await app.db.organization.create({ data: { name: 'Audited Ltd', kind: 'CUSTOMER' } });
    const start = new Date('2026-01-01T00:00:00Z').getTime();
    for (const [i, minute] of MINUTES.entries()) {
      await app.db.auditEvent.create({ data: { action: 'test.note', actorRole: 'SUPPORT', organizationId: audited.id, summary: `Note ${i}`, at: new Date(start + minute * 60_000) } });
    }
    auditedOrganization = globalId('Organization', audited.id);
    for (const name of NAMES) await app.db.organization.create({ data: { name, kind: 'CUSTOMER' } });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  async function pageOf<P>(query: string, pick: (data: any) => P, variables: Record<string, unknown>): Promise<P> {
    const res = await support.graphql<any>(query, variables);
    expect(res.errors).toBeUndefined();
    return pick(res.data);
  }

  const page = (variables: Record<string, unknown>) => pageOf<Page>(PEOPLE, (data) => data.organization.profiles, { id: organization, ...variables });

  /** Everyone's e-mail, two per page, forwards or backwards (test/helpers/pages.ts). */
  const walk = async (orderBy: string, direction: 'forwards' | 'backwards') =>
    (await walkPages((window) => page({ orderBy, ...window }), direction)).map((node) => node.email);

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

  const ids = async (query: string, pick: (data: any) => IdPage, variables: Record<string, unknown>, direction: 'forwards' | 'backwards') =>
    (await walkPages((window) => pageOf(query, pick, { ...variables, ...window }), direction)).map((node) => node.id);

  it('pages through an audit log with events at the same instant, forwards and backwards, each event once', async () => {
    const pick = (data: any) => data.organization.auditEvents as IdPage;
    const whole = (await pageOf(AUDIT, pick, { id: auditedOrganization, first: 100 })).edges.map((e) => e.node.id);
    expect(whole).toHaveLength(MINUTES.length);
    expect(await ids(AUDIT, pick, { id: auditedOrganization }, 'forwards')).toEqual(whole);
    expect(await ids(AUDIT, pick, { id: auditedOrganization }, 'backwards')).toEqual(whole);
  });

  it('pages through the organizations with names in common, forwards and backwards, each organization once', async () => {
    const pick = (data: any) => data.organizations as IdPage;
    const whole = (await pageOf(ORGANIZATIONS, pick, { first: 100 })).edges.map((e) => e.node.id);
    expect(whole.length).toBeGreaterThan(NAMES.length);
    expect(await ids(ORGANIZATIONS, pick, {}, 'forwards')).toEqual(whole);
    expect(await ids(ORGANIZATIONS, pick, {}, 'backwards')).toEqual(whole);
  });
}

describe('on SQLite', () => pagesSuite(async () => undefined));
await describeOnPostgres('on PostgreSQL', () => pagesSuite(() => createPostgresDatabase()));
