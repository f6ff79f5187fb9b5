// The portal's hot path, the signed-in `viewer`, against Portico's own floor (`{ __typename }` with the same session
// cookie) and bare Yoga `{ hello }`, each server in a process of its own, at BENCH_CONNECTIONS (50) connections for
// BENCH_SECONDS (5) each (the floors and the viewer twice, in mirrored order: measureTogether). Portico runs on SQLite with generated people holding 1, 10 and 200 profiles, signed in
// through the built-in OpenID Connect provider. Also: SQL statements per viewer (uncached, for each size), cold start
// (process start to /readyz ready), peak RSS, and the viewer and floor again with VIEWER_CACHE=false (every query runs,
// every row is read). Portico runs compiled (`npm run build`), started exactly as `npm run start:production` starts it
// (its Node flags included): under tsx every start would also compile the sources. Prints a table; asserts nothing.
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../server/config.js';
import { createDb } from '../server/db/client.js';
import { createLogger } from '../server/logger.js';
import { createLinkRequestLimiter } from '../server/modules/invitations/rate-limit.js';
import { createApiTokenRequestLimiter } from '../server/modules/tokens/authenticate.js';
import { createPostgresDatabase, postgresAvailable } from '../test/helpers/db.js';
import { globalId } from '../test/helpers/factories.js';
import { createHttpClient, signIn, type HttpClient } from '../test/helpers/http-client.js';
import { productionNodeArgs } from '../test/helpers/production-command.js';
import { createSqlCounter } from '../test/helpers/sql-count.js';
import { report } from './lib/result.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const root = path.resolve(import.meta.dirname, '..');

const VIEWER = `{ viewer { signedIn isSupport identity { email provider { key } }
  currentProfile { displayName organization { name hasActiveServicePlan servicePlans { name endsOn } } }
  profiles { id displayName usable organization { name hasActiveServicePlan } } } }`;
const FLOOR = JSON.stringify({ query: '{ __typename }' });
const SAME_SIZE_FLOOR = JSON.stringify({ query: `{ ${Array.from({ length: 30 }, (_, i) => `a${String(i).padStart(2, '0')}: __typename`).join(' ')} }` });
const SELECT = 'mutation ($id: ID!) { selectProfile(profileId: $id) { __typename ... on Error { message } } }';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-bench-'));
const port = await freePort();
const env = { NODE_ENV: 'test', PORTICO_DEMO: 'true', HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: `file:${path.join(dir, 'bench.db')}`, LOG_LEVEL: 'silent' };
const url = `http://localhost:${port}`;

// Exactly what `npm run start:production` runs (its Node flags included), so the bench measures what production runs.
const productionArgs = productionNodeArgs();

const build = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) throw new Error('npm run build failed');

/** Starts the compiled Portico (the demo, without the help-site build) and returns it with its time to /readyz. */
async function startPortico(overrides: Record<string, string> = {}, url = `http://localhost:${port}`): Promise<{ child: ChildProcess; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, productionArgs, { cwd: root, env: { ...process.env, ...env, ...overrides, NODE_NO_WARNINGS: '1' }, stdio: 'ignore' });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Portico exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ready) return { child, ms: performance.now() - started };
    if (performance.now() - started > 60_000) throw new Error('Portico did not become ready in 60 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

function peakRssMb(pid: number): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return hwm ? Math.round(Number(hwm[1]) / 1024) : NaN;
}

interface Measured { rps: number; p50: number; p99: number; errors: number }

function print(label: string, m: Measured) {
  console.log(`${label.padEnd(52)} ${String(Math.round(m.rps)).padStart(7)} req/s   p50 ${String(m.p50).padStart(3)} ms   p99 ${String(m.p99).padStart(3)} ms${m.errors ? `   ${m.errors} errors` : ''}`);
}

async function run(target: string, body: string, headers: Record<string, string>, duration: number): Promise<Measured> {
  const result = await autocannon({ url: target, method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, connections, duration });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx + result.timeouts };
}

