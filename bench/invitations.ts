// 1,000 invitations through the outbox, over real SMTP to the demo catcher. Target: all delivered in ≤ 10 s.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SYSTEM_ACTOR } from '../server/modules/audit/service.js';
import { issueInvitation } from '../server/modules/invitations/service.js';
import { startServer } from '../server/server.js';
import { report } from './lib/result.js';

const COUNT = Number(process.env.BENCH_INVITATIONS ?? 1000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-bench-'));
const app = await startServer({ env: { NODE_ENV: 'test', PORTICO_DEMO: 'true', HOST: '127.0.0.1', PORT: '0', DATABASE_URL: `file:${path.join(dir, 'bench.db')}`, LOG_LEVEL: 'silent', OUTBOX_POLL_MS: '100' } });
try {
  const org = await app.db.organization.findFirstOrThrow({ where: { name: 'Fabrikam Ltd' } });
  await app.db.profile.createMany({
    data: Array.from({ length: COUNT }, (_, i) => ({ organizationId: org.id, givenName: 'Bench', familyName: `Person ${i}`, email: `bench${i}@fabrikam.example`, activeEmail: `bench${i}@fabrikam.example` })),
  });
  const profiles = await app.db.profile.findMany({ where: { email: { startsWith: 'bench' } } });

  const started = performance.now();
  await app.db.$transaction(async (tx) => {
    for (const profile of profiles) {
      await issueInvitation(tx, app, { profile, organizationName: org.name, purpose: 'INVITATION', actor: SYSTEM_ACTOR });
    }
  }, { timeout: 120_000 });
  const written = performance.now();
  // SENT is set once the SMTP server accepted the message (the catcher keeps only its latest 500).
  while ((await app.db.outboxEmail.count({ where: { status: 'SENT', to: { startsWith: 'bench' } } })) < COUNT) {
    if (performance.now() - started > 120_000) throw new Error('gave up after 120 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  const delivered = performance.now();
  console.log(`invitations: ${COUNT} written to the outbox in ${((written - started) / 1000).toFixed(2)} s; all ${COUNT} accepted by the SMTP catcher (real SMTP) after ${((delivered - started) / 1000).toFixed(2)} s (${Math.round(COUNT / ((delivered - started) / 1000))}/s); target ≤ 10 s`);
  report({ invitations1000Ms: Math.round(delivered - started) });
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
