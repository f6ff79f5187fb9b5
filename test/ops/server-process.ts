// The real server entry (server/index.ts, as `npm start` runs it) in a child process on a known free port.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitUntilReady(timeoutMs?: number): Promise<void>;
}

export async function spawnServer(env: NodeJS.ProcessEnv, entry: string[] = ['--import', 'tsx', 'server/index.ts']): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, entry, {
    cwd: root,
    // PORTICO_DEMO: a demo on a named database must say so (DESIGN §6).
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'warn', PORTICO_DEMO: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    port,
    url,
    output: () => output,
    exited,
    async waitUntilReady(timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output}`);
        const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
        if (ok) return;
        if (Date.now() > end) throw new Error(`the server did not become ready:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

/** One HTTP request on its own connection (no keep-alive), so "started" means "sent to the server". */
export function request(url: string, options: { method?: string; body?: string; timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return fetch(url, {
    method: options.method ?? 'GET',
    body: options.body,
    headers: { connection: 'close', ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  }).then(async (r) => ({ status: r.status, headers: Object.fromEntries(r.headers), body: await r.text() }));
}