async function measure(label: string, target: string, body: string, headers: Record<string, string> = {}, duration = seconds) {
  const measured = await run(target, body, headers, duration);
  if (label) print(label, measured);
  return measured;
}

/**
 * Several requests, each measured twice in mirrored order (a, b, c, c, b, a), so that a machine slowing down or
 * speeding up during the run (other work, GC state) weighs on all alike; throughput is the mean, p50 and p99 the
 * larger of the two.
 */
async function measureTogether(labels: string[], target: string, bodies: string[], headers: Record<string, string>): Promise<Measured[]> {
  const firsts: Measured[] = [];
  for (const body of bodies) firsts.push(await run(target, body, headers, seconds));
  const again: Measured[] = [];
  for (const body of [...bodies].reverse()) again.unshift(await run(target, body, headers, seconds));
  return firsts.map((x, i) => {
    const y = again[i]!;
    const both = { rps: (x.rps + y.rps) / 2, p50: Math.max(x.p50, y.p50), p99: Math.max(x.p99, y.p99), errors: x.errors + y.errors };
    print(labels[i]!, both);
    return both;
  });
}

async function measurePair(labels: [string, string], target: string, bodies: [string, string], headers: Record<string, string>) {
  const [floor, viewer] = await measureTogether(labels, target, bodies, headers);
  return { floor: floor!, viewer: viewer! };
}

