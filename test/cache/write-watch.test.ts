// What the viewer cache hears of a statement, and which planned selections the viewer's rows may answer.
import { describe, expect, it } from 'vitest';
import { writtenTable } from '../../server/db/write-watch.js';
import { covers, IDENTITY_SHAPE, PROFILE_SHAPE } from '../../server/modules/viewer/load.js';

describe('writtenTable', () => {
  it('names the table of inserts, updates and deletes on both providers', () => {
    expect(writtenTable('UPDATE `main`.`Profile` SET `givenName` = ? WHERE `main`.`Profile`.`id` = ?')).toBe('Profile');
    expect(writtenTable('DELETE FROM "public"."Session" WHERE "public"."Session"."identityId" = $1')).toBe('Session');
    expect(writtenTable('INSERT INTO "public"."ServicePlan" ("id") VALUES ($1) RETURNING "id"')).toBe('ServicePlan');
    expect(writtenTable('UPDATE "Organization" SET "name" = "name" WHERE "id" = $1')).toBe('Organization');
  });

  it('ignores reads, a session deadline moving forward, and a brand-new session row', () => {
    expect(writtenTable('SELECT "id" FROM "public"."Profile"')).toBeNull();
    expect(writtenTable('UPDATE `main`.`Session` SET `expiresAt` = ?, `updatedAt` = ? WHERE `main`.`Session`.`id` = ?')).toBeNull();
    expect(writtenTable('INSERT INTO `main`.`Session` (`id`, `data`) VALUES (?,?) RETURNING `id`')).toBeNull();
  });

  it('hears every other change to a session: its profile, its data, an upsert', () => {
    expect(writtenTable('UPDATE "public"."Session" SET "expiresAt" = $1, "currentProfileId" = $2 WHERE "id" = $3')).toBe('Session');
    expect(writtenTable('UPDATE `main`.`Session` SET `currentProfileId` = ?, `data` = ? WHERE `id` = ?')).toBe('Session');
    expect(writtenTable('INSERT INTO `main`.`Session` (`id`) VALUES (?) ON CONFLICT (`id`) DO UPDATE SET `data` = ?')).toBe('Session');
  });
});

describe('covers', () => {
  const today = { startsOn: { lte: '2026-11-29' }, endsOn: { gte: '2026-11-29' } };

  it("answers the viewer's own selections", () => {
    expect(covers(IDENTITY_SHAPE, {})).toBe(true);
    expect(covers(PROFILE_SHAPE, {
      include: {
        organization: { include: { servicePlans: { orderBy: { startsOn: 'desc' } }, _count: { select: { servicePlans: { where: today } } } } },
        invitations: { orderBy: { createdAt: 'desc' }, take: 1, include: { profile: { select: { status: true } } } },
      },
    })).toBe(true);
  });

  it('refuses what the rows do not hold, so that the ordinary query runs', () => {
    expect(covers(PROFILE_SHAPE, { include: { emailChanges: true } })).toBe(false);
    expect(covers(PROFILE_SHAPE, { include: { invitations: { take: 5, orderBy: { createdAt: 'desc' } } } })).toBe(false);
    expect(covers(PROFILE_SHAPE, { include: { organization: { include: { profiles: { take: 1 } } } } })).toBe(false);
    expect(covers(PROFILE_SHAPE, { include: { organization: { include: { servicePlans: { where: { name: 'x' } } } } } })).toBe(false);
    expect(covers(PROFILE_SHAPE, { include: { organization: { include: { _count: { select: { profiles: true } } } } } })).toBe(false);
    expect(covers(IDENTITY_SHAPE, { include: { sessions: true } })).toBe(false);
  });
});
