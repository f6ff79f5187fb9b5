// R2 (the first profile becomes administrator) and R3 (never people without an administrator), including two
// demotions racing for the last two administrators, on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createPostgresDatabase, describeOnPostgres } from '../../helpers/db.js';
import { createCustomer, DEMO, localIdOf, organizationId, professional, profileId, typename } from '../../helpers/factories.js';
import type { HttpClient } from '../../helpers/http-client.js';

const ADD = `mutation($input: AddProfessionalInput!) { addProfessional(input: $input) {
  __typename ... on AddProfessionalSuccess { profile { id isAdministrator } } ... on Error { code message } } }`;
const ADD_MANY = `mutation($id: ID!, $list: [NewProfessionalInput!]!) { addProfessionals(organizationId: $id, professionals: $list, sendInvitations: false) {
  __typename ... on AddProfessionalsSuccess { results { index profile { email isAdministrator } error { code } } } } }`;
const SET_ADMIN = `mutation($id: ID!, $on: Boolean!) { setAdministrator(profileId: $id, isAdministrator: $on) {
  __typename ... on LastAdministratorError { code organizationName message } } }`;
const REMOVE = 'mutation($id: ID!) { removeProfile(profileId: $id) { __typename ... on Error { code } } }';
const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) {
  __typename ... on UpdateProfileSuccess { profile { email isAdministrator status } } ... on Error { code } } }`;
const DESIGNATE = `mutation($org: ID!, $id: ID!, $replacing: ID) { designateAdministrator(organizationId: $org, profileId: $id, replacingProfileId: $replacing) {
  __typename ... on DesignateAdministratorSuccess { profile { isAdministrator } } ... on Error { code message } } }`;

async function administrators(app: TestApp, organizationId: string): Promise<string[]> {
  const rows = await app.db.profile.findMany({ where: { organizationId, status: 'ACTIVE', isAdministrator: true }, select: { email: true }, orderBy: { email: 'asc' } });
  return rows.map((r) => r.email);
}

/** The same rules on each database the service runs on. */
function rulesOn(database: 'SQLite' | 'PostgreSQL') {
  // SQLite's adapter runs one transaction at a time, so a race cannot happen there: those runs are smoke tests.
  const smoke = database === 'SQLite' ? ' (smoke test on SQLite; the race is real on PostgreSQL)' : '';
  let app: TestApp;
  let support: HttpClient;

  beforeAll(async () => {
    app = await startTestApp(database === 'PostgreSQL' ? { database: await createPostgresDatabase() } : {});
    support = await app.signedIn('support@northwind.example');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('makes the first profile added to an organization without an administrator its administrator, and only that one', async () => {
    const org = await createCustomer(app.db);
    const first = await support.graphql<{ addProfessional: { profile: { isAdministrator: boolean } } }>(ADD, { input: { organizationId: org.relayId, ...professional(), sendInvitation: false } });
    const second = await support.graphql<{ addProfessional: { profile: { isAdministrator: boolean } } }>(ADD, { input: { organizationId: org.relayId, ...professional(), sendInvitation: false } });
    expect(first.data?.addProfessional.profile.isAdministrator).toBe(true);
    expect(second.data?.addProfessional.profile.isAdministrator).toBe(false);
  });

  it('in a bulk add to an organization without an administrator, makes the first valid row the administrator', async () => {
    const org = await createCustomer(app.db);
    const res = await support.graphql<{ addProfessionals: { results: { profile: { isAdministrator: boolean } | null; error: { code: string } | null }[] } }>(ADD_MANY, {
      id: org.relayId,
      list: [professional({ email: 'not an address' }), professional(), professional()],
    });
    expect(res.data?.addProfessionals.results.map((r) => r.error?.code ?? r.profile?.isAdministrator)).toEqual(['INVALID_INPUT', true, false]);
  });

  it('refuses to revoke the last active administrator while people remain, and changes nothing', async () => {
    const org = await createCustomer(app.db, { people: [{ email: 'boss@a.example', isAdministrator: true }, { email: 'staff@a.example' }] });
    const res = await support.graphql<{ setAdministrator: { __typename: string; code: string; organizationName: string } }>(SET_ADMIN, { id: org.profiles['boss@a.example'], on: false });
    expect(res.data?.setAdministrator).toMatchObject({ __typename: 'LastAdministratorError', code: 'LAST_ADMINISTRATOR' });
    expect(await administrators(app, org.id)).toEqual(['boss@a.example']);
    expect(await app.db.auditEvent.count({ where: { organizationId: org.id } })).toBe(0);
  });

  it('lets an administrator be revoked once another one exists', async () => {
    const org = await createCustomer(app.db, { people: [{ email: 'boss@b.example', isAdministrator: true }, { email: 'staff@b.example' }] });
    expect(typename(await support.graphql(SET_ADMIN, { id: org.profiles['staff@b.example'], on: true }), 'setAdministrator')).toBe('SetAdministratorSuccess');
    expect(typename(await support.graphql(SET_ADMIN, { id: org.profiles['boss@b.example'], on: false }), 'setAdministrator')).toBe('SetAdministratorSuccess');
    expect(await administrators(app, org.id)).toEqual(['staff@b.example']);
  });

  it('refuses to remove the last administrator while people remain, and allows it once they are gone', async () => {
    const org = await createCustomer(app.db, { people: [{ email: 'boss@c.example', isAdministrator: true }, { email: 'staff@c.example' }] });
    expect(typename(await support.graphql(REMOVE, { id: org.profiles['boss@c.example'] }), 'removeProfile')).toBe('LastAdministratorError');
    expect(await administrators(app, org.id)).toEqual(['boss@c.example']);
    expect(typename(await support.graphql(REMOVE, { id: org.profiles['staff@c.example'] }), 'removeProfile')).toBe('RemoveProfileSuccess');
    expect(typename(await support.graphql(REMOVE, { id: org.profiles['boss@c.example'] }), 'removeProfile')).toBe('RemoveProfileSuccess');
  });

  it("keeps the last administrator an administrator when their e-mail changes (the address is not what makes one)", async () => {
    const org = await createCustomer(app.db, { people: [{ email: 'boss@d.example', isAdministrator: true }, { email: 'staff@d.example' }] });
    const res = await support.graphql<{ updateProfile: { profile: unknown } }>(UPDATE, { input: { profileId: org.profiles['boss@d.example'], email: 'Chief@D.example' } });
    expect(res.data?.updateProfile.profile).toEqual({ email: 'chief@d.example', isAdministrator: true, status: 'ACTIVE' });
    expect(await administrators(app, org.id)).toEqual(['chief@d.example']);
    // Still the one administrator R3 protects: demoting them now fails.
    expect(typename(await support.graphql(SET_ADMIN, { id: org.profiles['boss@d.example'], on: false }), 'setAdministrator')).toBe('LastAdministratorError');
  });

  it('lets vendor support designate an administrator for an organization that has none left', async () => {
    const org = await createCustomer(app.db, { people: [{ email: 'left@e.example', isAdministrator: true, status: 'REMOVED' }, { email: 'staff@e.example' }] });
    const res = await support.graphql<{ designateAdministrator: { __typename: string } }>(DESIGNATE, { org: org.relayId, id: org.profiles['staff@e.example'] });
    expect(res.data?.designateAdministrator).toEqual({ __typename: 'DesignateAdministratorSuccess', profile: { isAdministrator: true } });
    expect(await administrators(app, org.id)).toEqual(['staff@e.example']);
  });

  it('lets vendor support replace the last administrator in one call', async () => {
    const org = await createCustomer(app.db, { people: [{ email: 'old@f.example', isAdministrator: true }, { email: 'new@f.example' }] });
    const res = await support.graphql(DESIGNATE, { org: org.relayId, id: org.profiles['new@f.example'], replacing: org.profiles['old@f.example'] });
    expect(typename(res, 'designateAdministrator')).toBe('DesignateAdministratorSuccess');
    expect(await administrators(app, org.id)).toEqual(['new@f.example']);
    const actions = await app.db.auditEvent.findMany({ where: { organizationId: org.id }, select: { action: true }, orderBy: { at: 'asc' } });
    expect(actions.map((a) => a.action).sort()).toEqual(['profile.designateAdministrator', 'profile.revokeAdministrator']);
  });

  it('refuses to designate a profile of another organization', async () => {
    const org = await createCustomer(app.db, { people: [{ email: 'staff@g.example' }] });
    const alex = await profileId(app.db, DEMO.fabrikam, 'alex@fabrikam.example');
    const res = await support.graphql<{ designateAdministrator: { code: string } }>(DESIGNATE, { org: org.relayId, id: alex });
    expect(res.data?.designateAdministrator.code).toBe('INVALID_INPUT');
  });

  it(`lets exactly one of two concurrent demotions of the last two administrators succeed${smoke}`, async () => {
    for (let round = 0; round < 3; round++) {
      const org = await createCustomer(app.db, {
        people: [{ email: `one${round}@h.example`, isAdministrator: true }, { email: `two${round}@h.example`, isAdministrator: true }, { email: `staff${round}@h.example` }],
      });
      const results = await Promise.all([
        support.graphql(SET_ADMIN, { id: org.profiles[`one${round}@h.example`], on: false }),
        support.graphql(SET_ADMIN, { id: org.profiles[`two${round}@h.example`], on: false }),
      ]);
      expect(results.map((r) => typename(r, 'setAdministrator')).sort()).toEqual(['LastAdministratorError', 'SetAdministratorSuccess']);
      expect(await administrators(app, org.id)).toHaveLength(1);
    }
  });

  it(`lets exactly one of a concurrent demotion and removal of the last two administrators succeed${smoke}`, async () => {
    const org = await createCustomer(app.db, { people: [{ email: 'one@i.example', isAdministrator: true }, { email: 'two@i.example', isAdministrator: true }, { email: 'staff@i.example' }] });
    const results = await Promise.all([
      support.graphql(SET_ADMIN, { id: org.profiles['one@i.example'], on: false }),
      support.graphql(REMOVE, { id: org.profiles['two@i.example'] }),
    ]);
    expect([typename(results[0]!, 'setAdministrator'), typename(results[1]!, 'removeProfile')].filter((t) => t === 'LastAdministratorError')).toHaveLength(1);
    expect(await administrators(app, org.id)).toHaveLength(1);
  });

  it('lets a customer administrator hand over to a colleague and step down', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const fabrikam = await organizationId(app.db, DEMO.fabrikam);
    const jamie = await profileId(app.db, DEMO.fabrikam, 'jamie@fabrikam.example');
    const self = await profileId(app.db, DEMO.fabrikam, 'alex@fabrikam.example');
    expect(typename(await alex.graphql(SET_ADMIN, { id: self, on: false }), 'setAdministrator')).toBe('LastAdministratorError');
    expect(typename(await alex.graphql(SET_ADMIN, { id: jamie, on: true }), 'setAdministrator')).toBe('SetAdministratorSuccess');
    expect(typename(await alex.graphql(SET_ADMIN, { id: self, on: false }), 'setAdministrator')).toBe('SetAdministratorSuccess');
    expect(await administrators(app, localIdOf(fabrikam))).toEqual(['jamie@fabrikam.example']);
  });
}

describe('administrator rules on SQLite', () => {
  rulesOn('SQLite');
});

await describeOnPostgres('administrator rules on PostgreSQL', () => {
  rulesOn('PostgreSQL');
});