const first = await startPortico();
let portico = first.child;
const bare = fork(path.join(import.meta.dirname, 'lib/bare-yoga.ts'), { execArgv: ['--import', 'tsx'], stdio: 'ignore' });
try {
  const barePort = await new Promise<number>((resolve) => bare.once('message', (m: { port: number }) => resolve(m.port)));

  // People with 1, 10 and 200 profiles, each in an organization of its own with a plan, plus Casey's three.
  const db = createDb(env.DATABASE_URL);
  const people: Record<string, HttpClient> = {};
  for (const size of [1, 10, 200]) {
    const email = `bench-${size}@example.com`;
    const client = createHttpClient(url);
    await signIn(client, 'personal', email);
    const identity = await db.identity.findFirstOrThrow({ where: { email } });
    for (let i = 0; i < size; i++) {
      const org = await db.organization.create({ data: { name: `Bench ${size} org ${String(i).padStart(3, '0')}`, kind: 'CUSTOMER', servicePlans: { create: { name: 'Support', startsOn: '2000-01-01', endsOn: '2999-12-31' } } } });
      await db.profile.create({ data: { organizationId: org.id, givenName: 'Bench', familyName: `${size}-${i}`, email, activeEmail: email, identityId: identity.id } });
    }
    people[size] = client;
  }
  await db.$disconnect();

  // A restart, so that cold start is measured on a database that is already migrated and seeded.
  await stop(portico);
  const restarted = await startPortico();
  portico = restarted.child;

  const casey = createHttpClient(url);
  await signIn(casey, 'personal', 'casey@shared.example');
  const caseyProfiles = (await casey.graphql<any>('{ viewer { profiles { id usable } } }')).data!.viewer.profiles;
  await casey.graphql(SELECT, { id: caseyProfiles.find((p: any) => p.usable).id });
  for (const client of Object.values(people)) {
    const [profile] = (await client.graphql<any>('{ viewer { profiles { id } } }')).data!.viewer.profiles;
    await client.graphql(SELECT, { id: profile.id });
  }

  // Statements of one uncached viewer request, counted by a second handler on the same database.
  const config = loadConfig(env);
  const counterDb = createDb(env.DATABASE_URL);
  const counter = createSqlCounter({ config, logger: createLogger({ logLevel: 'silent' }), services: { now: () => new Date(), mailQueued: () => {}, linkRequests: createLinkRequestLimiter(counterDb, config), apiTokenRequests: createApiTokenRequestLimiter(counterDb, config) } });
  const sqlStatements: Record<string, number> = {};
  for (const [size, client] of Object.entries(people)) {
    const { result, statements } = await counter.graphql<any>(client, VIEWER);
    if (result.data?.viewer.profiles.length !== Number(size)) throw new Error(`viewer of ${size} answered ${JSON.stringify(result).slice(0, 300)}`);
    sqlStatements[size] = statements.length;
  }
  await counter.close();
  await counterDb.$disconnect();

  const graphqlUrl = `${url}/graphql`;
  const cookie = await casey.cookieHeader();
  const cookie200 = await people[200]!.cookieHeader();
  const viewerBody = JSON.stringify({ query: VIEWER });
  console.log(`${connections} connections, ${seconds} s each, on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'})`);
  await measure('', graphqlUrl, viewerBody, { cookie }, 2); // warm-up
  const bareYoga = await measure('bare Yoga { hello }', `http://127.0.0.1:${barePort}/graphql`, JSON.stringify({ query: '{ hello }' }));
  // Also a floor whose request and answer are as long as the viewer's: what any answer of that size costs here (the
  // load generator shares the two cores and reads every byte too).
  const [floor, sameSize, viewer] = (await measureTogether(
    ['Portico { __typename }, session cookie', `Portico { __typename ×30 } (the viewer's size)`, 'Portico viewer, signed in (3 profiles, full)'],
    graphqlUrl, [FLOOR, SAME_SIZE_FLOOR, viewerBody], { cookie },
  )) as [Measured, Measured, Measured];
  const viewer200 = await measure('Portico viewer, signed in (200 profiles, full)', graphqlUrl, viewerBody, { cookie: cookie200 });
  const signedOut = await measure('Portico viewer, signed out', graphqlUrl, JSON.stringify({ query: '{ viewer { signedIn } }' }));
  const rss = peakRssMb(portico.pid!);
  const heavy = await heavyRequests();
  console.log(`after the heaviest requests (GraphiQL's page, 1,000 professionals in one call, a 3.5 MB body): ${heavy.alive ? 'still serving' : 'DIED'}, peak RSS ${heavy.peakRssMb} MB`);
  await stop(portico);
  const uncached = await withoutViewerCache(viewerBody, cookie);
  const postgres = await onPostgres(viewerBody);
  console.log(`viewer ÷ { __typename }: ${(viewer.rps / floor.rps).toFixed(2)}   viewer ÷ { __typename ×30 }: ${(viewer.rps / sameSize.rps).toFixed(2)}   viewer ÷ bare Yoga: ${(viewer.rps / bareYoga.rps).toFixed(2)}   signed out ÷ bare Yoga: ${(signedOut.rps / bareYoga.rps).toFixed(2)}`);
  console.log(`SQL statements per uncached viewer (1 / 10 / 200 profiles): ${sqlStatements[1]} / ${sqlStatements[10]} / ${sqlStatements[200]}`);
  console.log(`cold start to /readyz: ${Math.round(restarted.ms)} ms (fresh database, migrating and seeding: ${Math.round(first.ms)} ms); peak RSS ${rss} MB`);
  report({
    viewerRatio: round(viewer.rps / floor.rps),
    bareRatio: round(viewer.rps / bareYoga.rps),
    viewerRps: Math.round(viewer.rps),
    floorRps: Math.round(floor.rps),
    viewerRatioSameSize: round(viewer.rps / sameSize.rps),
    bareRps: Math.round(bareYoga.rps),
    viewer200Rps: Math.round(viewer200.rps),
    signedOutRps: Math.round(signedOut.rps),
    sqlStatements,
    p99Ms: viewer.p99,
    peakRssMb: rss,
    coldStartMs: Math.round(restarted.ms),
    heavyPeakRssMb: heavy.peakRssMb,
    uncached,
    ...(postgres ? { postgres } : {}),
  });
} finally {
  await stop(portico);
  bare.kill();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * What start:production's heap limit must hold besides the viewer: GraphiQL's page (its 9 MB module, loaded on the
 * first visit), 1,000 professionals added with invitations in one call, and a body near the 4 MB limit. Measured
 * after the peak above, so it does not count there.
 */
async function heavyRequests() {
  const support = createHttpClient(url);
  await signIn(support, 'personal', 'support@northwind.example');
  const page = await fetch(`${url}/graphql`, { headers: { accept: 'text/html', cookie: await support.cookieHeader() } });
  if (!page.ok || (await page.text()).length < 1_000_000) throw new Error(`GraphiQL's page answered ${page.status}`);
  const ADD_MANY = 'mutation ($id: ID!, $list: [NewProfessionalInput!]!) { addProfessionals(organizationId: $id, professionals: $list, sendInvitations: true) { __typename ... on AddProfessionalsSuccess { addedCount } } }';
  const db = createDb(env.DATABASE_URL);
  const org = await db.organization.create({ data: { name: 'Bench heavy', kind: 'CUSTOMER' } });
  await db.$disconnect();
  const list = Array.from({ length: 1000 }, (_, i) => ({ givenName: 'Heavy', familyName: `Person ${i}`, email: `heavy${i}@bench.example` }));
  const added = await support.graphql<any>(ADD_MANY, { id: globalId('Organization', org.id), list });
  if (added.data?.addProfessionals.addedCount !== 1000) throw new Error(`addProfessionals answered ${JSON.stringify(added).slice(0, 300)}`);
  await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: await support.cookieHeader() }, body: JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(3_500_000) } }) });
  const alive = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
  return { alive, peakRssMb: peakRssMb(portico.pid!) };
}

