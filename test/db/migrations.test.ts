import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../server/db/migrate.js';
import { diffToModels, HAND_WRITTEN_INDEXES } from '../../server/db/schema-engine.js';
import { createPostgresDatabase, describeOnPostgres, createSqliteDatabase, type TestDatabase } from '../helpers/db.js';

const inSync = (sql: string) => sql === '' || sql === '-- This is an empty migration.';
const cleanup: TestDatabase[] = [];
afterAll(async () => {
  for (const d of cleanup) await d.drop();
});

describe('migrations on SQLite', () => {
  it('produce exactly the schema the Prisma models describe', async () => {
    const database = await createSqliteDatabase();
    cleanup.push(database);
    const diff = await diffToModels('sqlite', new PrismaBetterSqlite3({ url: database.url.replace(/^file:/, '') }), 'database');
    expect(inSync(diff), `the models and migrations differ; write a migration with npm run migration:create:\n${diff}`).toBe(true);
  });

  it('would notice a missing index (the comparison can fail)', async () => {
    const database = await createSqliteDatabase();
    cleanup.push(database);
    const file = database.url.replace(/^file:/, '');
    const raw = new Database(file);
    raw.exec('DROP INDEX "Profile_email_idx"');
    raw.close();
    expect(await diffToModels('sqlite', new PrismaBetterSqlite3({ url: file }), 'database')).toContain('Profile_email_idx');
  });

  it('create the database file and its folder when neither exists (a fresh clone has no data/)', async () => {
    const dir = path.join(os.tmpdir(), `portico-fresh-${process.pid}-${Date.now()}`);
    try {
      const applied = await migrate(`file:${path.join(dir, 'nested', 'portico.db')}`);
      expect(applied.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are applied once and then report nothing to do', async () => {
    const database = await createSqliteDatabase();
    cleanup.push(database);
    expect(await migrate(database.url)).toEqual([]);
  });
});

await describeOnPostgres('migrations on PostgreSQL', () => {
  it('produce exactly the schema the Prisma models describe, in a fresh database', async () => {
    const database = await createPostgresDatabase({ migrated: false });
    cleanup.push(database);
    const applied = await migrate(database.url);
    expect(applied.length).toBeGreaterThan(0);
    // The trigram indexes written by hand are left out of the diff (HAND_WRITTEN_INDEXES): the models, shared with
    // SQLite, cannot declare them. The next test proves they are there.
    const diff = await diffToModels('postgresql', new PrismaPg({ connectionString: database.url }), 'database');
    expect(inSync(diff), `the models and migrations differ:\n${diff}`).toBe(true);
  });

  it('create the hand-written indexes that the comparison with the models leaves out', async () => {
    const database = await createPostgresDatabase();
    cleanup.push(database);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE indexname = ANY($1)', [HAND_WRITTEN_INDEXES.postgresql]);
      expect(rows.map((r) => r.indexname).sort()).toEqual([...HAND_WRITTEN_INDEXES.postgresql].sort());
    } finally {
      await client.end();
    }
  });

  it('two instances migrating at once apply each migration once', async () => {
    const database = await createPostgresDatabase({ migrated: false });
    cleanup.push(database);
    const [a, b] = await Promise.all([migrate(database.url), migrate(database.url)]);
    expect([...a, ...b].sort()).toEqual(a.length ? a : b);
  });
});
