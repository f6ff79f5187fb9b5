// Prisma's schema engine compiled to WebAssembly, driven through our driver adapters. The Prisma CLI wants a
// native engine that it downloads on first use, which our machines cannot do; the wasm build needs no download.
// Used to write new migrations (scripts/create-migration.ts) and to prove that the committed migrations
// produce exactly the schema the models describe (test/db/migrations.test.ts). Never used at run time.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { DatabaseProvider } from './url.js';

export interface SchemaFile { path: string; content: string }

const root = path.resolve(import.meta.dirname, '../..');

/** The Prisma schema files of one provider: its datasource file plus the shared models. */
export function schemaFiles(provider: DatabaseProvider): SchemaFile[] {
  const base = path.join(root, 'prisma', provider, 'base.prisma');
  const modelsDir = path.join(root, 'prisma', 'models');
  const models = readdirSync(modelsDir).filter((f) => f.endsWith('.prisma')).sort().map((f) => path.join(modelsDir, f));
  return [base, ...models].map((file) => ({ path: path.relative(root, file), content: readFileSync(file, 'utf8') }));
}

/**
 * adapter-pg cannot map PostgreSQL's internal one-byte `"char"` type (OID 18), which the engine meets when it reads
 * pg_catalog; the values arrive as strings anyway, so they are described to it as text (OID 25).
 */
function withCharAsText(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  if (factory.provider !== 'postgres') return factory;
  type Io = { performIO(query: unknown): Promise<{ fields: { dataTypeID: number }[] }> };
  const patch = <T extends object>(adapter: T): T => {
    const io = adapter as unknown as Io;
    const performIO = io.performIO.bind(adapter);
    io.performIO = async (query) => {
      const result = await performIO(query);
      for (const field of result.fields) if (field.dataTypeID === 18) field.dataTypeID = 25;
      return result;
    };
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patch(await factory.connect()),
    connectToShadowDb: async () => patch(await factory.connectToShadowDb()),
  };
}

/**
 * Indexes the models cannot declare, written by hand in one provider's migrations: PostgreSQL's trigram GIN indexes
 * for the searches that match part of a text (prisma/postgresql/migrations/20261130004000_search_indexes). The
 * engine knows only the models and would drop them, so a diff leaves out exactly their DROP INDEX: the drift check
 * stays exact for everything else, and `npm run migration:create` never writes a migration that removes them.
 * test/db/migrations.test.ts proves they exist after migrating; test/scale/explain-postgres.test.ts that they serve.
 */
export const HAND_WRITTEN_INDEXES: Record<DatabaseProvider, readonly string[]> = {
  postgresql: [
    'Organization_name_trgm_idx',
    'Organization_accountNumber_trgm_idx',
    'Profile_organizationId_givenName_trgm_idx',
    'Profile_organizationId_familyName_trgm_idx',
    'Profile_organizationId_email_trgm_idx',
  ],
  sqlite: [],
};

/** The script without the engine's `-- DropIndex` steps for the hand-written indexes. */
function withoutHandWrittenDrops(provider: DatabaseProvider, script: string): string {
  const handWritten = new Set(HAND_WRITTEN_INDEXES[provider]);
  return script
    .split(/\n\s*\n/)
    .filter((step) => {
      const dropped = /^-- DropIndex\nDROP INDEX "([^"]+)";$/.exec(step.trim());
      return !(dropped && handWritten.has(dropped[1]!));
    })
    .join('\n\n')
    .trim();
}

let loaded: Promise<typeof bg.SchemaEngine> | undefined;

function loadEngineClass(): Promise<typeof bg.SchemaEngine> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve('@prisma/schema-engine-wasm').replace(/schema_engine\.js$/, 'schema_engine_bg.wasm');
    const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), { './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports });
    const exports = instance.exports as unknown as { __wbindgen_start?: () => void };
    (bg as unknown as { __wbg_set_wasm(w: unknown): void }).__wbg_set_wasm(instance.exports);
    exports.__wbindgen_start?.();
    return bg.SchemaEngine;
  })();
  return loaded;
}

/**
 * SQL that turns the database behind `adapter` into the schema the models describe; empty when they agree.
 * `from: 'empty'` gives the SQL for a fresh database instead.
 */
export async function diffToModels(
  provider: DatabaseProvider,
  adapter: SqlMigrationAwareDriverAdapterFactory,
  from: 'empty' | 'database',
): Promise<string> {
  const SchemaEngine = await loadEngineClass();
  const files = schemaFiles(provider);
  const engine = await SchemaEngine.new({ datamodels: files.map((f) => [f.path, f.content]) }, () => {}, bindMigrationAwareSqlAdapterFactory(withCharAsText(adapter)));
  try {
    const result = await engine.diff({
      from: from === 'empty' ? { tag: 'empty' } : { tag: 'schemaDatasource', files: files.slice(0, 1), configDir: root },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return withoutHandWrittenDrops(provider, result.stdout ?? '');
  } finally {
    engine.free();
  }
}
