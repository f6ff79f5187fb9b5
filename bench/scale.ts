// npm run bench -- scale: a vendor with SCALE_PROFILES (1,000,000) profiles in profiles/10 organizations on PostgreSQL
// (POSTGRES_ADMIN_URL, default 127.0.0.1:5432), generated in bulk (test/helpers/scale-data.ts), then p50/p99 of the
// portal's pages as SCALE_REQUESTS (50) sequential requests each, through HTTP and GraphQL as support.
// Not part of the default `npm run bench`.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startServer } from '../server/server.js';
import { createPostgresDatabase } from '../test/helpers/db.js';
import { globalId } from '../test/helpers/factories.js';
import { createHttpClient, signIn, type HttpClient } from '../test/helpers/http-client.js';
import { generateScaleData, SCALE_IDS, THREE_PROFILE_EMAIL } from '../test/helpers/scale-data.js';
import { report } from './lib/result.js';

const PROFILES = Number(process.env.SCALE_PROFILES ?? 1_000_000);
const REQUESTS = Number(process.env.SCALE_REQUESTS ?? 50);

const database = await createPostgresDatabase();
const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-scale-'));
const app = await startServer({
  env: { NODE_ENV: 'test', PORTICO_DEMO: 'true', HOST: '127.0.0.1', PORT: '0', DATABASE_URL: database.url, LOG_LEVEL: 'silent', LINK_REQUEST_MIN_MS: '400',
    LINK_REQUESTS_PER_ADDRESS_PER_HOUR: '1000', LINK_REQUESTS_PER_CLIENT_PER_HOUR: '1000' },
});
try {
  const started = performance.now();
  await generateScaleData(database.url, PROFILES);
  console.log(`generated ${PROFILES.toLocaleString('en')} profiles in ${Math.round(PROFILES / 10).toLocaleString('en')} organizations in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const support = createHttpClient(app.url);
  await signIn(support, 'personal', 'support@northwind.example');
  const large = globalId('Organization', SCALE_IDS.largeOrganization);
  const PEOPLE = `query ($id: ID!, $after: String, $search: String) { organization(id: $id) { ... on Organization {
    profiles(first: 50, after: $after, search: $search) { totalCount pageInfo { endCursor } edges { node { id displayName email isAdministrator } } } } } }`;

  // The cursor of the 400th page: the id of the row before it, in the list's order, in the first page's cursor format.
  const first = await support.graphql<any>(PEOPLE, { id: large });
  const firstCursor: string = first.data!.organization.profiles.pageInfo.endCursor;
  const lastIdOfFirst: string = first.data!.organization.profiles.edges.at(-1).node.id;
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  /** The id of the row just before the 400th page of `size`, in the list's order. */
  const before400 = async (listSql: string, size: number, args: unknown[] = []) =>
    String((await sql.query(`${listSql} OFFSET ${399 * size - 1} LIMIT 1`, args)).rows[0]?.id);
  const profileBefore400 = await before400(`SELECT "id" FROM "Profile" WHERE "organizationId" = $1 AND "status" = 'ACTIVE' ORDER BY "familyName", "givenName", "id"`, 50, [SCALE_IDS.largeOrganization]);
  const eventBefore400 = await before400(`SELECT "id" FROM "AuditEvent" WHERE "organizationId" = $1 ORDER BY "at" DESC, "id" DESC`, 50, [SCALE_IDS.largeOrganization]);
  const organizationBefore400 = await before400(`SELECT "id" FROM "Organization" ORDER BY "name", "id"`, 20);
  await sql.end();
  // A cursor is the first page's, with the id of the row before the wanted page in place of its own.
  const localId = Buffer.from(lastIdOfFirst, 'base64').toString().split(':').slice(1).join(':');
  const cursorAfter = (id: string) => Buffer.from(Buffer.from(firstCursor, 'base64').toString().replace(localId, id)).toString('base64');
  const page400 = cursorAfter(profileBefore400);

  const AUDIT = 'query ($id: ID!, $after: String) { organization(id: $id) { ... on Organization { auditEvents(first: 50, after: $after) { edges { node { id at summary } } } } } }';
  const cases: [string, string, Record<string, unknown>?][] = [
    ['viewer (support, signed in)', '{ viewer { signedIn isSupport identity { email } currentProfile { displayName organization { name hasActiveServicePlan } } profiles { id displayName usable organization { name } } } }'],
    ['people, first page (large organization)', PEOPLE, { id: large }],
    ['people, 400th page by cursor', PEOPLE, { id: large, after: page400 }],
    ['people, search by e-mail prefix', PEOPLE, { id: large, search: SCALE_IDS.searchPrefix }],
    ['diagnoseAccess (3 profiles)', 'query ($email: String!) { diagnoseAccess(email: $email) { ... on AccessDiagnosis { profiles { id } findings { code } } } }', { email: THREE_PROFILE_EMAIL }],
    ['audit log page (large organization)', AUDIT, { id: large }],
    ['audit log, 400th page by cursor', AUDIT, { id: large, after: cursorAfter(eventBefore400) }],
    ['organizations, 400th page by cursor', 'query ($after: String) { organizations(first: 20, after: $after) { edges { node { id name } } } }', { after: cursorAfter(organizationBefore400) }],
    ['organizations(search:)', '{ organizations(search: "Scale Organization 4242", first: 20) { edges { node { id name } } } }'],
    ['requestAssociationEmails (known address)', 'mutation ($email: String!) { requestAssociationEmails(email: $email) { __typename } }', { email: THREE_PROFILE_EMAIL }],
    ['requestAssociationEmails (unknown address)', 'mutation ($email: String!) { requestAssociationEmails(email: $email) { __typename } }', { email: 'nobody@scale.example' }],
  ];
  const scale: Record<string, { p50Ms: number; p99Ms: number }> = {};
  for (const [label, query, variables] of cases) {
    const times = await timed(support, query, variables, label.startsWith('requestAssociationEmails') ? Math.min(REQUESTS, 10) : REQUESTS);
    scale[label] = { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
    console.log(`${label.padEnd(44)} p50 ${String(scale[label].p50Ms).padStart(6)} ms   p99 ${String(scale[label].p99Ms).padStart(6)} ms`);
  }
  report({ scale: { profiles: PROFILES, cases: scale } });
} finally {
  await app.close();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
}

async function timed(client: HttpClient, query: string, variables: Record<string, unknown> | undefined, count: number): Promise<number[]> {
  const warm = await client.graphql<any>(query, variables);
  if (warm.errors) throw new Error(JSON.stringify(warm.errors).slice(0, 400));
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const at = performance.now();
    await client.graphql(query, variables);
    times.push(performance.now() - at);
  }
  return times;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10;
}
