// The demo data of DESIGN §6, loaded into an empty database. Fixed, so that the README, the help site's
// screenshots and the tests all tell the same story. Identities come from the demo provider's stable subjects,
// so signing in there with a seeded address is the linked identity.
import type { Db } from '../db/client.js';
import { isoDay } from '../modules/organizations/plans.js';
import { demoSubject } from './demo-subject.js';
import type { Config } from '../config.js';
import type { AppServices } from '../services.js';
import { issueInvitation } from '../modules/invitations/service.js';

interface SeedPerson { givenName: string; familyName: string; email: string; isAdministrator?: boolean; account?: 'personal' | 'work' | null }
interface SeedOrganization {
  name: string;
  kind: 'CUSTOMER' | 'PARTNER' | 'VENDOR';
  accountNumber?: string;
  region?: string;
  partner?: string;
  plan?: { name: string; startsOffsetDays: number; endsOffsetDays: number };
  people: SeedPerson[];
}

const casey: SeedPerson = { givenName: 'Casey', familyName: 'Cole', email: 'casey@shared.example' };

export const DEMO_ORGANIZATIONS: SeedOrganization[] = [
  { name: 'Northwind Software', kind: 'VENDOR', people: [{ givenName: 'Sam', familyName: 'Support', email: 'support@northwind.example', isAdministrator: true }] },
  { name: 'Blue Yonder Consulting', kind: 'PARTNER', people: [{ givenName: 'Pat', familyName: 'Partner', email: 'pat@blueyonder.example', isAdministrator: true }] },
  {
    name: 'Fabrikam Ltd',
    kind: 'CUSTOMER',
    accountNumber: '100001',
    region: 'EU',
    partner: 'Blue Yonder Consulting',
    plan: { name: 'Enhancement plan', startsOffsetDays: -30, endsOffsetDays: 335 },
    people: [
      { givenName: 'Alex', familyName: 'Admin', email: 'alex@fabrikam.example', isAdministrator: true },
      { givenName: 'Jamie', familyName: 'Jones', email: 'jamie@fabrikam.example' },
      { givenName: 'Morgan', familyName: 'Lee', email: 'morgan@fabrikam.example', account: null },
      casey,
    ],
  },
  {
    name: 'Wide World Importers',
    kind: 'CUSTOMER',
    accountNumber: '100003',
    region: 'US',
    plan: { name: 'Support plan', startsOffsetDays: -100, endsOffsetDays: 265 },
    people: [{ givenName: 'Robin', familyName: 'Reed', email: 'robin@wideworld.example', isAdministrator: true, account: 'work' }, casey],
  },
  {
    name: 'Tailspin Toys',
    kind: 'CUSTOMER',
    accountNumber: '100002',
    region: 'EU',
    plan: { name: 'Support plan', startsOffsetDays: -395, endsOffsetDays: -30 },
    people: [{ givenName: 'Taylor', familyName: 'Tran', email: 'taylor@tailspin.example', isAdministrator: true, account: 'work' }, casey],
  },
];

function issuerFor(publicUrl: string, provider: 'personal' | 'work') {
  return `${publicUrl}/dev/idp/${provider}`;
}

/**
 * Loads the demo data unless the database already has organizations. Returns whether it did. People seeded
 * without an account (Morgan) get a real invitation, so /dev/mailbox shows one at once.
 */
export async function seedDemoData(db: Db, options: { publicUrl: string; now: Date; config: Config; services: AppServices }): Promise<boolean> {
  if ((await db.organization.count()) > 0) return false;
  const day = (offset: number) => isoDay(new Date(options.now.getTime() + offset * 86_400_000));
  await db.$transaction(async (tx) => {
    const ids = new Map<string, string>();
    const identities = new Map<string, string>();
    for (const org of DEMO_ORGANIZATIONS) {
      const created = await tx.organization.create({
        data: {
          name: org.name,
          kind: org.kind,
          accountNumber: org.accountNumber ?? null,
          region: org.region ?? null,
          partnerId: org.partner ? ids.get(org.partner) ?? null : null,
          servicePlans: org.plan ? { create: { name: org.plan.name, startsOn: day(org.plan.startsOffsetDays), endsOn: day(org.plan.endsOffsetDays) } } : undefined,
        },
      });
      ids.set(org.name, created.id);
      for (const person of org.people) {
        const account = person.account === undefined ? 'personal' : person.account;
        let identityId: string | null = null;
        if (account) {
          const key = `${account}:${person.email}`;
          identityId = identities.get(key) ?? null;
          if (!identityId) {
            const issuer = issuerFor(options.publicUrl, account);
            const identity = await tx.identity.create({
              data: { provider: account, issuer, subject: demoSubject(issuer, person.email), email: person.email, displayName: `${person.givenName} ${person.familyName}` },
            });
            identityId = identity.id;
            identities.set(key, identityId);
          }
        }
        const profile = await tx.profile.create({
          data: {
            organizationId: created.id,
            givenName: person.givenName,
            familyName: person.familyName,
            email: person.email,
            activeEmail: person.email,
            isAdministrator: person.isAdministrator ?? false,
            identityId,
            associatedAt: identityId ? options.now : null,
          },
        });
        if (!identityId) {
          await issueInvitation(tx, options, {
            profile,
            organizationName: org.name,
            purpose: 'INVITATION',
            actor: { identityId: null, profileId: null, displayName: 'Demo data', role: 'SYSTEM' },
          });
        }
        await tx.auditEvent.create({
          data: {
            action: 'profile.add',
            actorRole: 'SYSTEM',
            actorDisplayName: 'Demo data',
            organizationId: created.id,
            targetProfileId: profile.id,
            summary: `Demo data added ${person.givenName} ${person.familyName} to ${org.name}`,
          },
        });
      }
    }
  });
  return true;
}

/**
 * The demo provider's issuer is a URL with the port in it, and identities are keyed by issuer. When the demo
 * starts again on another PUBLIC_URL or PORT with the same database, the demo identities follow the new issuer,
 * so the seeded people still sign in as themselves. Demo mode only.
 */
export async function alignDemoIssuers(db: Db, publicUrl: string): Promise<number> {
  let moved = 0;
  for (const key of ['personal', 'work'] as const) {
    const issuer = issuerFor(publicUrl, key);
    const stale = await db.identity.findMany({ where: { provider: key, issuer: { not: issuer, endsWith: `/dev/idp/${key}` }, email: { not: null } } });
    for (const identity of stale) {
      const subject = demoSubject(issuer, identity.email!);
      if (await db.identity.findUnique({ where: { issuer_subject: { issuer, subject } } })) continue;
      await db.identity.update({ where: { id: identity.id }, data: { issuer, subject } });
      moved += 1;
    }
  }
  return moved;
}
