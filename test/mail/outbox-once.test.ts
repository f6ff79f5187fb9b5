// "Sent once" under faults: a database write that fails after the mail server took the e-mail, a worker that dies
// in the middle of a batch, a worker that is stopped in the middle of a batch.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../server/db/client.js';
import { sqlitePath } from '../../server/db/url.js';
import { createLogger } from '../../server/logger.js';
import { createMemoryMailer, type Mailer } from '../../server/mail/mailer.js';
import { startOutboxWorker } from '../../server/mail/outbox.js';
import { createSqliteDatabase, type TestDatabase } from '../helpers/db.js';

const logger = createLogger({ logLevel: 'silent' });
let database: TestDatabase;
beforeEach(async () => {
  database = await createSqliteDatabase();
});
afterEach(async () => {
  await database?.drop();
});

async function queue(db: Db, n: number, prefix: string) {
  await db.outboxEmail.createMany({
    data: Array.from({ length: n }, (_, i) => ({ messageId: `<${prefix}-${i}@portico.example>`, kind: 'test', to: `${prefix}${i}@x.example`, subject: `${prefix} ${i}`, text: 't', html: 't', nextAttemptAt: new Date(Date.now() - (n - i) * 1000) })),
  });
}

describe('the outbox, once', () => {
  it('does not send an e-mail again when recording its delivery fails for a while (database locked)', async () => {
    const db = createDb(database.url, { busyTimeoutMs: 20 });
    const memory = createMemoryMailer();
    // Right after the mail server accepts, another connection holds the write lock for 1.5 s.
    const mailer: Mailer = {
      async send(mail) {
        const result = await memory.send(mail);
        const other = new Database(sqlitePath(database.url));
        other.exec('BEGIN IMMEDIATE');
        setTimeout(() => {
          other.exec('COMMIT');
          other.close();
        }, 1500);
        return result;
      },
      close: async () => {},
    };
    try {
      await queue(db, 1, 'locked');
      const worker = startOutboxWorker({ db, mailer, logger, options: { pollMs: 50, claimMs: 30_000 } });
      await worker.drain();
      await worker.stop();
      expect(await db.outboxEmail.findFirstOrThrow({ where: { kind: 'test' } })).toMatchObject({ status: 'SENT', lockedBy: null });
      expect(memory.history.map((m) => m.messageId)).toEqual(['<locked-0@portico.example>']);
    } finally {
      await db.$disconnect();
    }
  });

  it('marks only the e-mail in its SMTP transaction as sending, so a worker that dies mid-batch can have sent at most that one', async () => {
    const db = database.db;
    await queue(db, 5, 'dies');
    let started!: () => void;
    const sending = new Promise<void>((resolve) => (started = resolve));
    // The first SMTP transaction never ends: the worker "dies" there.
    const hanging: Mailer = { send: () => (started(), new Promise(() => {})), close: async () => {} };
    const dying = startOutboxWorker({ db, mailer: hanging, logger, options: { pollMs: 60_000, concurrency: 1, claimMs: 300 } });
    dying.wake();
    await sending;
    const statuses = await db.outboxEmail.findMany({ where: { kind: 'test' }, orderBy: { nextAttemptAt: 'asc' }, select: { status: true } });
    expect(statuses.map((s) => s.status)).toEqual(['SENDING', 'QUEUED', 'QUEUED', 'QUEUED', 'QUEUED']);

    await new Promise((resolve) => setTimeout(resolve, 400));
    const memory = createMemoryMailer();
    const next = startOutboxWorker({ db, mailer: memory, logger, options: { pollMs: 60_000 } });
    await next.drain();
    await next.stop();
    expect(memory.history.map((m) => m.subject).sort()).toEqual(['dies 0', 'dies 1', 'dies 2', 'dies 3', 'dies 4']);
    expect(await db.outboxEmail.count({ where: { kind: 'test', status: 'SENT' } })).toBe(5);
  });

  it('when stopped, finishes the delivery under way and hands back the rest of its claimed batch at once', async () => {
    const db = database.db;
    await queue(db, 5, 'stops');
    const memory = createMemoryMailer();
    let started!: () => void;
    const sending = new Promise<void>((resolve) => (started = resolve));
    const slow: Mailer = {
      async send(mail) {
        started();
        await new Promise((resolve) => setTimeout(resolve, 300));
        return memory.send(mail);
      },
      close: async () => {},
    };
    const worker = startOutboxWorker({ db, mailer: slow, logger, options: { pollMs: 60_000, concurrency: 1, claimMs: 60_000 } });
    worker.wake();
    await sending;
    await worker.stop();
    const rows = await db.outboxEmail.findMany({ where: { kind: 'test' }, orderBy: { nextAttemptAt: 'asc' } });
    expect(rows.map((r) => r.status)).toEqual(['SENT', 'QUEUED', 'QUEUED', 'QUEUED', 'QUEUED']);
    expect(rows.every((r) => r.lockedBy === null && r.lockedUntil === null)).toBe(true);
    expect(memory.history).toHaveLength(1);
  });
});
