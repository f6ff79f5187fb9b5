// Applies the committed migrations (prisma/<provider>/migrations/*/migration.sql) in order and records them in
// Prisma's own `_prisma_migrations` table, so the history reads the same as one written by `prisma migrate deploy`.
// Written here because the Prisma CLI needs a native engine it cannot download on our machines.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { providerOf, sqlitePath, type DatabaseProvider } from './url.js';

export interface Migration { name: string; sql: string; checksum: string }

const root = path.resolve(import.meta.dirname, '../..');

export function committedMigrations(provider: DatabaseProvider): Migration[] {
  const dir = path.join(root, 'prisma', provider, 'migrations');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

function checkHistory(applied: Map<string, string>, migrations: Migration[]): Migration[] {
  for (const [name, checksum] of applied) {
    const committed = migrations.find((m) => m.name === name);
    if (!committed) throw new Error(`the database has migration ${name}, which is not in this version of Portico`);
    if (committed.checksum !== checksum) throw new Error(`migration ${name} was changed after it was applied (checksum differs)`);
  }
  return migrations.filter((m) => !applied.has(m.name));
}

/** Brings the database up to date; returns the names of the migrations it applied. Safe to run concurrently. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  const provider = providerOf(databaseUrl);
  const migrations = committedMigrations(provider);
  return provider === 'postgresql' ? migratePostgres(databaseUrl, migrations) : migrateSqlite(sqlitePath(databaseUrl), migrations);
}

function migrateSqlite(file: string, migrations: Migration[]): string[] {
  // The demo's data/ folder does not exist on a fresh clone.
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, { timeout: 10_000 });
  try {
    db.pragma('journal_mode = WAL');
    db.exec(HISTORY_TABLE.replace('TIMESTAMPTZ NOT NULL DEFAULT now()', 'DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP').replaceAll('TIMESTAMPTZ', 'DATETIME'));
    // IMMEDIATE takes the write lock first, so two processes starting together apply each migration once.
    const run = db.transaction(() => {
      const rows = db.prepare('SELECT migration_name, checksum FROM _prisma_migrations WHERE rolled_back_at IS NULL').all() as { migration_name: string; checksum: string }[];
      const pending = checkHistory(new Map(rows.map((r) => [r.migration_name, r.checksum])), migrations);
      for (const m of pending) {
        db.exec(m.sql);
        db.prepare('INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count, started_at) VALUES (?, ?, CURRENT_TIMESTAMP, ?, 1, CURRENT_TIMESTAMP)').run(randomUUID(), m.checksum, m.name);
      }
      return pending.map((m) => m.name);
    });
    return run.immediate();
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // One migrator at a time across all instances; the lock ends with the session.
    await client.query('SELECT pg_advisory_lock(72390017)');
    await client.query(HISTORY_TABLE);
    const { rows } = await client.query<{ migration_name: string; checksum: string }>('SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL');
    const pending = checkHistory(new Map(rows.map((r) => [r.migration_name, r.checksum])), migrations);
    for (const m of pending) {
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)', [randomUUID(), m.checksum, m.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    return pending.map((m) => m.name);
  } finally {
    await client.end();
  }
}
