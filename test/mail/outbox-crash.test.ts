// R12, the hard way: the worker process is killed (SIGKILL) after it claimed an e-mail and before the mail server
// took it. After a restart the e-mail goes out, once.
import { spawn } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailCatcher } from '../../server/dev/mail-catcher.js';
import { createLogger } from '../../server/logger.js';
import { createSmtpMailer } from '../../server/mail/mailer.js';
import { startOutboxWorker } from '../../server/mail/outbox.js';
import { createSqliteDatabase, type TestDatabase } from '../helpers/db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createSqliteDatabase();
});
afterAll(async () => {
  await database?.drop();
});

async function until(check: () => Promise<boolean>, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a worker killed mid-delivery', () => {
  it('leaves its e-mail to the next worker, which sends it exactly once', async () => {
    // A mail server that accepts connections and never answers: the worker hangs in the middle of a delivery.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    const row = await database.db.outboxEmail.create({ data: { messageId: '<killed@portico.example>', kind: 'test', to: 'killed@x.example', subject: 'survives a kill', text: 't', html: 't' } });

    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../fixtures/outbox-worker-process.ts'), database.url, String(silentPort), '1500'], { stdio: 'ignore' });
    try {
      await until(async () => (await database.db.outboxEmail.findUniqueOrThrow({ where: { id: row.id } })).status === 'SENDING', 30_000);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((resolve) => child.once('exit', resolve));
    for (const socket of sockets) socket.destroy();
    silent.close();
    expect((await database.db.outboxEmail.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('SENDING');

    const catcher = await startMailCatcher();
    const mailer = createSmtpMailer({ host: catcher.host, port: catcher.port, secure: false, user: null, password: null, from: 'worker@portico.example' });
    const worker = startOutboxWorker({ db: database.db, mailer, logger: createLogger({ logLevel: 'silent' }), options: { pollMs: 50 } });
    try {
      await until(async () => (await database.db.outboxEmail.findUniqueOrThrow({ where: { id: row.id } })).status === 'SENT', 20_000);
      await worker.drain();
      expect(catcher.messages().filter((m) => m.messageId === '<killed@portico.example>')).toHaveLength(1);
    } finally {
      await worker.stop();
      await mailer.close();
      await catcher.stop();
    }
  }, 60_000);
});