/**
 * The viewer and its floor run every time: Portico with VIEWER_CACHE=false on the same database (the session cookie
 * stays good), so neither the rows nor the answers are kept. What the cache saves is the difference.
 */
async function withoutViewerCache(viewerBody: string, cookie: string) {
  const { child } = await startPortico({ VIEWER_CACHE: 'false' });
  try {
    await measure('', `${url}/graphql`, viewerBody, { cookie }, 2);
    const { floor, viewer } = await measurePair(['VIEWER_CACHE=false: { __typename }, session cookie', 'VIEWER_CACHE=false: viewer, signed in (3 profiles)'], `${url}/graphql`, [FLOOR, viewerBody], { cookie });
    return { viewerRps: Math.round(viewer.rps), floorRps: Math.round(floor.rps), viewerRatio: round(viewer.rps / floor.rps), p99Ms: viewer.p99 };
  } finally {
    await stop(child);
  }
}

/** The viewer and its floor again with Portico on PostgreSQL, when a server answers (see test/helpers/db.ts). */
async function onPostgres(viewerBody: string) {
  if (!(await postgresAvailable())) {
    console.log('PostgreSQL: not reachable, skipped');
    return null;
  }
  const database = await createPostgresDatabase();
  const pgPort = await freePort();
  const pgUrl = `http://localhost:${pgPort}`;
  const { child } = await startPortico({ DATABASE_URL: database.url, PORT: String(pgPort) }, pgUrl);
  try {
    const client = createHttpClient(pgUrl);
    await signIn(client, 'personal', 'casey@shared.example');
    const profiles = (await client.graphql<any>('{ viewer { profiles { id usable } } }')).data!.viewer.profiles;
    await client.graphql(SELECT, { id: profiles.find((p: any) => p.usable).id });
    const cookie = await client.cookieHeader();
    await measure('', `${pgUrl}/graphql`, viewerBody, { cookie }, 2);
    const { floor, viewer } = await measurePair(['PostgreSQL: Portico { __typename }, session cookie', 'PostgreSQL: viewer, signed in (3 profiles, full)'], `${pgUrl}/graphql`, [FLOOR, viewerBody], { cookie });
    return { viewerRps: Math.round(viewer.rps), floorRps: Math.round(floor.rps), viewerRatio: round(viewer.rps / floor.rps), p99Ms: viewer.p99 };
  } finally {
    await stop(child);
    await database.drop();
  }
}

function round(n: number) {
  return Math.round(n * 100) / 100;
}
