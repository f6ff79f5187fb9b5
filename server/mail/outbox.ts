// The outbox worker (R12): delivers e-mails that transactions wrote to OutboxEmail. A row is claimed with a
// conditional update before it is sent, so two workers (two instances) never send the same row in normal
// operation; a claim expires, so a worker that died mid-send leaves its rows to the next one. Temporary failures
// are retried with exponential backoff and jitter, up to a bound; permanent ones are marked FAILED with the
// server's reply, which Invitation.delivery shows.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Mailer } from './mailer.js';
import { withoutLinkSecrets } from './redact.js';

export interface OutboxOptions {
  pollMs: number;
  batchSize: number;
  concurrency: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claim holds; longer than any single send can take. */
  claimMs: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = {
  pollMs: 1000,
  batchSize: 50,
  concurrency: 8,
  maxAttempts: 8,
  baseDelayMs: 2000,
  maxDelayMs: 15 * 60_000,
  claimMs: 2 * 60_000,
};

export interface OutboxWorker {
  readonly id: string;
  /** Looks for work now instead of at the next poll. */
  wake(): void;
  /** Sends everything that is due now; resolves when none is left (tests, benchmarks). */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/** Backoff before attempt n+1 after n failed attempts: base·2^(n-1), capped, with ±50 % jitter. */
export function retryDelayMs(attempts: number, options: Pick<OutboxOptions, 'baseDelayMs' | 'maxDelayMs'>): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential * (0.5 + Math.random()));
}

export function startOutboxWorker(deps: { db: Db; mailer: Mailer; logger: Logger; metrics?: Metrics; options?: Partial<OutboxOptions> }): OutboxWorker {
  const { db, mailer, logger, metrics } = deps;
  const options = { ...DEFAULT_OUTBOX_OPTIONS, ...deps.options };
  const id = randomUUID();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;
  let stopped = false;
  let again = false;

  async function claimBatch(): Promise<string[]> {
    const now = new Date();
    const due = await db.outboxEmail.findMany({
      where: {
        OR: [
          { status: { in: ['QUEUED', 'RETRYING'] }, nextAttemptAt: { lte: now } },
          // A worker died holding these: its claim has run out.
          { status: 'SENDING', lockedUntil: { lt: now } },
        ],
      },
      orderBy: { nextAttemptAt: 'asc' },
      take: options.batchSize,
      select: { id: true, status: true, lockedUntil: true },
    });
    const claimed: string[] = [];
    for (const row of due) {
      const result = await db.outboxEmail.updateMany({
        where: { id: row.id, status: row.status, lockedUntil: row.lockedUntil },
        data: { status: 'SENDING', lockedBy: id, lockedUntil: new Date(now.getTime() + options.claimMs) },
      });
      if (result.count === 1) claimed.push(row.id);
    }
    return claimed;
  }

  async function deliver(rowId: string): Promise<void> {
    const row = await db.outboxEmail.findUnique({ where: { id: rowId } });
    if (!row || row.lockedBy !== id) return;
    const result = await mailer.send({ messageId: row.messageId, to: row.to, subject: row.subject, text: row.text, html: row.html });
    const attempts = row.attempts + 1;
    const mine = { id: row.id, lockedBy: id };
    if (result.ok) {
      await db.outboxEmail.updateMany({
        where: mine,
        data: { status: 'SENT', attempts, sentAt: new Date(), lastError: null, lockedBy: null, lockedUntil: null, text: withoutLinkSecrets(row.text), html: withoutLinkSecrets(row.html) },
      });
      metrics?.mailDeliveries.inc({ kind: row.kind, outcome: 'sent' });
      return;
    }
    const giveUp = result.permanent || attempts >= options.maxAttempts;
    await db.outboxEmail.updateMany({
      where: mine,
      data: giveUp
        ? { status: 'FAILED', attempts, lastError: result.error, lockedBy: null, lockedUntil: null, text: withoutLinkSecrets(row.text), html: withoutLinkSecrets(row.html) }
        : { status: 'RETRYING', attempts, lastError: result.error, nextAttemptAt: new Date(Date.now() + retryDelayMs(attempts, options)), lockedBy: null, lockedUntil: null },
    });
    metrics?.mailDeliveries.inc({ kind: row.kind, outcome: giveUp ? 'failed' : 'retry' });
    logger[giveUp ? 'warn' : 'info']({ messageId: row.messageId, kind: row.kind, attempts, error: result.error }, giveUp ? 'e-mail delivery failed for good' : 'e-mail delivery will be retried');
  }

  async function runOnce(): Promise<number> {
    let sent = 0;
    for (;;) {
      const ids = await claimBatch();
      if (ids.length === 0) break;
      for (let i = 0; i < ids.length; i += options.concurrency) {
        await Promise.all(ids.slice(i, i + options.concurrency).map((rowId) => deliver(rowId).catch((error) => logger.error({ err: error, rowId }, 'outbox delivery crashed'))));
      }
      sent += ids.length;
      if (stopped) break;
    }
    if (metrics) metrics.outboxPending.set(await db.outboxEmail.count({ where: { status: { in: ['QUEUED', 'RETRYING', 'SENDING'] } } }));
    return sent;
  }

  function run(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = runOnce()
      .catch((error) => {
        logger.error({ err: error }, 'outbox worker pass failed');
        return 0;
      })
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          void run();
        }
      });
    return running;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(async () => {
      await run();
      schedule();
    }, options.pollMs);
    timer.unref();
  }
  schedule();

  return {
    id,
    wake() {
      if (!stopped) setImmediate(() => void run());
    },
    async drain() {
      let total = 0;
      for (;;) {
        if (running) await running;
        const sent = await run();
        total += sent;
        if (sent === 0) return total;
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      if (running) await running;
    },
  };
}
