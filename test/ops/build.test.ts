// Production runs compiled JavaScript: `npm run build` emits dist/, and `npm run start:production` (node with its
// flags and dist/index.js, run here exactly as package.json says) starts, serves and stops like the TypeScript entry,
// with no tsx at run time.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { productionNodeArgs } from '../helpers/production-command.js';
import { request, spawnServer } from './server-process.js';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the compiled server', () => {
  it('builds, starts as start:production starts it, answers GraphQL and exits 0 on SIGTERM', async () => {
    await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: root, timeout: 300_000 });
    expect(existsSync(path.join(root, 'dist/index.js'))).toBe(true);
    const server = await spawnServer({ DATABASE_URL: `file:${path.join(dir, 'built.db')}` }, productionNodeArgs());
    try {
      await server.waitUntilReady();
      const answer = await request(`${server.url}/graphql`, { method: 'POST', body: JSON.stringify({ query: '{ viewer { signedIn } }' }) });
      expect(JSON.parse(answer.body)).toEqual({ data: { viewer: { signedIn: false } } });
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 360_000);
});
