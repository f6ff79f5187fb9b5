// Writes a new migration for each provider from the difference between the committed migrations and the models.
// Usage: npm run migration:create -- <name>. PostgreSQL must run on 127.0.0.1:5432 (or POSTGRES_ADMIN_URL).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { migrate } from '../server/db/migrate.js';
import { diffToModels } from '../server/db/schema-engine.js';
import type { DatabaseProvider } from '../server/db/url.js';

const name = process.argv[2]?.replace(/[^a-z0-9_]/gi, '_');
if (!name) {
  console.error('usage: npm run migration:create -- <name>');
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function pendingSql(provider: DatabaseProvider): Promise<string> {
  if (provider === 'sqlite') {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'portico-mig-')), 'scratch.db');
    await migrate(`file:${file}`);
    return diffToModels('sqlite', new PrismaBetterSqlite3({ url: file }), 'database');
  }
  const database = `portico_migration_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    await migrate(url.toString());
    return await diffToModels('postgresql', new PrismaPg({ connectionString: url.toString() }), 'database');
  } finally {
    await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
    await admin.end();
  }
}

for (const provider of ['sqlite', 'postgresql'] as const) {
  const sql = await pendingSql(provider);
  if (sql === '' || sql === '-- This is an empty migration.') {
    console.log(`${provider}: the migrations already match the models`);
    continue;
  }
  const dir = path.join(import.meta.dirname, '..', 'prisma', provider, 'migrations', `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'migration.sql'), `${sql}\n`);
  console.log(`${provider}: wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
}
