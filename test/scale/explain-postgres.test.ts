// Scale: on a generated database shaped like a vendor's whole customer base (test/helpers/scale-data.ts, 150,000
// profiles here), every statement of the portal's hot operations is planned without a sequential scan of a large
// table. The statements are the real ones: recorded at the driver adapter while the operations run, then EXPLAINed
// with their own arguments. No timings are asserted (bench/scale.ts measures them).
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createPostgresDatabase, describeOnPostgres, type TestDatabase } from '../helpers/db.js';
import { globalId } from '../helpers/factories.js';
import type { HttpClient } from '../helpers/http-client.js';
import { generateScaleData, SCALE_IDS, THREE_PROFILE_EMAIL } from '../helpers/scale-data.js';
import { createSqlCounter, type RecordedStatement, type SqlCounter } from '../helpers/sql-count.js';

const PROFILES = Number(process.env.SCALE_TEST_PROFILES ?? 150_000);
const LARGE_TABLES = new Set(['Organization', 'ServicePlan', 'Identity', 'Profile', 'Invitation', 'AuditEvent']);

interface PlanNode { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Index Cond'?: string; Plans?: PlanNode[] }

/** A plan's nodes, depth first. */
function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

function seqScans(nodes: PlanNode[]): string[] {
  return nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] && LARGE_TABLES.has(n['Relation Name'])).map((n) => n['Relation Name']!);
}

/** The indexes a statement's plan reads. */
const indexesOf = (nodes: PlanNode[]) => nodes.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : []));

