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

interface PlanNode { 'Node Type': string; 'Relation Name'?: string; Plans?: PlanNode[] }

function seqScans(node: PlanNode): string[] {
  const own = node['Node Type'] === 'Seq Scan' && node['Relation Name'] && LARGE_TABLES.has(node['Relation Name']) ? [node['Relation Name']] : [];
  return [...own, ...(node.Plans ?? []).flatMap(seqScans)];
}

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

  /** Every statement an operation ran, EXPLAINed with its arguments: the large tables it scans sequentially. */
  async function scansOf(query: string, variables?: Record<string, unknown>) {
    const { result, recorded } = await counter.graphql<any>(support, query, variables);
    expect(result.errors).toBeUndefined();
    const found: { sql: string; tables: string[] }[] = [];
    for (const statement of recorded as RecordedStatement[]) {
      if (!/^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b/i.test(statement.sql)) continue;
      const plan = await explainer.query(`EXPLAIN (FORMAT JSON) ${statement.sql}`, statement.args as unknown[]);
      const tables = seqScans((plan.rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan);
      if (tables.length) found.push({ sql: statement.sql, tables });
    }
    expect(recorded.length).toBeGreaterThan(0);
    return { result, found };
  }

  const large = globalId('Organization', SCALE_IDS.largeOrganization);
  const PEOPLE = `query ($id: ID!, $after: String, $search: String) { organization(id: $id) { ... on Organization {
    profiles(first: 50, after: $after, search: $search) { totalCount pageInfo { endCursor } edges { node { id displayName email isAdministrator associationStatus } } } } } }`;

  it('the signed-in viewer', async () => {
    const { found } = await scansOf(`{ viewer { signedIn isSupport identity { email } currentProfile { displayName organization { name hasActiveServicePlan servicePlans { name endsOn } } }
      profiles { id displayName usable organization { name hasActiveServicePlan } latestInvitation { state } } } }`);
    expect(found).toEqual([]);
  });

  it("a large organization's people, first page and a later one by cursor", async () => {
    const first = await scansOf(PEOPLE, { id: large });
    expect(first.found).toEqual([]);
    const after = first.result.data.organization.profiles.pageInfo.endCursor;
    expect((await scansOf(PEOPLE, { id: large, after })).found).toEqual([]);
  });

  it("a search in a large organization's people by e-mail prefix", async () => {
    expect((await scansOf(PEOPLE, { id: large, search: SCALE_IDS.searchPrefix })).found).toEqual([]);
  });

  it('diagnoseAccess for an address with three profiles', async () => {
    const { result, found } = await scansOf('query ($email: String!) { diagnoseAccess(email: $email) { ... on AccessDiagnosis { profiles { id organization { name } } findings { code } } } }', { email: THREE_PROFILE_EMAIL });
    expect(result.data.diagnoseAccess.profiles).toHaveLength(3);
    expect(found).toEqual([]);
  });

  it("a large organization's audit log", async () => {
    const { found } = await scansOf('query ($id: ID!) { organization(id: $id) { ... on Organization { auditEvents(first: 50) { edges { node { id at summary actorDisplayName } } } } } }', { id: large });
    expect(found).toEqual([]);
  });

  it('organizations(search:) for support: only the known substring scan of organizations', async () => {
    const { found } = await scansOf('{ organizations(search: "Scale Organization 4242", first: 20) { edges { node { id name accountNumber } } } }');
    // KNOWN GAP: "part of the name" is ILIKE '%…%', which no B-tree index serves; it needs a pg_trgm GIN index, which
    // the models shared with SQLite cannot declare (the migrations test compares them). It scans organizations only
    // (100,000 rows at full scale); anything more fails here.
    expect(found.map((f) => f.tables)).toEqual([['Organization']]);
  });

  it('requestAssociationEmails', async () => {
    const { found } = await scansOf('mutation ($email: String!) { requestAssociationEmails(email: $email) { __typename } }', { email: THREE_PROFILE_EMAIL });
    expect(found).toEqual([]);
  });
});
