// /readyz: ready only while the database answers and holds exactly the migrations this version ships;
// /healthz never asks the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('readiness', () => {
  it('is ready with the migrations current, and not ready while one is missing or one is unknown', async () => {
    const readyz = () => fetch(`${app.url}/readyz`).then(async (r) => ({ status: r.status, body: (await r.json()) as { reason?: string } }));
    expect((await readyz()).status).toBe(200);

    await app.db.$executeRawUnsafe(`INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ('x', 'x', CURRENT_TIMESTAMP, '99990101000000_from_a_newer_version', 1)`);
    expect(await readyz()).toMatchObject({ status: 503, body: { reason: 'database migrations are not current' } });
    await app.db.$executeRawUnsafe(`DELETE FROM "_prisma_migrations" WHERE id = 'x'`);
    expect((await readyz()).status).toBe(200);

    const [last] = await app.db.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`);
    await app.db.$executeRawUnsafe(`UPDATE "_prisma_migrations" SET rolled_back_at = CURRENT_TIMESTAMP WHERE id = '${last!.id}'`);
    expect((await readyz()).status).toBe(503);
    await app.db.$executeRawUnsafe(`UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE id = '${last!.id}'`);
  });

  it('keeps /healthz answering when the database is gone', async () => {
    const other = await startTestApp();
    // The outbox worker first: a query of its own in flight on the client disconnected here would never settle, and
    // close() waits for it. (/healthz and /readyz are what this test is about.)
    await other.outbox.stop();
    await other.db.$disconnect();
    await other.database.drop();
    const health = await fetch(`${other.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${other.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).not.toBeNull();
    await other.close().catch(() => {});
  });
});
