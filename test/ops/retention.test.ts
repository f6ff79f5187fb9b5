// Retention: expired sessions, spent rate-limit counters and delivered e-mails go once past their age; what is
// still live, undelivered or failed stays, and the audit log is never touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { purgeExpired } from '../../server/retention.js';
import { createSqliteDatabase, type TestDatabase } from '../helpers/db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createSqliteDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('retention', () => {
  it('purges by the configured ages and keeps everything else', async () => {
    const db = database.db;
    const now = new Date('2026-06-15T12:00:00Z');
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const day = 86_400_000;
    const hour = 3_600_000;
    await db.session.createMany({
      data: [
        { id: 'expired-long-ago', data: '{}', expiresAt: ago(8 * day) },
        { id: 'expired-yesterday', data: '{}', expiresAt: ago(day) },
        { id: 'live', data: '{}', expiresAt: new Date(now.getTime() + day) },
      ],
    });
    await db.rateLimit.createMany({
      data: [
        { key: 'spent', points: 3, expire: ago(2 * hour) },
        { key: 'just-spent', points: 3, expire: ago(10 * 60_000) },
        { key: 'counting', points: 1, expire: new Date(now.getTime() + hour) },
      ],
    });
    const mail = (messageId: string, status: 'SENT' | 'FAILED' | 'QUEUED', sentAt: Date | null, createdAt: Date) => ({ messageId, kind: 'test', to: 'x@x.example', subject: messageId, text: 't', html: 't', status, sentAt, createdAt });
    await db.outboxEmail.createMany({
      data: [
        mail('<old-sent>', 'SENT', ago(31 * day), ago(31 * day)),
        mail('<new-sent>', 'SENT', ago(day), ago(day)),
        mail('<old-failed>', 'FAILED', null, ago(90 * day)),
        mail('<old-queued>', 'QUEUED', null, ago(90 * day)),
      ],
    });
    await db.auditEvent.create({ data: { action: 'profile.add', actorRole: 'SYSTEM', summary: 'long ago', at: ago(3650 * day) } });

    const { retention } = loadConfig({ NODE_ENV: 'test' });
    expect(retention).toMatchObject({ sessionsDays: 7, rateLimitsHours: 1, deliveredMailDays: 30 });
    expect(await purgeExpired(db, retention, now)).toEqual({ sessions: 1, rateLimits: 1, deliveredMail: 1 });

    expect((await db.session.findMany({ orderBy: { id: 'asc' } })).map((s) => s.id)).toEqual(['expired-yesterday', 'live']);
    expect((await db.rateLimit.findMany({ orderBy: { key: 'asc' } })).map((r) => r.key)).toEqual(['counting', 'just-spent']);
    expect((await db.outboxEmail.findMany({ orderBy: { messageId: 'asc' } })).map((m) => m.messageId)).toEqual(['<new-sent>', '<old-failed>', '<old-queued>']);
    expect(await db.auditEvent.count()).toBe(1);
  });
});
