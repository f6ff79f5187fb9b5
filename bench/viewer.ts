// Throughput of the portal's hot path, the authenticated `viewer` query, against bare Yoga on the same machine.
// Prints numbers; it asserts nothing. BENCH_SECONDS and BENCH_CONNECTIONS tune it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createSchema, createYoga } from 'graphql-yoga';
import { startServer } from '../server/server.js';
import { createHttpClient, signIn } from '../test/helpers/http-client.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);

const VIEWER = `{ viewer { signedIn isSupport identity { email provider { key } }
  currentProfile { displayName organization { name hasActiveServicePlan servicePlans { name endsOn } } }
  profiles { id displayName usable organization { name hasActiveServicePlan } } } }`;

async function measure(label: string, url: string, body: string, headers: Record<string, string> = {}) {
  const result = await autocannon({ url, method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, connections, duration: seconds });
  const errors = result.errors + result.non2xx;
  console.log(`${label.padEnd(44)} ${String(Math.round(result.requests.average)).padStart(7)} req/s   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms${errors ? `   ${errors} errors` : ''}`);
  return result.requests.average;
}

const bare = createYoga({ schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }), logging: false, graphiql: false });
const bareServer = http.createServer(bare);
await new Promise<void>((resolve) => bareServer.listen(0, '127.0.0.1', resolve));
const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/graphql`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-bench-'));
const app = await startServer({ env: { NODE_ENV: 'test', PORTICO_DEMO: 'true', HOST: '127.0.0.1', PORT: '0', DATABASE_URL: `file:${path.join(dir, 'bench.db')}`, LOG_LEVEL: 'silent' } });
try {
  const client = createHttpClient(app.url);
  await signIn(client, 'personal', 'casey@shared.example');
  const fabrikam = await app.db.profile.findFirstOrThrow({ where: { email: 'casey@shared.example', organization: { name: 'Fabrikam Ltd' } } });
  await client.graphql('mutation ($id: ID!) { selectProfile(profileId: $id) { __typename } }', { id: Buffer.from(`Profile:${fabrikam.id}`).toString('base64') });
  const cookie = await client.cookieHeader();

  console.log(`${connections} connections, ${seconds} s each, on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'})`);
  const baseline = await measure('bare Yoga { hello }', bareUrl, JSON.stringify({ query: '{ hello }' }));
  const signedOut = await measure('Portico viewer, signed out', `${app.url}/graphql`, JSON.stringify({ query: '{ viewer { signedIn } }' }));
  const full = await measure('Portico viewer, signed in (3 profiles, full)', `${app.url}/graphql`, JSON.stringify({ query: VIEWER }), { cookie });
  console.log(`viewer: signed out ${(signedOut / baseline * 100).toFixed(0)} % of bare Yoga, signed in with everything ${(full / baseline * 100).toFixed(0)} %`);
} finally {
  await app.close();
  bareServer.close();
  rmSync(dir, { recursive: true, force: true });
}
