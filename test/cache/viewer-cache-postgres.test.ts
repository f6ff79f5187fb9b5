// The viewer cache on several instances sharing one PostgreSQL database: a change made through one instance reaches
// the caches of all (LISTEN/NOTIFY), and a cache that cannot hear the others serves nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { linkInstances, type InvalidationLink } from '../../server/cache/notify.js';
import { ViewerCache } from '../../server/cache/viewer-cache.js';
import { createDb, type Db } from '../../server/db/client.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createPostgresDatabase, describeOnPostgres, type TestDatabase } from '../helpers/db.js';
import { DEMO, profileId } from '../helpers/factories.js';

const VIEWER = '{ viewer { signedIn currentProfile { id displayName } } }';

await describeOnPostgres('the viewer cache across instances on PostgreSQL', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  // A third "instance": a cache that only PostgreSQL's notifications can reach (nothing in this process tells it).
  let db: Db;
  let cache: ViewerCache;
  let link: InvalidationLink;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const shared = { ...database, drop: async () => {} };
    a = await startTestApp({ database: shared });
    b = await startTestApp({ database: shared, env: { PUBLIC_URL: a.url } });
    db = createDb(database.url);
    cache = new ViewerCache({ ttlMs: 60_000, maxEntries: 100 });
    link = linkInstances(cache, db, database.url, a.logger);
    await link.ready;
  }, 120_000);
  afterAll(async () => {
    await link?.close();
    await db?.$disconnect();
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  const remember = () => cache.storeViewer('someone', null, cache.begin(), Date.now());
  const remembered = () => cache.getViewer('someone', Date.now()) !== undefined;

  it("drops an instance's cached viewers when another instance commits a change", async () => {
    remember();
    expect(remembered()).toBe(true);
    const alex = await a.signedIn('alex@fabrikam.example');
    const jamie = await profileId(a.db, DEMO.fabrikam, 'jamie@fabrikam.example');
    const edited = await alex.graphql<any>('mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { __typename } }', { input: { profileId: jamie, familyName: 'Jones-Notified' } });
    expect(edited.data.updateProfile.__typename).toBe('UpdateProfileSuccess');
    await expect.poll(remembered, { timeout: 5000 }).toBe(false);
  });

  it('serves, on one instance, the change made through the other', async () => {
    const jamie = await a.signedIn('jamie@fabrikam.example');
    const cookie = await jamie.cookieHeader();
    const viaB = async () => {
      const response = await fetch(`${b.listenUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ query: VIEWER }) });
      return ((await response.json()) as any).data.viewer;
    };
    const before = await viaB();
    // B keeps its answer (sent again whole) before the change, so the change must drop that too.
    const kept = b.viewerCache!.stats.responseHits;
    for (let tries = 0; tries < 10 && b.viewerCache!.stats.responseHits === kept; tries++) expect(await viaB()).toEqual(before);
    expect(b.viewerCache!.stats.responseHits).toBe(kept + 1);
    const alex = await a.signedIn('alex@fabrikam.example');
    await alex.graphql('mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { __typename } }', { input: { profileId: before.currentProfile.id, givenName: 'Jamie-B' } });
    expect((await viaB()).currentProfile.displayName).toMatch(/^Jamie-B /);
  });

  it('serves nothing while it cannot hear the other instances, and again once it can', async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const name = new URL(database.url).pathname.slice(1);
      const ended = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`, [name]);
      expect(ended.rowCount).toBeGreaterThan(0);
      await expect.poll(() => (remember(), remembered()), { timeout: 5000 }).toBe(false);
      await expect.poll(() => (remember(), remembered()), { timeout: 10_000 }).toBe(true);
    } finally {
      await admin.end();
    }
  });
});
