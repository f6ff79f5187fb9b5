// Real databases for tests: a fresh SQLite file per call (copied from the run's migrated template), or a fresh
// PostgreSQL database per call, dropped by `drop()`.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, inject } from 'vitest';
import { createDb, type Db } from '../../server/db/client.js';
import { migrate } from '../../server/db/migrate.js';

export const postgresAdminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase { url: string; db: Db; drop(): Promise<void> }

export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A suite that needs PostgreSQL. Without a server it is skipped on a developer's machine, but with CI=true it
 * fails: the races and the scale-out are only proven there, so CI must never pass without them.
 */
export async function describeOnPostgres(title: string, body: () => void): Promise<void> {
  if (await postgresAvailable()) {
    describe(title, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(title, () => {
      throw new Error(`PostgreSQL is required with CI=true but does not answer at ${postgresAdminUrl}: start it (.ci/run does) and run again.`);
    });
    return;
  }
  describe.skip(`${title} (skipped: no PostgreSQL at ${postgresAdminUrl})`, body);
}

/** A new, empty, migrated SQLite database in its own file. */
export async function createSqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-db-'));
  const file = path.join(dir, 'test.db');
  let template: string | undefined;
  try {
    template = inject('sqliteTemplate');
  } catch {
    template = undefined;
  }
  if (template) copyFileSync(template, file);
  else await migrate(`file:${file}`);
  const url = `file:${file}`;
  const db = createDb(url);
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An empty PostgreSQL database (not migrated unless `migrated`), dropped by `drop()`. */
export async function createPostgresDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `portico_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  if (options.migrated ?? true) await migrate(url.toString());
  const db = createDb(url.toString());
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.$disconnect();
      const client = new pg.Client({ connectionString: postgresAdminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
