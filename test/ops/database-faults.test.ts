// SQLite under contention: writers from two processes queue for the lock instead of failing, and a lock held
// longer than the busy timeout answers a clean, retryable 503 instead of an internal error or a hang.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlitePath } from '../../server/db/url.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createSqliteDatabase, type TestDatabase } from '../helpers/db.js';
import { request, spawnServer, type ServerProcess } from './server-process.js';

const linkRequest = (email: string) => JSON.stringify({ query: `mutation { requestAssociationEmails(email: "${email}") { __typename } }` });

describe('SQLite shared by two processes', () => {
  let database: TestDatabase;
  let app: TestApp;
  let other: ServerProcess;
  const env = { LINK_REQUEST_MIN_MS: '0', LINK_REQUESTS_PER_ADDRESS_PER_HOUR: '1000', LINK_REQUESTS_PER_CLIENT_PER_HOUR: '100000', OUTBOX_POLL_MS: '20' };

  beforeAll(async () => {
    database = await createSqliteDatabase();
    app = await startTestApp({ database: { ...database, drop: async () => {} }, env });
    other = await spawnServer({ ...env, DATABASE_URL: database.url });
    await other.waitUntilReady();
  }, 120_000);
  afterAll(async () => {
    other?.child.kill('SIGKILL');
    await other?.exited;
    await app?.close();
    await database?.drop();
  });

  it('lets 50 concurrent writers over both processes all succeed, with no "database is locked"', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        request(`${i % 2 === 0 ? app.url : other.url}/graphql`, { method: 'POST', body: linkRequest('casey@shared.example'), timeoutMs: 60_000 }),
      ),
    );
    expect(results.filter((r) => r.status !== 200 || !r.body.includes('RequestAssociationEmailsSuccess')).map((r) => `${r.status} ${r.body}`)).toEqual([]);
    expect(other.output()).not.toMatch(/locked|SQLITE_BUSY/i);
  }, 120_000);

  it('answers 503 with Retry-After and code UNAVAILABLE while another process holds the write lock for 6 s, and works again after', async () => {
    const holder = new Database(sqlitePath(database.url));
    holder.exec('BEGIN IMMEDIATE');
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        holder.exec('COMMIT');
        holder.close();
        resolve();
      }, 6000),
    );
    const blocked = await request(`${app.url}/graphql`, { method: 'POST', body: linkRequest('jamie@fabrikam.example'), timeoutMs: 10_000 });
    expect(blocked.status).toBe(503);
    expect(blocked.headers['retry-after']).toBeDefined();
    expect(JSON.parse(blocked.body).errors[0].extensions.code).toBe('UNAVAILABLE');
    await released;
    const after = await request(`${app.url}/graphql`, { method: 'POST', body: linkRequest('jamie@fabrikam.example') });
    expect(after.body).toContain('RequestAssociationEmailsSuccess');
  }, 60_000);
});
