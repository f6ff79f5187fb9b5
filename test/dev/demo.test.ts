import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../helpers/app.js';
import { createSqliteDatabase, type TestDatabase } from '../helpers/db.js';

describe('the demo', () => {
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await database?.drop();
  });

  it('keeps the seeded people signing in as themselves when it restarts on another port', async () => {
    database = await createSqliteDatabase();
    const shared = { ...database, drop: async () => {} };
    const first = await startTestApp({ database: shared });
    await first.close();
    const second = await startTestApp({ database: shared });
    try {
      const alex = await second.signedIn('alex@fabrikam.example');
      const { data } = await alex.graphql<any>('{ viewer { currentProfile { displayName } } }');
      expect(data.viewer.currentProfile.displayName).toBe('Alex Admin');
      expect(await second.db.organization.count()).toBe(5);
    } finally {
      await second.close();
    }
  });

  it('lists the demo people exactly as DESIGN §6 has them', async () => {
    const app = await startTestApp();
    try {
      const rows = await app.db.profile.findMany({ include: { organization: true, identity: true }, orderBy: [{ organization: { name: 'asc' } }, { email: 'asc' }] });
      const summary = rows.map((p) => `${p.organization.name} | ${p.givenName} ${p.familyName} <${p.email}>${p.isAdministrator ? ' admin' : ''} ${p.identity?.provider ?? 'not linked'}`);
      expect(summary).toEqual([
        'Blue Yonder Consulting | Pat Partner <pat@blueyonder.example> admin personal',
        'Fabrikam Ltd | Alex Admin <alex@fabrikam.example> admin personal',
        'Fabrikam Ltd | Casey Cole <casey@shared.example> personal',
        'Fabrikam Ltd | Jamie Jones <jamie@fabrikam.example> personal',
        'Fabrikam Ltd | Morgan Lee <morgan@fabrikam.example> not linked',
        'Northwind Software | Sam Support <support@northwind.example> admin personal',
        'Tailspin Toys | Casey Cole <casey@shared.example> personal',
        'Tailspin Toys | Taylor Tran <taylor@tailspin.example> admin work',
        'Wide World Importers | Casey Cole <casey@shared.example> personal',
        'Wide World Importers | Robin Reed <robin@wideworld.example> admin work',
      ]);
      const orgs = await app.db.organization.findMany({ include: { partner: true, servicePlans: true }, orderBy: { name: 'asc' } });
      expect(orgs.map((o) => [o.name, o.kind, o.accountNumber, o.partner?.name ?? null])).toEqual([
        ['Blue Yonder Consulting', 'PARTNER', null, null],
        ['Fabrikam Ltd', 'CUSTOMER', '100001', 'Blue Yonder Consulting'],
        ['Northwind Software', 'VENDOR', null, null],
        ['Tailspin Toys', 'CUSTOMER', '100002', null],
        ['Wide World Importers', 'CUSTOMER', '100003', null],
      ]);
      const tailspin = orgs.find((o) => o.name === 'Tailspin Toys')!.servicePlans[0]!;
      const daysAgo = Math.round((Date.now() - Date.parse(`${tailspin.endsOn}T00:00:00Z`)) / 86_400_000);
      expect(daysAgo).toBeGreaterThanOrEqual(29);
      expect(daysAgo).toBeLessThanOrEqual(31);
    } finally {
      await app.close();
    }
  });
});
