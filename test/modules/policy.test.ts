// The policy module decides every case twice: `can` for an object in hand, `scope` as a database filter. Here both
// are asked about every organization for every kind of actor and every action, against a real database; they must
// give the same answer each time, or some list would show what a single read refuses (or the reverse).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, mayHoldTokenRole, maySeePrivate, privateProfileScope, profileScope, roleOf, scope, tokenRoleRefusal, type Actor, type OrganizationAction, type OrganizationKind, type Role } from '../../server/modules/policy.js';
import { createSqliteDatabase, type TestDatabase } from '../helpers/db.js';

const ACTIONS: OrganizationAction[] = ['organization.see', 'organization.manage', 'organization.administer', 'organization.tokens'];

let database: TestDatabase;
let organizations: { id: string; partnerId: string | null; kind: OrganizationKind; name: string }[];
let profiles: { id: string; identityId: string | null; isAdministrator: boolean; status: 'ACTIVE' | 'REMOVED'; organization: { id: string; partnerId: string | null; kind: OrganizationKind } }[];
let actors: { name: string; actor: Actor | null }[];

beforeAll(async () => {
  database = await createSqliteDatabase();
  const db = database.db;
  const make = (name: string, kind: OrganizationKind, partnerId: string | null = null) => db.organization.create({ data: { name, kind, partnerId } });
  const vendor = await make('Vendor', 'VENDOR');
  const partnerA = await make('Partner A', 'PARTNER');
  const partnerB = await make('Partner B', 'PARTNER');
  await make('Served by A', 'CUSTOMER', partnerA.id);
  await make('Also served by A', 'CUSTOMER', partnerA.id);
  await make('Served by B', 'CUSTOMER', partnerB.id);
  await make('Unserved', 'CUSTOMER');
  // Only customers are served; a partner row pointing at another partner (the API refuses it) must not count as one.
  await make('Partner pointing at A', 'PARTNER', partnerA.id);
  void vendor;
  organizations = await db.organization.findMany({ select: { id: true, partnerId: true, kind: true, name: true } });

  const identity = await db.identity.create({ data: { provider: 'personal', issuer: 'test', subject: 'asker' } });
  const other = await db.identity.create({ data: { provider: 'personal', issuer: 'test', subject: 'other' } });
  actors = [{ name: 'anonymous', actor: null }, { name: 'signed in, no profile', actor: { identityId: identity.id, sessionKey: 's', identityDisplayName: null, profile: null, role: null, lostProfile: null } }];
  let n = 0;
  for (const org of organizations) {
    for (const isAdministrator of [false, true]) {
      n += 1;
      // Every organization gets a linked administrator, a linked professional, an unlinked one and a removed one.
      const linked = await db.profile.create({
        data: { organizationId: org.id, givenName: 'P', familyName: String(n), email: `p${n}@x.example`, activeEmail: `p${n}@x.example`, isAdministrator, identityId: isAdministrator ? other.id : identity.id },
      });
      await db.profile.create({ data: { organizationId: org.id, givenName: 'U', familyName: String(n), email: `u${n}@x.example`, activeEmail: `u${n}@x.example` } });
      await db.profile.create({ data: { organizationId: org.id, givenName: 'R', familyName: String(n), email: `r${n}@x.example`, status: 'REMOVED' } });
      const acting = { id: linked.id, organizationId: org.id, organizationName: org.name, organizationKind: org.kind, isAdministrator, displayName: 'P' };
      actors.push({
        name: `${isAdministrator ? 'administrator' : 'professional'} of ${org.name}`,
        actor: { identityId: identity.id, sessionKey: 's', identityDisplayName: null, profile: acting, role: roleOf(acting), lostProfile: null },
      });
    }
  }
  profiles = await db.profile.findMany({ select: { id: true, identityId: true, isAdministrator: true, status: true, organization: { select: { id: true, partnerId: true, kind: true } } } });
});

afterAll(async () => {
  await database?.drop();
});

const sorted = (ids: string[]) => [...ids].sort();

