// Start-up and shutdown of the real server process: a request is never accepted and left hanging, and SIGTERM
// under load fails no request that had started.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../server/db/client.js';
import { request, spawnServer, type ServerProcess } from './server-process.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'portico-ops-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const viewer = JSON.stringify({ query: '{ viewer { signedIn } }' });

describe('start-up', () => {
  it('answers every request sent while it starts, with 503 and Retry-After or 200, within a second', async () => {
    const server = await spawnServer({ DATABASE_URL: `file:${path.join(dir, 'startup.db')}` });
    const outcomes: Array<{ status: number | 'refused' | 'no answer'; retryAfter?: string }> = [];
    let ready = false;
    try {
      const loops = [0, 1, 2, 3].map(async (i) => {
        while (!ready && server.child.exitCode === null) {
          const target = i % 2 === 0 ? `${server.url}/readyz` : `${server.url}/graphql`;
          const outcome = await request(target, { method: i % 2 === 0 ? 'GET' : 'POST', body: i % 2 === 0 ? undefined : viewer, timeoutMs: 1000 }).then(
            (r) => ({ status: r.status, retryAfter: r.headers['retry-after'] as string | undefined }),
            (error: Error & { cause?: { code?: string } }) => ({ status: error.cause?.code === 'ECONNREFUSED' ? ('refused' as const) : ('no answer' as const) }),
          );
          outcomes.push(outcome);
          if (i === 0 && outcome.status === 200) ready = true;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      });
      await Promise.all(loops);
      const answered = outcomes.filter((o) => o.status !== 'refused');
      expect(answered.filter((o) => o.status === 'no answer')).toEqual([]);
      expect(answered.filter((o) => o.status !== 503 && o.status !== 200)).toEqual([]);
      expect(answered.some((o) => o.status === 200)).toBe(true);
      expect(answered.filter((o) => o.status === 503).every((o) => o.retryAfter !== undefined)).toBe(true);
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }, 120_000);
});

describe('SIGTERM', () => {
  let server: ServerProcess;
  const database = () => `file:${path.join(dir, 'sigterm.db')}`;

  beforeAll(async () => {
    server = await spawnServer({
      DATABASE_URL: database(),
      SHUTDOWN_DELAY_MS: '1000',
      SHUTDOWN_TIMEOUT_MS: '20000',
      // requestAssociationEmails takes at least this long: plenty of requests are in flight when the signal comes.
      LINK_REQUEST_MIN_MS: '1500',
      LINK_REQUESTS_PER_ADDRESS_PER_HOUR: '1000',
      LINK_REQUESTS_PER_CLIENT_PER_HOUR: '100000',
      OUTBOX_POLL_MS: '50',
    });
    await server.waitUntilReady();
  }, 120_000);
  afterAll(() => {
    if (server?.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('turns /readyz to 503, finishes every request that had started, releases its outbox claims and exits 0', async () => {
    let signalledAt = Infinity;
    const results: Array<{ startedAt: number; ok: boolean; detail: string }> = [];
    let stop = false;
    const slow = JSON.stringify({ query: 'mutation { requestAssociationEmails(email: "casey@shared.example") { __typename } }' });
    const loops = Array.from({ length: 8 }, async (_, i) => {
      while (!stop) {
        const startedAt = Date.now();
        const result = await request(`${server.url}/graphql`, { method: 'POST', body: i < 4 ? slow : viewer, timeoutMs: 30_000 }).then(
          (r) => ({ startedAt, ok: r.status === 200 && !r.body.includes('"errors"'), detail: `${r.status} ${r.body.slice(0, 200)}` }),
          (error: Error & { cause?: { code?: string } }) => ({ startedAt, ok: false, detail: String(error.cause?.code ?? error.message) }),
        );
        results.push(result);
        if (!result.ok && result.startedAt > signalledAt) return;
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const readiness = await request(`${server.url}/readyz`);
    const { code } = await server.exited;
    stop = true;
    await Promise.all(loops);

    expect(readiness.status).toBe(503);
    expect(code).toBe(0);
    const before = results.filter((r) => r.startedAt < signalledAt);
    expect(before.length).toBeGreaterThan(8);
    expect(before.filter((r) => !r.ok)).toEqual([]);
    // During SHUTDOWN_DELAY_MS (1 s) requests are still served, so the load balancer has time to stop sending.
    expect(results.filter((r) => r.startedAt < signalledAt + 800 && !r.ok)).toEqual([]);
    // Later the port closes: a new connection is refused (or reset while still in the listen backlog), never hung.
    expect(results.filter((r) => !r.ok && !['ECONNREFUSED', 'ECONNRESET'].includes(r.detail))).toEqual([]);

    const db = createDb(database());
    try {
      expect(await db.outboxEmail.count({ where: { OR: [{ lockedBy: { not: null } }, { status: 'SENDING' }] } })).toBe(0);
      expect(await db.outboxEmail.count({ where: { status: 'SENT' } })).toBeGreaterThan(0);
    } finally {
      await db.$disconnect();
    }
  }, 120_000);
});
