// Times addProfessionals with 1,000 rows on SQLite, through the whole server (HTTP, GraphQL, one transaction with
// the profiles, their audit events and, in the second run, their invitations and outbox e-mails).
// Target: at most 3 s (reported as bulkAdd1000Ms, with invitations). Run: npx tsx bench/add-professionals.ts
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { startServer } from '../server/server.js';
import { createHttpClient, signIn } from '../test/helpers/http-client.js';
import { report } from './lib/result.js';

const ROWS = 1000;
const TARGET_MS = 3000;
const ADD_MANY = `mutation($id: ID!, $list: [NewProfessionalInput!]!, $send: Boolean) {
  addProfessionals(organizationId: $id, professionals: $list, sendInvitations: $send) {
    __typename ... on AddProfessionalsSuccess { addedCount failedCount } ... on Error { code message } } }`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-bench-'));
const server = await startServer({
  env: { NODE_ENV: 'test', PORTICO_DEMO: 'true', HOST: '127.0.0.1', PORT: '0', DATABASE_URL: `file:${path.join(dir, 'bench.db')}`, LOG_LEVEL: 'silent' },
});
try {
  const support = createHttpClient(server.url);
  await signIn(support, 'personal', 'support@northwind.example');
  // A running server has compiled its Prisma queries long before; the first call of each shape pays for that.
  const warm = await server.db.organization.create({ data: { name: 'Bench warm-up', kind: 'CUSTOMER' } });
  for (const send of [false, true]) {
    const list = Array.from({ length: 5 }, (_, i) => ({ givenName: 'Warm', familyName: `Up ${i}`, email: `warm${i}.${send}@bench.example` }));
    await support.graphql(ADD_MANY, { id: encodeGlobalID('Organization', warm.id), list, send });
  }
  let failed = false;
  const timings: Record<string, number> = {};
  for (const sendInvitations of [false, true]) {
    const org = await server.db.organization.create({ data: { name: `Bench ${sendInvitations ? 'with' : 'without'} invitations`, kind: 'CUSTOMER' } });
    const list = Array.from({ length: ROWS }, (_, i) => ({ givenName: 'Bench', familyName: `Person ${i}`, email: `person${i}@bench.example` }));
    const started = performance.now();
    const res = await support.graphql<{ addProfessionals: { __typename: string; addedCount?: number } }>(ADD_MANY, { id: encodeGlobalID('Organization', org.id), list, send: sendInvitations });
    const ms = performance.now() - started;
    const added = res.data?.addProfessionals.addedCount;
    if (added !== ROWS) throw new Error(`expected ${ROWS} added, got ${JSON.stringify(res)}`);
    failed ||= ms > TARGET_MS;
    timings[sendInvitations ? 'bulkAdd1000Ms' : 'bulkAdd1000NoInvitationsMs'] = Math.round(ms);
    console.log(`addProfessionals, ${ROWS} rows, sendInvitations ${sendInvitations}: ${Math.round(ms)} ms (target ≤ ${TARGET_MS} ms)${ms > TARGET_MS ? '  ← over target' : ''}`);
  }
  report(timings);
  process.exitCode = failed ? 1 : 0;
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
