// npm run bench: every benchmark, one after the other, each printing its own table; then, as the very last line,
// one JSON object with the numbers of all of them. `npm run bench -- scale` runs the PostgreSQL scale bench instead
// (it is not part of the default run); any other argument picks the files whose name contains it.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { RESULT_PREFIX } from './lib/result.js';

const dir = import.meta.dirname;
const only = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .filter((f) => (only ? f.includes(only) : f !== 'scale.ts'))
  .sort((a, b) => (a === 'viewer.ts' ? -1 : b === 'viewer.ts' ? 1 : a.localeCompare(b)));

const results: Record<string, unknown> = {};
for (const file of files) {
  console.log(`\n== ${file}`);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(dir, file)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith(RESULT_PREFIX)) Object.assign(results, JSON.parse(line.slice(RESULT_PREFIX.length)) as object);
    else console.log(line);
  }
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
  if (code !== 0) {
    console.log(`${file} failed (exit ${code})`);
    process.exitCode = 1;
  }
}
console.log(JSON.stringify(results));
