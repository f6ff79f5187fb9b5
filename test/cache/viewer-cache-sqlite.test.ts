// On SQLite, writes by another process reach the viewer cache through the file's data_version (cache/sqlite-watch.ts),
// with no staleness window: the TTL here is a day, far longer than the test. The writer is a raw better-sqlite3
// connection, in this process or another one, which db/write-watch.ts cannot see, as it cannot see the CLI or an
// operator's sqlite3 shell.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchSqliteConnection, type SqliteWatch } from '../../server/cache/sqlite-watch.js';
import { ViewerCache } from '../../server/cache/viewer-cache.js';
import { sqlitePath } from '../../server/db/url.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { HttpClient } from '../helpers/http-client.js';
import { keptViewer } from '../helpers/viewer-cache.js';

const VIEWER = '{ viewer { signedIn identity { email displayName } profiles { id displayName } } }';

describe('the viewer cache on SQLite, written to by another process', () => {
  let app: TestApp;
  let elsewhere: Database.Database;
  beforeAll(async () => {
    app = await startTestApp({ env: { VIEWER_CACHE_TTL_SECONDS: '86400' } });
    elsewhere = new Database(sqlitePath(app.database.url));
  });
  afterAll(async () => {
    elsewhere?.close();
    await app?.close();
  });

  /** The viewer, once its whole answer comes back from the cache. */
  const cachedViewer = (client: HttpClient) => keptViewer(app, client, VIEWER);

  it('answers a name changed by another process on the very next request', async () => {
    const jamie = await app.signedIn('jamie@fabrikam.example');
    const before = await cachedViewer(jamie);
    expect(before.identity.displayName).not.toBe('Renamed Elsewhere');
    elsewhere.prepare('UPDATE Identity SET displayName = ? WHERE email = ?').run('Renamed Elsewhere', 'jamie@fabrikam.example');
    expect((await jamie.graphql<any>(VIEWER)).data.viewer.identity.displayName).toBe('Renamed Elsewhere');
  });

  it("answers a profile's new name written by another process on the very next request", async () => {
    const casey = await app.signedIn('casey@shared.example');
    expect((await cachedViewer(casey)).profiles.length).toBeGreaterThan(0);
    const renamed = elsewhere.prepare('UPDATE Profile SET givenName = ? WHERE identityId = (SELECT id FROM Identity WHERE email = ?)').run('Elsewhere', 'casey@shared.example');
    expect(renamed.changes).toBeGreaterThan(0);
    const after = (await casey.graphql<any>(VIEWER)).data.viewer.profiles.map((p: any) => p.displayName);
    expect(after).toEqual(after.map(() => expect.stringMatching(/^Elsewhere /)));
  });

  it('signs a session out on the very next request once another process deleted it', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    expect((await cachedViewer(alex)).signedIn).toBe(true);
    const deleted = elsewhere.prepare('DELETE FROM Session WHERE identityId = (SELECT id FROM Identity WHERE email = ?)').run('alex@fabrikam.example');
    expect(deleted.changes).toBeGreaterThan(0);
    expect((await alex.graphql<any>(VIEWER)).data.viewer.signedIn).toBe(false);
  });

  it('answers a change committed by a separate process on the very next request', async () => {
    const sam = await app.signedIn('sam@northwind.example');
    expect((await cachedViewer(sam)).identity.displayName).not.toBe('Set By A Shell');
    const script = `new (require('better-sqlite3'))(process.argv[1]).prepare("UPDATE Identity SET displayName = 'Set By A Shell' WHERE email = 'sam@northwind.example'").run()`;
    execFileSync(process.execPath, ['-e', script, sqlitePath(app.database.url)]);
    expect((await sam.graphql<any>(VIEWER)).data.viewer.identity.displayName).toBe('Set By A Shell');
  });
});

describe("the viewer cache on SQLite, and the server's own writes", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { VIEWER_CACHE_TTL_SECONDS: '86400' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('keeps what it holds when the server itself writes something nothing cached comes from', async () => {
    const jamie = await app.signedIn('jamie@fabrikam.example');
    await keptViewer(app, jamie, VIEWER);
    const fabrikam = await app.db.organization.findFirstOrThrow({ where: { name: 'Fabrikam Ltd' } });
    // Through the server's own connection: data_version does not move for it, and write-watch lets an audit row pass.
    await app.db.auditEvent.create({ data: { action: 'test.note', actorRole: 'SUPPORT', organizationId: fabrikam.id, summary: 'A note from the test' } });
    const responseHits = app.viewerCache!.stats.responseHits;
    const invalidations = app.viewerCache!.stats.invalidations;
    await jamie.graphql(VIEWER);
    expect(app.viewerCache!.stats.invalidations).toBe(invalidations);
    expect(app.viewerCache!.stats.responseHits).toBe(responseHits + 1);
  });
});

describe('a load racing a commit by another process', () => {
  let dir: string;
  let writer: Database.Database;
  let reader: Database.Database;
  let watch: SqliteWatch;
  const now = Date.now();
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-watch-'));
    const file = path.join(dir, 'race.db');
    writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE t (x INTEGER)');
    // The server's connection, as cache/start.ts watches it; the writer is another process's.
    reader = new Database(file, { readonly: true });
    watch = watchSqliteConnection(() => reader);
    watch.changed();
  });
  afterAll(() => {
    watch?.close();
    reader?.close();
    writer?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const commitElsewhere = () => writer.prepare('INSERT INTO t VALUES (1)').run();
  /** A cache wired as cache/start.ts wires it, having seen the commits of earlier tests. */
  const newCache = () => {
    const cache = new ViewerCache({ ttlMs: 86_400_000, maxEntries: 100 });
    cache.changedElsewhere = () => watch.changed();
    cache.begin();
    return cache;
  };

  it('does not store what a load read before the commit, once another lookup has seen the commit', () => {
    const cache = newCache();
    expect(cache.getViewer('id', now)).toBeUndefined();
    const generation = cache.begin();
    // ...the load reads the database here, then another process commits...
    commitElsewhere();
    expect(cache.getSession('someone else', now)).toBeUndefined(); // another request sees the new version first
    cache.storeViewer('id', null, generation, now);
    expect(cache.getViewer('id', now)).toBeUndefined();
  });

  it('drops what a load read before the commit at the first lookup after it is stored', () => {
    const cache = newCache();
    const generation = cache.begin();
    commitElsewhere();
    cache.storeViewer('id', null, generation, now);
    expect(cache.getViewer('id', now)).toBeUndefined();
  });

  it('serves what a load read after the last commit', () => {
    const cache = newCache();
    commitElsewhere();
    const generation = cache.begin();
    cache.storeViewer('id', null, generation, now);
    expect(cache.getViewer('id', now)).toBeNull();
  });

  it('moves the generation a load begins under once another process committed', () => {
    const cache = newCache();
    const before = cache.begin();
    expect(cache.begin()).toBe(before);
    commitElsewhere();
    expect(cache.begin()).toBeGreaterThan(before);
  });
});
