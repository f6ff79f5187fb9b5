// Two instances while their PostgreSQL server restarts under load: requests fail cleanly (503, never a hang or a
// crash) during the restart and succeed after it; no queued e-mail is lost or sent twice. The server is a private
// one started for this file (the shared one on 5432 serves other test runs and must never be restarted).
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../server/db/client.js';
import { migrate } from '../../server/db/migrate.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { freePort, request } from '../ops/server-process.js';

const BIN = '/usr/lib/postgresql/15/bin';
const available = existsSync(path.join(BIN, 'pg_ctl')) && process.getuid?.() === 0;

function postgresUser(command: string, args: string[]) {
  return execFileSync('runuser', ['-u', 'postgres', '--', path.join(BIN, command), ...args], { stdio: 'pipe', timeout: 60_000 });
}

(available || process.env.CI === 'true' ? describe : describe.skip)('two instances while PostgreSQL restarts', () => {
  let dir: string;
  let data: string;
  let port: number;
  let url: string;
  let a: TestApp;
  let b: TestApp;
  const pgCtl = (...args: string[]) => postgresUser('pg_ctl', ['-D', data, '-w', '-t', '60', ...args]);

  beforeAll(async () => {
    if (!available) throw new Error(`a private PostgreSQL needs ${BIN}/pg_ctl and root (to run it as postgres)`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-pg-'));
    const pwent = execFileSync('id', ['-u', 'postgres']).toString().trim();
    chownSync(dir, Number(pwent), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
    data = path.join(dir, 'data');
    port = await freePort();
    postgresUser('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']);
    pgCtl('-l', path.join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start');
    const admin = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    await admin.query('CREATE DATABASE portico');
    await admin.end();
    url = `postgresql://postgres@127.0.0.1:${port}/portico`;
    await migrate(url);
    // Bounds generous enough for a loaded machine to connect, short enough that nothing waits on a dead server for long.
    const env = { OUTBOX_POLL_MS: '50', DB_POOL_TIMEOUT_MS: '4000', DB_STATEMENT_TIMEOUT_MS: '5000', LINK_REQUEST_MIN_MS: '0' };
    const shared = { url, db: createDb(url), drop: async () => {} };
    a = await startTestApp({ database: shared, env });
    b = await startTestApp({ database: { ...shared, db: createDb(url) }, env: { ...env, PUBLIC_URL: a.url } });
  }, 180_000);
  afterAll(async () => {
    await a?.close().catch(() => {});
    await b?.close().catch(() => {});
    if (data && existsSync(data)) {
      try {
        pgCtl('-m', 'immediate', 'stop');
      } catch {
        // already stopped
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 or 200 during the restart, 200 after it, and sends every queued e-mail exactly once', async () => {
    await a.db.outboxEmail.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({ messageId: `<restart-${i}@portico.example>`, kind: 'test', to: `restart${i}@x.example`, subject: `restart ${i}`, text: 't', html: 't' })),
    });
    const preview = JSON.stringify({ query: `{ associationPreview(token: "${'a'.repeat(43)}") { valid } }` });
    const outcomes: Array<{ at: number; status: number | string }> = [];
    let stop = false;
    const load = [a, b, a, b].map(async (app) => {
      while (!stop) {
        const at = Date.now();
        const status = await request(`${app.listenUrl}/graphql`, { method: 'POST', body: preview, timeoutMs: 15_000 }).then(
          (r) => (r.status === 200 && r.body.includes('"errors"') ? 'error in a 200' : r.status),
          (error: Error) => `no answer: ${error.message}`,
        );
        outcomes.push({ at, status });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    a.services.mailQueued();
    b.services.mailQueued();
    await new Promise((resolve) => setTimeout(resolve, 300));
    pgCtl('-m', 'fast', 'stop');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    pgCtl('-l', path.join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start');
    const restartedAt = Date.now();
    // Once the server is back, requests succeed again (broken pooled connections are replaced).
    const end = Date.now() + 30_000;
    while (Date.now() < end && outcomes.filter((o) => o.at > restartedAt + 3000).length < 20) await new Promise((resolve) => setTimeout(resolve, 100));
    stop = true;
    await Promise.all(load);

    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 503)).toEqual([]);
    expect(outcomes.some((o) => o.status === 503)).toBe(true);
    const afterwards = outcomes.filter((o) => o.at > restartedAt + 3000);
    expect(afterwards.length).toBeGreaterThan(0);
    expect(afterwards.filter((o) => o.status !== 200)).toEqual([]);

    a.services.mailQueued();
    const mailEnd = Date.now() + 60_000;
    while ((await a.db.outboxEmail.count({ where: { kind: 'test', status: 'SENT' } })) < 60 && Date.now() < mailEnd) await new Promise((resolve) => setTimeout(resolve, 200));
    const received = [...a.mailCatcher!.messages(), ...b.mailCatcher!.messages()].map((m) => m.subject).filter((s) => s.startsWith('restart '));
    expect(received).toHaveLength(60);
    expect(new Set(received).size).toBe(60);
  }, 180_000);
});
