// The outbox worker against a real database and a real SMTP server: claims, crashes, races.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailCatcher } from '../../server/dev/mail-catcher.js';
import { createLogger } from '../../server/logger.js';
import { createSmtpMailer } from '../../server/mail/mailer.js';
import { retryDelayMs, startOutboxWorker } from '../../server/mail/outbox.js';
import { createSqliteDatabase, type TestDatabase } from '../helpers/db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createSqliteDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('the outbox worker', () => {
  it('sends, after a restart, what a worker that died between commit and send left behind — exactly once', async () => {
    const catcher = await startMailCatcher();
    const mailer = createSmtpMailer({ host: catcher.host, port: catcher.port, secure: false, user: null, password: null, from: 'test@portico.example' });
    const logger = createLogger({ logLevel: 'silent' });
    try {
      const row = await database.db.outboxEmail.create({
        data: { messageId: '<crash-test@portico.example>', kind: 'test', to: 'crash@x.example', subject: 'after the crash', text: 't', html: '<p>t</p>' },
      });
      // A worker claimed the row and died before sending: its claim has run out.
      await database.db.outboxEmail.update({ where: { id: row.id }, data: { status: 'SENDING', lockedBy: 'dead-worker', lockedUntil: new Date(Date.now() - 1000) } });
      const first = startOutboxWorker({ db: database.db, mailer, logger, options: { pollMs: 60_000 } });
      const second = startOutboxWorker({ db: database.db, mailer, logger, options: { pollMs: 60_000 } });
      await Promise.all([first.drain(), second.drain()]);
      await Promise.all([first.stop(), second.stop()]);
      const sent = await database.db.outboxEmail.findUniqueOrThrow({ where: { id: row.id } });
      expect(sent.status).toBe('SENT');
      expect(catcher.messages().filter((m) => m.subject === 'after the crash')).toHaveLength(1);
      expect(catcher.messages()[0]!.messageId).toBe('<crash-test@portico.example>');
    } finally {
      await mailer.close();
      await catcher.stop();
    }
  });

  it('never sends one row twice when two workers race over a full queue', async () => {
    const catcher = await startMailCatcher();
    const mailer = createSmtpMailer({ host: catcher.host, port: catcher.port, secure: false, user: null, password: null, from: 'test@portico.example' });
    const logger = createLogger({ logLevel: 'silent' });
    try {
      await database.db.outboxEmail.createMany({
        data: Array.from({ length: 40 }, (_, i) => ({ messageId: `<race-${i}@portico.example>`, kind: 'test', to: `race${i}@x.example`, subject: `race ${i}`, text: 't', html: 't' })),
      });
      const workers = [1, 2].map(() => startOutboxWorker({ db: database.db, mailer, logger, options: { pollMs: 60_000, batchSize: 7 } }));
      await Promise.all(workers.map((w) => w.drain()));
      await Promise.all(workers.map((w) => w.stop()));
      const subjects = catcher.messages().map((m) => m.subject).filter((s) => s.startsWith('race '));
      expect(subjects).toHaveLength(40);
      expect(new Set(subjects).size).toBe(40);
    } finally {
      await mailer.close();
      await catcher.stop();
    }
  });
});

describe('retries', () => {
  it('back off exponentially with jitter, capped', () => {
    const options = { baseDelayMs: 1000, maxDelayMs: 60_000 };
    for (let i = 0; i < 50; i++) {
      expect(retryDelayMs(1, options)).toBeGreaterThanOrEqual(500);
      expect(retryDelayMs(1, options)).toBeLessThanOrEqual(1500);
      expect(retryDelayMs(3, options)).toBeGreaterThanOrEqual(2000);
      expect(retryDelayMs(3, options)).toBeLessThanOrEqual(6000);
      expect(retryDelayMs(30, options)).toBeLessThanOrEqual(90_000);
    }
    const samples = new Set(Array.from({ length: 20 }, () => retryDelayMs(2, options)));
    expect(samples.size).toBeGreaterThan(1);
  });

  it('keep retrying a server that refuses connections, however many attempts, until the e-mail has waited the horizon', async () => {
    const catcher = await startMailCatcher();
    const port = catcher.port;
    await catcher.stop();
    const mailer = createSmtpMailer({ host: '127.0.0.1', port, secure: false, user: null, password: null, from: 'test@portico.example' });
    const worker = startOutboxWorker({ db: database.db, mailer, logger: createLogger({ logLevel: 'silent' }), options: { pollMs: 60_000, retryHorizonMs: 24 * 3_600_000, baseDelayMs: 60_000, maxDelayMs: 120_000 } });
    try {
      const hour = 3_600_000;
      const young = await database.db.outboxEmail.create({
        data: { messageId: '<young@portico.example>', kind: 'test', to: 'down@x.example', subject: 'down', text: 't', html: 't', attempts: 40, createdAt: new Date(Date.now() - 23 * hour) },
      });
      const old = await database.db.outboxEmail.create({
        data: { messageId: '<old@portico.example>', kind: 'test', to: 'down@x.example', subject: 'down', text: 't', html: 't', attempts: 2, createdAt: new Date(Date.now() - 25 * hour) },
      });
      await worker.drain();
      expect(await database.db.outboxEmail.findUniqueOrThrow({ where: { id: young.id } })).toMatchObject({ status: 'RETRYING', attempts: 41 });
      const after = await database.db.outboxEmail.findUniqueOrThrow({ where: { id: old.id } });
      expect(after).toMatchObject({ status: 'FAILED', attempts: 3 });
      expect(after.lastError).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      await worker.stop();
      await mailer.close();
    }
  });
});
