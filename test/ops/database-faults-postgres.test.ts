// PostgreSQL with every pooled connection stuck behind a lock: requests answer a clean 503 within the pool
// timeout instead of queueing without end, and everything works again once the lock is gone.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createPostgresDatabase, describeOnPostgres, type TestDatabase } from '../helpers/db.js';
import { request } from './server-process.js';

await describeOnPostgres('PostgreSQL pool exhausted', () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    app = await startTestApp({
      database: { ...database, drop: async () => {} },
      env: { DB_POOL_MAX: '2', DB_POOL_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '4000', LINK_REQUEST_MIN_MS: '0', LINK_REQUESTS_PER_CLIENT_PER_HOUR: '1000' },
    });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  // A well-formed token that exists nowhere: answering it needs the database.
  const preview = JSON.stringify({ query: `{ associationPreview(token: "${'a'.repeat(43)}") { valid } }` });

  it('answers 503 with Retry-After within the pool timeout, cancels the stuck statements, and recovers', async () => {
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE "RateLimit" IN ACCESS EXCLUSIVE MODE');
    try {
      const linkRequest = JSON.stringify({ query: 'mutation { requestAssociationEmails(email: "jamie@fabrikam.example") { __typename } }' });
      // Both pooled connections wait on the lock.
      const stuck = [1, 2].map(() => request(`${app.url}/graphql`, { method: 'POST', body: linkRequest, timeoutMs: 20_000 }));
      await new Promise((resolve) => setTimeout(resolve, 500));

      const started = Date.now();
      const [readyz, graphql] = await Promise.all([
        request(`${app.url}/readyz`, { timeoutMs: 10_000 }),
        request(`${app.url}/graphql`, { method: 'POST', body: preview, timeoutMs: 10_000 }),
      ]);
      // The pool timeout is 1 s; a generous margin for a busy machine, far below an unbounded wait.
      expect(Date.now() - started).toBeLessThan(4000);
      expect(readyz.status).toBe(503);
      expect(graphql.status).toBe(503);
      expect(graphql.headers['retry-after']).toBeDefined();
      expect(JSON.parse(graphql.body).errors[0].extensions.code).toBe('UNAVAILABLE');

      // The stuck statements are cancelled by the statement timeout (4 s): a 503 too, not a hang.
      for (const response of await Promise.all(stuck)) expect(response.status).toBe(503);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    expect((await request(`${app.url}/readyz`)).status).toBe(200);
    expect((await request(`${app.url}/graphql`, { method: 'POST', body: preview })).status).toBe(200);
  }, 60_000);
});
