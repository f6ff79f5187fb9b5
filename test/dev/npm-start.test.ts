// `npm start` as a person runs it: the real entry point in its own process, on a database that does not exist yet.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the demo entry point (server/index.ts)', () => {
  it('starts on a fresh machine, answers, shows the seeded invitation, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-start-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      env: { PATH: process.env.PATH, PORT: '0', PORTICO_DEMO: 'true', DATABASE_URL: `file:${path.join(dir, 'not-yet', 'portico.db')}`, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${output}`)), 60_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /Portico is running at (http:\/\/\S+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
      });
      expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' });
      const viewer = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ viewer { signedIn } }' }) });
      expect(await viewer.json()).toEqual({ data: { viewer: { signedIn: false } } });
      const end = Date.now() + 15_000;
      let mails: Array<{ to: string[] }> = [];
      while (mails.length === 0 && Date.now() < end) {
        mails = (await (await fetch(`${url}/dev/mailbox.json`)).json()) as Array<{ to: string[] }>;
        if (mails.length === 0) await new Promise((r) => setTimeout(r, 200));
      }
      expect(mails.some((m) => m.to.includes('morgan@fabrikam.example'))).toBe(true);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
