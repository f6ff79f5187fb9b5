// R11: every change writes its audit event in its own transaction; a change whose event cannot be written does
// not happen, and the events say who, acting as which profile and role, did what to whom, before and after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createCustomer, DEMO, localIdOf, organizationId, professional, profileId, typename } from '../../helpers/factories.js';
import type { HttpClient } from '../../helpers/http-client.js';

const EVENTS = `query($id: ID!, $first: Int, $after: String) { organization(id: $id) { auditEvents(first: $first, after: $after) {
  pageInfo { hasNextPage endCursor }
  edges { node { id at action actorDisplayName actorRole summary before after organization { name } targetProfile { email } } } } } }`;

interface EventNode { id: string; action: string; actorDisplayName: string; actorRole: string; summary: string; before: string | null; after: string | null; organization: { name: string }; targetProfile: { email: string } | null }

let app: TestApp;
let alex: HttpClient;
let fabrikam: string;

beforeAll(async () => {
  app = await startTestApp();
  alex = await app.signedIn('alex@fabrikam.example');
  fabrikam = await organizationId(app.db, DEMO.fabrikam);
});
afterAll(async () => {
  await app?.close();
});

/** Makes every insert of an audit event with this action fail, as a full disk or a broken audit table would. */
async function breakAuditOf(action: string): Promise<() => Promise<void>> {
  const name = `fail_${action.replace(/\W/g, '_')}`;
  await app.db.$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE INSERT ON "AuditEvent" WHEN NEW."action" = '${action}' BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END`);
  return async () => {
    await app.db.$executeRawUnsafe(`DROP TRIGGER ${name}`);
  };
}

describe('atomicity', () => {
  it('a profile change whose audit event cannot be written leaves neither the change nor an event', async () => {
    const morgan = await profileId(app.db, DEMO.fabrikam, 'morgan@fabrikam.example');
    const eventsBefore = await app.db.auditEvent.count();
    const repair = await breakAuditOf('profile.update');
    try {
      const res = await alex.graphql('mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { __typename } }', { input: { profileId: morgan, givenName: 'Changed' } });
      expect(res.errors?.length).toBe(1);
    } finally {
      await repair();
    }
    expect((await app.db.profile.findUniqueOrThrow({ where: { id: localIdOf(morgan) } })).givenName).toBe('Morgan');
    expect(await app.db.auditEvent.count()).toBe(eventsBefore);
  });

  it('a bulk add whose audit events cannot be written adds nobody and sends nothing', async () => {
    const eventsBefore = await app.db.auditEvent.count();
    const repair = await breakAuditOf('profile.add');
    try {
      const res = await alex.graphql('mutation($id: ID!, $list: [NewProfessionalInput!]!) { addProfessionals(organizationId: $id, professionals: $list) { __typename } }', {
        id: fabrikam,
        list: [professional({ email: 'atomic1@fabrikam.example' }), professional({ email: 'atomic2@fabrikam.example' })],
      });
      expect(res.errors?.length).toBe(1);
    } finally {
      await repair();
    }
    expect(await app.db.profile.count({ where: { email: { in: ['atomic1@fabrikam.example', 'atomic2@fabrikam.example'] } } })).toBe(0);
    expect(await app.db.outboxEmail.count({ where: { to: { startsWith: 'atomic' } } })).toBe(0);
    expect(await app.db.auditEvent.count()).toBe(eventsBefore);
  });

  it('a removal whose audit event cannot be written keeps the profile and its sessions', async () => {
    const org = await createCustomer(app.db, { people: [{ email: 'boss@atomic.example', isAdministrator: true }, { email: 'staff@atomic.example' }] });
    await app.db.session.create({ data: { id: 'atomic-session', currentProfileId: localIdOf(org.profiles['staff@atomic.example']!), data: '{}', expiresAt: new Date(Date.now() + 3_600_000) } });
    const support = await app.signedIn('support@northwind.example');
    const repair = await breakAuditOf('profile.remove');
    try {
      await support.graphql('mutation($id: ID!) { removeProfile(profileId: $id) { __typename } }', { id: org.profiles['staff@atomic.example'] });
    } finally {
      await repair();
    }
    const staff = await app.db.profile.findUniqueOrThrow({ where: { id: localIdOf(org.profiles['staff@atomic.example']!) } });
    expect([staff.status, staff.activeEmail]).toEqual(['ACTIVE', 'staff@atomic.example']);
    expect(await app.db.session.count({ where: { id: 'atomic-session' } })).toBe(1);
  });

  it('an organization change whose audit event cannot be written does not happen', async () => {
    const support = await app.signedIn('support@northwind.example');
    const repair = await breakAuditOf('organization.update');
    try {
      await support.graphql('mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { __typename } }', { input: { organizationId: fabrikam, name: 'Renamed' } });
    } finally {
      await repair();
    }
    expect((await app.db.organization.findUniqueOrThrow({ where: { id: localIdOf(fabrikam) } })).name).toBe(DEMO.fabrikam);
  });
});

describe('contents', () => {
  it('records who acted, as which profile and role, on whom, with before and after', async () => {
    const jamie = await profileId(app.db, DEMO.fabrikam, 'jamie@fabrikam.example');
    expect(typename(await alex.graphql('mutation($id: ID!) { setAdministrator(profileId: $id, isAdministrator: true) { __typename } }', { id: jamie }), 'setAdministrator')).toBe('SetAdministratorSuccess');
    const res = await alex.graphql<{ organization: { auditEvents: { edges: { node: EventNode }[] } } }>(EVENTS, { id: fabrikam, first: 1 });
    const event = res.data!.organization.auditEvents.edges[0]!.node;
    expect(event).toMatchObject({
      action: 'PROFILE_GRANT_ADMINISTRATOR',
      actorDisplayName: 'Alex Admin',
      actorRole: 'ADMIN',
      organization: { name: DEMO.fabrikam },
      targetProfile: { email: 'jamie@fabrikam.example' },
      summary: 'Alex Admin made Jamie Jones an administrator of Fabrikam Ltd',
    });
    expect(JSON.parse(event.before!)).toEqual({ isAdministrator: false });
    expect(JSON.parse(event.after!)).toEqual({ isAdministrator: true });
    const row = await app.db.auditEvent.findUniqueOrThrow({ where: { id: localIdOf(event.id) }, include: { actorIdentity: true, actorProfile: true } });
    expect(row.actorIdentity?.email).toBe('alex@fabrikam.example');
    expect(row.actorProfile?.email).toBe('alex@fabrikam.example');
    await alex.graphql('mutation($id: ID!) { setAdministrator(profileId: $id, isAdministrator: false) { __typename } }', { id: jamie });
  });

  it('names the role the actor had: partner administrator and vendor support', async () => {
    const pat = await app.signedIn('pat@blueyonder.example');
    const support = await app.signedIn('support@northwind.example');
    await pat.graphql('mutation($input: AddProfessionalInput!) { addProfessional(input: $input) { __typename } }', { input: { organizationId: fabrikam, ...professional({ email: 'by-partner@fabrikam.example' }), sendInvitation: false } });
    await support.graphql('mutation($input: AddProfessionalInput!) { addProfessional(input: $input) { __typename } }', { input: { organizationId: fabrikam, ...professional({ email: 'by-support@fabrikam.example' }), sendInvitation: false } });
    const events = await app.db.auditEvent.findMany({ where: { action: 'profile.add', targetProfile: { email: { in: ['by-partner@fabrikam.example', 'by-support@fabrikam.example'] } } }, select: { actorRole: true, actorDisplayName: true, targetProfile: { select: { email: true } } } });
    expect(events.map((e) => [e.targetProfile?.email, e.actorRole, e.actorDisplayName]).sort()).toEqual([
      ['by-partner@fabrikam.example', 'PARTNER', 'Pat Partner'],
      ['by-support@fabrikam.example', 'SUPPORT', 'Sam Support'],
    ]);
  });

  it('lists the events of an organization newest first, page by page', async () => {
    const org = await createCustomer(app.db, { people: [{ email: 'boss@log.example', isAdministrator: true }] });
    const support = await app.signedIn('support@northwind.example');
    for (const email of ['first@log.example', 'second@log.example', 'third@log.example']) {
      await support.graphql('mutation($input: AddProfessionalInput!) { addProfessional(input: $input) { __typename } }', { input: { organizationId: org.relayId, ...professional({ email }), sendInvitation: false } });
    }
    const page1 = await support.graphql<{ organization: { auditEvents: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: EventNode }[] } } }>(EVENTS, { id: org.relayId, first: 2 });
    const { pageInfo, edges } = page1.data!.organization.auditEvents;
    const page2 = await support.graphql<{ organization: { auditEvents: { edges: { node: EventNode }[] } } }>(EVENTS, { id: org.relayId, first: 2, after: pageInfo.endCursor });
    expect(pageInfo.hasNextPage).toBe(true);
    expect([...edges, ...page2.data!.organization.auditEvents.edges].map((e) => e.node.targetProfile?.email)).toEqual(['third@log.example', 'second@log.example', 'first@log.example']);
  });
});
