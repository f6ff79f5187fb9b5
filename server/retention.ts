// Purges what has served its purpose, on a schedule: sessions expired for a while, spent rate-limit counters, and
// delivered outbox e-mails past their age. Audit events are never purged. Several instances may purge at once:
// each delete is idempotent.
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { Logger } from './logger.js';

export interface RetentionPurge {
  sessions: number;
  rateLimits: number;
  deliveredMail: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export async function purgeExpired(db: Db, retention: Config['retention'], now: Date): Promise<RetentionPurge> {
  const before = (ms: number) => new Date(now.getTime() - ms);
  const sessions = await db.session.deleteMany({ where: { expiresAt: { lt: before(retention.sessionsDays * DAY_MS) } } });
  const rateLimits = await db.rateLimit.deleteMany({ where: { expire: { lt: before(retention.rateLimitsHours * HOUR_MS) } } });
  const deliveredMail = await db.outboxEmail.deleteMany({ where: { status: 'SENT', sentAt: { lt: before(retention.deliveredMailDays * DAY_MS) } } });
  return { sessions: sessions.count, rateLimits: rateLimits.count, deliveredMail: deliveredMail.count };
}

export function startRetention(deps: { db: Db; logger: Logger; retention: Config['retention']; now: () => Date }): { stop(): void } {
  const { db, logger, retention, now } = deps;
  const run = async () => {
    try {
      const purged = await purgeExpired(db, retention, now());
      if (purged.sessions + purged.rateLimits + purged.deliveredMail > 0) logger.info({ purged }, 'retention: purged expired rows');
    } catch (error) {
      logger.warn({ err: error }, 'retention: purge failed; the next run tries again');
    }
  };
  const timer = setInterval(() => void run(), retention.intervalMinutes * 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
