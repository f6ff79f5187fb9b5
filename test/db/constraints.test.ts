// The database guards the invariants a race or a slip in code could break, on both providers: each guard refuses a
// bad row written directly, past every check in code, and lets the good rows through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/client.js';
import { createPostgresDatabase, createSqliteDatabase, describeOnPostgres, type TestDatabase } from '../helpers/db.js';

function guardsOn(name: string, open: () => Promise<TestDatabase>) {
  let database: TestDatabase;
  let db: Db;
  let organizationId: string;
  let profileId: string;
  beforeAll(async () => {
    database = await open();
    db = database.db;
    organizationId = (await db.organization.create({ data: { name: `Guarded ${name}`, kind: 'CUSTOMER' } })).id;
    profileId = (await db.profile.create({ data: { organizationId, givenName: 'G', familyName: 'Uard', email: 'g@guard.example', activeEmail: 'g@guard.example' } })).id;
  });
  afterAll(async () => {
    await database?.drop();
  });

  const link = (hash: string, extra: Record<string, unknown> = {}) =>
    db.invitation.create({ data: { profileId, purpose: 'INVITATION', tokenHash: hash, sentTo: 'g@guard.example', expiresAt: new Date(Date.now() + 3_600_000), ...extra } });

  it('one pending link per profile (R5)', async () => {
    await link('a'.repeat(64));
    await expect(link('b'.repeat(64))).rejects.toThrow();
    // Replaced, revoked and used links are history and may be many.
    await link('c'.repeat(64), { replacedAt: new Date() });
    await link('d'.repeat(64), { revokedAt: new Date() });
    expect(await db.invitation.count({ where: { profileId } })).toBe(3);
  });

  it('one pending e-mail change per profile', async () => {
    const change = (n: string, extra: Record<string, unknown> = {}) =>
      db.emailChange.create({ data: { profileId, newEmail: `${n}@guard.example`, previousEmail: 'g@guard.example', tokenHash: n.repeat(64), cancelTokenHash: n.toUpperCase().repeat(64), expiresAt: new Date(Date.now() + 3_600_000), ...extra } });
    await change('e');
    await expect(change('f')).rejects.toThrow();
    await change('9', { cancelledAt: new Date() });
  });

  it('a plan ends on or after it starts, both calendar days', async () => {
    await db.servicePlan.create({ data: { organizationId, name: 'One day', startsOn: '2030-01-01', endsOn: '2030-01-01' } });
    await expect(db.servicePlan.create({ data: { organizationId, name: 'Backwards', startsOn: '2030-02-01', endsOn: '2030-01-31' } })).rejects.toThrow();
    await expect(db.servicePlan.create({ data: { organizationId, name: 'Not a day', startsOn: 'soon', endsOn: '2030-01-31' } })).rejects.toThrow();
    await expect(db.servicePlan.updateMany({ where: { organizationId, name: 'One day' }, data: { endsOn: '2029-12-31' } })).rejects.toThrow();
  });

  it('activeEmail is the e-mail while ACTIVE and empty once REMOVED; e-mails are lower-case (R4)', async () => {
    const make = (data: Record<string, unknown>) => db.profile.create({ data: { organizationId, givenName: 'X', familyName: 'Y', email: 'x@guard.example', ...data } as never });
    await expect(make({ activeEmail: null })).rejects.toThrow();
    await expect(make({ activeEmail: 'other@guard.example' })).rejects.toThrow();
    await expect(make({ status: 'REMOVED', activeEmail: 'x@guard.example' })).rejects.toThrow();
    await expect(make({ email: 'Upper@Guard.example', activeEmail: 'Upper@Guard.example' })).rejects.toThrow();
    await make({ status: 'REMOVED', activeEmail: null });
    await expect(db.profile.update({ where: { id: profileId }, data: { status: 'REMOVED' } })).rejects.toThrow();
    await db.profile.update({ where: { id: profileId }, data: { status: 'REMOVED', activeEmail: null } });
    await db.profile.update({ where: { id: profileId }, data: { status: 'ACTIVE', activeEmail: 'g@guard.example' } });
  });

  it('an audit event names a known role', async () => {
    await expect(db.$executeRawUnsafe(`INSERT INTO "AuditEvent" ("id", "action", "actorRole", "summary") VALUES ('bad', 'x', 'KING', 'x')`)).rejects.toThrow();
    await db.$executeRawUnsafe(`INSERT INTO "AuditEvent" ("id", "action", "actorRole", "summary") VALUES ('good', 'x', 'SYSTEM', 'x')`);
  });

  it('an API token expires after its creation and within a year; one unrevoked token per name in an organization', async () => {
    const createdAt = new Date('2026-03-01T12:00:00Z');
    const token = (name: string, hash: string, extra: Record<string, unknown> = {}) =>
      db.apiToken.create({ data: { organizationId, name, role: 'ADMIN', secretHash: hash.repeat(64), prefix: 'ptk_abcdef', createdById: profileId, createdAt, expiresAt: new Date('2026-09-01T12:00:00Z'), ...extra } });
    await expect(token('late', '1', { expiresAt: new Date('2027-03-03T12:00:00Z') })).rejects.toThrow();
    await expect(token('before', '2', { expiresAt: new Date('2026-02-28T12:00:00Z') })).rejects.toThrow();
    const first = await token('ci', '3', { expiresAt: new Date('2027-03-01T12:00:00Z') });
    await expect(token('ci', '4')).rejects.toThrow();
    await expect(db.apiToken.update({ where: { id: first.id }, data: { expiresAt: new Date('2028-01-01T00:00:00Z') } })).rejects.toThrow();
    await db.apiToken.update({ where: { id: first.id }, data: { revokedAt: new Date() } });
    await token('ci', '5');
  });
}

describe('database guards on SQLite', () => {
  guardsOn('SQLite', createSqliteDatabase);
});

await describeOnPostgres('database guards on PostgreSQL', () => {
  guardsOn('PostgreSQL', () => createPostgresDatabase());
});