await describeOnPostgres(`hot statements on ${PROFILES.toLocaleString('en')} profiles`, () => {
  let database: TestDatabase;
  let app: TestApp;
  let counter: SqlCounter;
  let support: HttpClient;
  let explainer: pg.Client;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    app = await startTestApp({ database });
    await generateScaleData(database.url, PROFILES);
    counter = createSqlCounter(app);
    support = await app.signedIn('support@northwind.example');
    explainer = new pg.Client({ connectionString: database.url });
    await explainer.connect();
  }, 120_000);
  afterAll(async () => {
    await explainer?.end();
    await counter?.close();
    await app?.close();
  });

  /**
   * Every statement an operation ran, EXPLAINed with its arguments: the large tables it scans sequentially (`found`),
   * and each statement's plan.
   */
  async function scansOf(query: string, variables?: Record<string, unknown>) {
    const { result, recorded } = await counter.graphql<any>(support, query, variables);
    expect(result.errors).toBeUndefined();
    const found: { sql: string; tables: string[] }[] = [];
    const plans: { sql: string; nodes: PlanNode[] }[] = [];
    for (const statement of recorded as RecordedStatement[]) {
      if (!/^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b/i.test(statement.sql)) continue;
      const plan = await explainer.query(`EXPLAIN (FORMAT JSON) ${statement.sql}`, statement.args as unknown[]);
      const nodes = nodesOf((plan.rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan);
      plans.push({ sql: statement.sql, nodes });
      const tables = seqScans(nodes);
      if (tables.length) found.push({ sql: statement.sql, tables });
    }
    expect(recorded.length).toBeGreaterThan(0);
    return { result, found, plans };
  }

  /** The plans of the statements that search a text (ILIKE): at least one, else the test would prove nothing. */
  function searchPlans(plans: { sql: string; nodes: PlanNode[] }[]) {
    const searching = plans.filter((p) => p.sql.includes('ILIKE'));
    expect(searching.length).toBeGreaterThan(0);
    return searching;
  }

  const large = globalId('Organization', SCALE_IDS.largeOrganization);
  const PEOPLE = `query ($id: ID!, $after: String, $search: String) { organization(id: $id) { ... on Organization {
    profiles(first: 50, after: $after, search: $search) { totalCount pageInfo { endCursor } edges { node { id displayName email isAdministrator associationStatus } } } } } }`;

  it('the signed-in viewer', async () => {
    const { found } = await scansOf(`{ viewer { signedIn isSupport identity { email } currentProfile { displayName organization { name hasActiveServicePlan servicePlans { name endsOn } } }
      profiles { id displayName usable organization { name hasActiveServicePlan } latestInvitation { state } } } }`);
    expect(found).toEqual([]);
  });

  it("a large organization's people, first page and a later one by cursor, which seeks to its place in the order", async () => {
    const first = await scansOf(PEOPLE, { id: large });
    expect(first.found).toEqual([]);
    const after = first.result.data.organization.profiles.pageInfo.endCursor;
    const later = await scansOf(PEOPLE, { id: large, after });
    expect(later.found).toEqual([]);
    // Prisma's own cursor condition can only filter the organization's rows from its first one; the bound on the family
    // name is what makes the 400th page start at its place (the index range), not read the 19,950 rows before it.
    const page = later.plans.find((p) => /ORDER BY[^)]*"familyName"/.test(p.sql) && p.sql.includes('LIMIT'));
    const scan = page?.nodes.find((n) => n['Index Name'] === 'Profile_organizationId_familyName_givenName_id_idx');
    expect(scan?.['Index Cond']).toMatch(/"familyName" >=/);
  });

  it("a search in a large organization's people by part of an e-mail or name reads the organization's trigram indexes", async () => {
    const { found, plans } = await scansOf(PEOPLE, { id: large, search: SCALE_IDS.searchPrefix });
    expect(found).toEqual([]);
    // The page and its totalCount: each reads the three (organization, text) trigram indexes, not every person of the
    // organization (an ILIKE on each of their 37,500 rows here, 25,000 at a million profiles).
    for (const { nodes } of searchPlans(plans)) {
      expect(indexesOf(nodes)).toEqual(expect.arrayContaining(['Profile_organizationId_givenName_trgm_idx', 'Profile_organizationId_familyName_trgm_idx', 'Profile_organizationId_email_trgm_idx']));
    }
  });

  it('diagnoseAccess for an address with three profiles', async () => {
    const { result, found } = await scansOf('query ($email: String!) { diagnoseAccess(email: $email) { ... on AccessDiagnosis { profiles { id organization { name } } findings { code } } } }', { email: THREE_PROFILE_EMAIL });
    expect(result.data.diagnoseAccess.profiles).toHaveLength(3);
    expect(found).toEqual([]);
  });

  it("a large organization's audit log, first page and a later one by cursor, which seeks to its place in time", async () => {
    const AUDIT = 'query ($id: ID!, $after: String) { organization(id: $id) { ... on Organization { auditEvents(first: 50, after: $after) { pageInfo { endCursor } edges { node { id at summary actorDisplayName } } } } } }';
    const first = await scansOf(AUDIT, { id: large });
    expect(first.found).toEqual([]);
    const later = await scansOf(AUDIT, { id: large, after: first.result.data.organization.auditEvents.pageInfo.endCursor });
    expect(later.found).toEqual([]);
    const page = later.plans.find((p) => p.sql.includes('"AuditEvent"') && p.sql.includes('LIMIT') && /ORDER BY[^)]*"at"/.test(p.sql));
    const scan = page?.nodes.find((n) => n['Index Name'] === 'AuditEvent_organizationId_at_idx');
    expect(scan?.['Index Cond']).toMatch(/\bat"? <=/);
  });

  it('the organizations for support, a later page by cursor, which seeks to its place by name', async () => {
    const ORGANIZATIONS = 'query ($after: String) { organizations(first: 20, after: $after) { pageInfo { endCursor } edges { node { id name } } } }';
    const first = await scansOf(ORGANIZATIONS);
    expect(first.found).toEqual([]);
    const later = await scansOf(ORGANIZATIONS, { after: first.result.data.organizations.pageInfo.endCursor });
    expect(later.found).toEqual([]);
    const page = later.plans.find((p) => p.sql.includes('"Organization"') && p.sql.includes('LIMIT') && /ORDER BY[^)]*"name"/.test(p.sql));
    const scan = page?.nodes.find((n) => n['Index Name'] === 'Organization_name_idx');
    expect(scan?.['Index Cond']).toMatch(/\bname"? >=/);
  });

  it('organizations(search:) for support reads the trigram indexes of names and account numbers', async () => {
    const { found, plans } = await scansOf('{ organizations(search: "Scale Organization 4242", first: 20) { totalCount edges { node { id name accountNumber } } } }');
    expect(found).toEqual([]);
    // "Part of the name" is ILIKE '%…%', which no B-tree serves: the hand-written pg_trgm GIN indexes do.
    for (const { nodes } of searchPlans(plans)) {
      expect(indexesOf(nodes)).toEqual(expect.arrayContaining(['Organization_name_trgm_idx', 'Organization_accountNumber_trgm_idx']));
    }
  });

  it('requestAssociationEmails', async () => {
    const { found } = await scansOf('mutation ($email: String!) { requestAssociationEmails(email: $email) { __typename } }', { email: THREE_PROFILE_EMAIL });
    expect(found).toEqual([]);
  });
});
