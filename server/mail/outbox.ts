// The outbox worker (R12): delivers e-mails that transactions wrote to OutboxEmail. A worker first claims rows
// (lockedBy/lockedUntil, a conditional update), so two instances never take the same row; a claim expires, so rows
// of a worker that died go to the next one. Just before its SMTP transaction a row is marked SENDING: after a crash
// only those rows can have gone out already, and each is sent again at most once, with the same Message-ID.
// Temporary failures (no connection, 4xx) are retried with backoff until the e-mail has waited `retryHorizonMs`,
// like a mail server's queue; a permanent rejection (5xx) is marked FAILED with the server's reply at once.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Mailer } from './mailer.js';
import { withoutLinkSecrets } from './redact.js';

/** A delivered (or finally refused) e-mail's bodies without their single-use links. */
const withoutSecrets = (row: { text: string; html: string }) => ({ text: withoutLinkSecrets(row.text), html: withoutLinkSecrets(row.html) });

export interface OutboxOptions {
  pollMs: number;
  batchSize: number;
  concurrency: number;
  /** Temporary failures are retried until the e-mail is this old. */
  retryHorizonMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claim holds; longer than any single send can take. */
  claimMs: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = {
  pollMs: 1000,
  batchSize: 50,
  concurrency: 8,
  retryHorizonMs: 24 * 3_600_000,
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
  /** Stops claiming, lets the deliveries under way finish and releases the claims not yet started. */
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
  // Rows this worker claimed and is delivering now. A claimed row outside it was left by a pass that failed (the
  // database went away mid-pass): this worker takes it again at once instead of waiting for its own claim to expire.
  const inFlight = new Set<string>();

  async function claimBatch(): Promise<string[]> {
    const now = new Date();
    const due = await db.outboxEmail.findMany({
      where: {
        status: { in: ['QUEUED', 'RETRYING', 'SENDING'] },
        nextAttemptAt: { lte: now },
        // Unclaimed, claimed by a worker that died (its claim has run out), or left behind by this worker.
        OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }, { lockedBy: id, id: { notIn: [...inFlight] } }],
      },
      orderBy: { nextAttemptAt: 'asc' },
      take: options.batchSize,
      select: { id: true, status: true, lockedUntil: true },
    });
    const claimed: string[] = [];
    for (const row of due) {
      const result = await db.outboxEmail.updateMany({
        where: { id: row.id, status: row.status, lockedUntil: row.lockedUntil },
        data: { lockedBy: id, lockedUntil: new Date(now.getTime() + options.claimMs) },
      });
      if (result.count === 1) claimed.push(row.id);
    }
    return claimed;
  }

  /**
   * The outcome of an SMTP transaction must reach the database, or the claim runs out and the e-mail goes again:
   * a failing write (database restarting, locked) is retried for as long as the claim holds.
   */
  async function record(rowId: string, data: Parameters<Db['outboxEmail']['updateMany']>[0]['data']): Promise<void> {
    const until = Date.now() + options.claimMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await db.outboxEmail.updateMany({ where: { id: rowId, lockedBy: id }, data });
        return;
      } catch (error) {
        if (Date.now() + 200 * attempt > until) throw error;
        logger.warn({ err: error, rowId, attempt }, 'could not record a delivery outcome yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(200 * attempt, 5000)));
      }
    }
  }

  async function deliver(rowId: string): Promise<void> {
    const row = await db.outboxEmail.findUnique({ where: { id: rowId } });
    if (!row || row.lockedBy !== id) return;
    const marked = await db.outboxEmail.updateMany({ where: { id: row.id, lockedBy: id }, data: { status: 'SENDING' } });
    if (marked.count !== 1) return;
    const result = await mailer.send({ messageId: row.messageId, to: row.to, subject: row.subject, text: row.text, html: row.html });
    const attempts = row.attempts + 1;
    if (result.ok) {
      await record(row.id, { status: 'SENT', attempts, sentAt: new Date(), lastError: null, lockedBy: null, lockedUntil: null, ...withoutSecrets(row) });
      metrics?.mailDeliveries.inc({ kind: row.kind, outcome: 'sent' });
      return;
    }
    const giveUp = result.permanent || Date.now() - row.createdAt.getTime() >= options.retryHorizonMs;
    await record(
      row.id,
      giveUp
        ? { status: 'FAILED', attempts, lastError: result.error, lockedBy: null, lockedUntil: null, ...withoutSecrets(row) }
        : { status: 'RETRYING', attempts, lastError: result.error, nextAttemptAt: new Date(Date.now() + retryDelayMs(attempts, options)), lockedBy: null, lockedUntil: null },
    );
    metrics?.mailDeliveries.inc({ kind: row.kind, outcome: giveUp ? 'failed' : 'retry' });
    logger[giveUp ? 'warn' : 'info']({ messageId: row.messageId, kind: row.kind, attempts, error: result.error }, giveUp ? 'e-mail delivery failed for good' : 'e-mail delivery will be retried');
  }

  async function release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    // Never started, so never sent: the next worker may take them at once.
    await db.outboxEmail.updateMany({ where: { id: { in: ids }, lockedBy: id }, data: { lockedBy: null, lockedUntil: null } });
  }

  async function runOnce(): Promise<number> {
    let sent = 0;
    while (!stopped) {
      const ids = await claimBatch();
      if (ids.length === 0) break;
      for (let i = 0; i < ids.length; i += options.concurrency) {
        if (stopped) {
          await release(ids.slice(i));
          break;
        }
        const chunk = ids.slice(i, i + options.concurrency);
        for (const rowId of chunk) inFlight.add(rowId);
        await Promise.all(
          chunk.map((rowId) =>
            deliver(rowId)
              .catch((error) => logger.error({ err: error, rowId }, 'outbox delivery crashed'))
              .finally(() => inFlight.delete(rowId)),
          ),
        );
        sent += Math.min(options.concurrency, ids.length - i);
      }
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
