// npm run bench: every benchmark, one after the other, each printing its own numbers.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const only = process.argv[2];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'run.ts' && (!only || f.includes(only))).sort()) {
  console.log(`\n== ${file}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, file)], { stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  if (run.status !== 0) process.exitCode = 1;
}
