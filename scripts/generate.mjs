// Generates both Prisma clients (SQLite and PostgreSQL) and the Pothos types, offline. The Prisma CLI asks for
// a native schema engine before any command; `generate` never runs it, so a stand-in binary keeps it offline.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/true', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
for (const provider of ['sqlite', 'postgresql']) {
  execFileSync(process.execPath, [cli, 'generate', '--schema', `prisma/${provider}`], { stdio: ['ignore', 'ignore', 'inherit'], env });
}
console.log('generated the Prisma clients (sqlite, postgresql) and the Pothos types');