describe('policy: the predicate and the filter agree', () => {
  it('covers every role', () => {
    expect(new Set(actors.map((a) => a.actor?.role ?? 'none'))).toEqual(new Set(['none', 'SELF', 'ADMIN', 'PARTNER', 'SUPPORT']));
  });

  it('for every actor, action and organization', async () => {
    let compared = 0;
    for (const { name, actor } of actors) {
      for (const action of ACTIONS) {
        const filter = scope(actor, action);
        const fromDb = filter ? (await database.db.organization.findMany({ where: filter, select: { id: true } })).map((o) => o.id) : [];
        const fromPredicate = organizations.filter((o) => can(actor, action, o)).map((o) => o.id);
        expect(sorted(fromDb), `${name} / ${action}`).toEqual(sorted(fromPredicate));
        compared += organizations.length;
      }
    }
    expect(compared).toBe(actors.length * ACTIONS.length * organizations.length);
  });

  it('for every actor and profile: the private side, and what may be loaded at all', async () => {
    for (const { name, actor } of actors) {
      const privateFilter = privateProfileScope(actor);
      const privateIds = privateFilter ? (await database.db.profile.findMany({ where: privateFilter, select: { id: true } })).map((p) => p.id) : [];
      expect(sorted(privateIds), name).toEqual(sorted(profiles.filter((p) => maySeePrivate(actor, p)).map((p) => p.id)));

      const reachable = profileScope(actor);
      const reachableIds = reachable ? (await database.db.profile.findMany({ where: reachable, select: { id: true } })).map((p) => p.id) : [];
      const expected = profiles.filter((p) => maySeePrivate(actor, p) || (p.isAdministrator && p.status === 'ACTIVE' && can(actor, 'organization.see', p.organization)));
      expect(sorted(reachableIds), name).toEqual(sorted(expected.map((p) => p.id)));
    }
  });

  it('answers as R10 says: customer administrators their own, partners theirs and the customers they serve, support all', () => {
    const named = (actorName: string, action: OrganizationAction) => {
      const actor = actors.find((a) => a.name === actorName)!.actor;
      return organizations.filter((o) => can(actor, action, o)).map((o) => o.name).sort();
    };
    expect(named('administrator of Served by A', 'organization.manage')).toEqual(['Served by A']);
    expect(named('professional of Served by A', 'organization.manage')).toEqual([]);
    expect(named('professional of Served by A', 'organization.see')).toEqual(['Served by A']);
    expect(named('administrator of Partner A', 'organization.manage')).toEqual(['Also served by A', 'Partner A', 'Served by A']);
    expect(named('administrator of Partner A', 'organization.administer')).toEqual([]);
    expect(named('professional of Vendor', 'organization.administer')).toHaveLength(organizations.length);
    expect(named('signed in, no profile', 'organization.see')).toEqual([]);
    expect(named('administrator of Partner A', 'organization.tokens')).toEqual(['Partner A']);
    expect(named('professional of Vendor', 'organization.tokens')).toEqual(['Vendor']);
    expect(named('professional of Served by A', 'organization.tokens')).toEqual([]);
  });

  it('gives an API token at most its creator\'s role, of its organization\'s kind (MEMBER fits all)', () => {
    const holdable = (creator: Role, kind: OrganizationKind) => (['SUPPORT', 'PARTNER', 'ADMIN', 'MEMBER'] as const).filter((r) => mayHoldTokenRole(creator, kind, r));
    expect(holdable('SUPPORT', 'VENDOR')).toEqual(['SUPPORT', 'MEMBER']);
    expect(holdable('PARTNER', 'PARTNER')).toEqual(['PARTNER', 'MEMBER']);
    expect(holdable('ADMIN', 'CUSTOMER')).toEqual(['ADMIN', 'MEMBER']);
    expect(holdable('SELF', 'CUSTOMER')).toEqual([]);
    expect(tokenRoleRefusal('ADMIN', 'CUSTOMER', 'PARTNER')).toBe('ABOVE_OWN');
    expect(tokenRoleRefusal('ADMIN', 'CUSTOMER', 'SUPPORT')).toBe('ABOVE_OWN');
    expect(tokenRoleRefusal('SUPPORT', 'VENDOR', 'ADMIN')).toBe('OTHER_KIND');
  });
});
