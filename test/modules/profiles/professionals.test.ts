// Adding and administering professionals (flow 6): normalised input, duplicates, bulk results, invitations,
// e-mail changes, removal and unlinking with their effects on sessions and links.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createCustomer, DEMO, localIdOf, organizationId, professional, profileId, typename } from '../../helpers/factories.js';
import type { HttpClient } from '../../helpers/http-client.js';

const ADD = `mutation($input: AddProfessionalInput!) { addProfessional(input: $input) {
  __typename ... on AddProfessionalSuccess { profile { id email givenName familyName status associationStatus } } ... on Error { code message } ... on InvalidInputError { field } } }`;
const ADD_MANY = `mutation($id: ID!, $list: [NewProfessionalInput!]!, $send: Boolean) { addProfessionals(organizationId: $id, professionals: $list, sendInvitations: $send) {
  __typename ... on Error { code message }
  ... on AddProfessionalsSuccess { addedCount failedCount results { index line profile { email } error { __typename code message } } } } }`;
const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) {
  __typename ... on UpdateProfileSuccess { profile { email givenName associationStatus } } ... on Error { code message } } }`;

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

async function pendingLinks(relayProfileId: string) {
  return app.db.invitation.count({ where: { profileId: localIdOf(relayProfileId), acceptedAt: null, revokedAt: null, replacedAt: null } });
}

describe('addProfessional', () => {
  it('stores the e-mail trimmed and lower-cased and e-mails an invitation in the same transaction', async () => {
    const res = await alex.graphql<{ addProfessional: { profile: { id: string; email: string; associationStatus: string } } }>(ADD, {
      input: { organizationId: fabrikam, givenName: '  Dana ', familyName: 'Doe', email: '  Dana.Doe@Fabrikam.EXAMPLE ' },
    });
    const profile = res.data!.addProfessional.profile;
    expect(profile).toMatchObject({ email: 'dana.doe@fabrikam.example', givenName: 'Dana', associationStatus: 'INVITED' });
    const row = await app.db.profile.findUniqueOrThrow({ where: { id: localIdOf(profile.id) } });
    expect(row.activeEmail).toBe('dana.doe@fabrikam.example');
    expect(await app.db.outboxEmail.count({ where: { to: 'dana.doe@fabrikam.example' } })).toBe(1);
  });

  it('sends nothing when told not to, and the profile is NOT_LINKED', async () => {
    const res = await alex.graphql<{ addProfessional: { profile: { associationStatus: string } } }>(ADD, {
      input: { organizationId: fabrikam, ...professional({ email: 'quiet@fabrikam.example' }), sendInvitation: false },
    });
    expect(res.data?.addProfessional.profile.associationStatus).toBe('NOT_LINKED');
    expect(await app.db.outboxEmail.count({ where: { to: 'quiet@fabrikam.example' } })).toBe(0);
  });

  it('refuses a second active profile with the same e-mail in the organization (R4)', async () => {
    const res = await alex.graphql<{ addProfessional: { code: string } }>(ADD, { input: { organizationId: fabrikam, ...professional({ email: 'JAMIE@fabrikam.example' }) } });
    expect(res.data?.addProfessional).toMatchObject({ __typename: 'DuplicateEmailError', code: 'DUPLICATE_EMAIL' });
  });

  it('names the field of an invalid e-mail or name', async () => {
    const email = await alex.graphql<{ addProfessional: { field: string } }>(ADD, { input: { organizationId: fabrikam, ...professional({ email: 'a@b.example, c@d.example' }) } });
    const name = await alex.graphql<{ addProfessional: { field: string } }>(ADD, { input: { organizationId: fabrikam, ...professional({ familyName: '  ' }) } });
    expect(email.data?.addProfessional).toMatchObject({ code: 'INVALID_INPUT', field: 'email' });
    expect(name.data?.addProfessional).toMatchObject({ code: 'INVALID_INPUT', field: 'familyName' });
  });

  it("frees a removed profile's e-mail for a new profile", async () => {
    const first = await alex.graphql<{ addProfessional: { profile: { id: string } } }>(ADD, { input: { organizationId: fabrikam, ...professional({ email: 'again@fabrikam.example' }), sendInvitation: false } });
    await alex.graphql('mutation($id: ID!) { removeProfile(profileId: $id) { __typename } }', { id: first.data!.addProfessional.profile.id });
    const second = await alex.graphql(ADD, { input: { organizationId: fabrikam, ...professional({ email: 'again@fabrikam.example' }), sendInvitation: false } });
    expect(typename(second, 'addProfessional')).toBe('AddProfessionalSuccess');
  });
});

describe('addProfessionals', () => {
  it('adds the valid rows and gives every row its own result, in order', async () => {
    const org = await createCustomer(app.db, { people: [{ email: 'taken@bulk.example', isAdministrator: true }] });
    const support = await app.signedIn('support@northwind.example');
    const res = await support.graphql<{ addProfessionals: { addedCount: number; failedCount: number; results: { index: number; line: number; profile: { email: string } | null; error: { __typename: string; code: string; message: string } | null }[] } }>(ADD_MANY, {
      id: org.relayId,
      send: false,
      list: [
        professional({ email: 'one@bulk.example' }),
        professional({ email: 'not-an-address' }),
        professional({ email: 'TAKEN@bulk.example' }),
        professional({ email: ' One@Bulk.example' }),
        professional({ givenName: '' }),
        professional({ email: 'two@bulk.example' }),
      ],
    });
    const { results, addedCount, failedCount } = res.data!.addProfessionals;
    expect(results.map((r) => [r.line, r.profile?.email ?? r.error?.code])).toEqual([
      [1, 'one@bulk.example'],
      [2, 'INVALID_INPUT'],
      [3, 'DUPLICATE_EMAIL'],
      [4, 'DUPLICATE_EMAIL'],
      [5, 'INVALID_INPUT'],
      [6, 'two@bulk.example'],
    ]);
    expect(results[3]!.error!.message).toMatch(/row 1 of this list/);
    expect([addedCount, failedCount]).toEqual([2, 4]);
    expect(await app.db.profile.count({ where: { organizationId: org.id } })).toBe(3);
    expect(await app.db.auditEvent.count({ where: { organizationId: org.id, action: 'profile.add' } })).toBe(2);
  });

  it('sends one invitation per added profile when asked', async () => {
    const org = await createCustomer(app.db, { people: [{ email: 'boss@invite.example', isAdministrator: true }] });
    const support = await app.signedIn('support@northwind.example');
    await support.graphql(ADD_MANY, { id: org.relayId, list: [professional({ email: 'a@invite.example' }), professional({ email: 'b@invite.example' })] });
    expect(await app.db.invitation.count({ where: { profile: { organizationId: org.id } } })).toBe(2);
    expect(await app.db.outboxEmail.count({ where: { to: { in: ['a@invite.example', 'b@invite.example'] } } })).toBe(2);
  });

  it('refuses more than 1,000 rows at once', async () => {
    const list = Array.from({ length: 1001 }, (_, i) => ({ givenName: 'A', familyName: 'B', email: `p${i}@many.example` }));
    const res = await alex.graphql<{ addProfessionals: { __typename: string; code: string } }>(ADD_MANY, { id: fabrikam, list, send: false });
    expect(res.data?.addProfessionals).toMatchObject({ __typename: 'InvalidInputError', code: 'INVALID_INPUT' });
    expect(await app.db.profile.count({ where: { email: 'p0@many.example' } })).toBe(0);
  });
});

describe('updateProfile', () => {
  it('an e-mail change revokes the links sent to the old address and can send a new one in the same call', async () => {
    const added = await alex.graphql<{ addProfessional: { profile: { id: string } } }>(ADD, { input: { organizationId: fabrikam, ...professional({ email: 'old@fabrikam.example' }) } });
    const id = added.data!.addProfessional.profile.id;
    const oldLink = await app.db.invitation.findFirstOrThrow({ where: { profileId: localIdOf(id) } });
    const res = await alex.graphql<{ updateProfile: { profile: { email: string; associationStatus: string } } }>(UPDATE, { input: { profileId: id, email: 'New@Fabrikam.example', sendInvitation: true } });
    expect(res.data?.updateProfile.profile).toMatchObject({ email: 'new@fabrikam.example', associationStatus: 'INVITED' });
    expect((await app.db.invitation.findUniqueOrThrow({ where: { id: oldLink.id } })).revokedAt).not.toBeNull();
    expect(await app.db.invitation.findFirst({ where: { profileId: localIdOf(id), revokedAt: null }, select: { sentTo: true } })).toEqual({ sentTo: 'new@fabrikam.example' });
  });

  it('an e-mail change without sendInvitation leaves no usable link', async () => {
    const added = await alex.graphql<{ addProfessional: { profile: { id: string } } }>(ADD, { input: { organizationId: fabrikam, ...professional() } });
    const id = added.data!.addProfessional.profile.id;
    const res = await alex.graphql<{ updateProfile: { profile: { associationStatus: string } } }>(UPDATE, { input: { profileId: id, email: `moved.${Date.now()}@fabrikam.example` } });
    expect(res.data?.updateProfile.profile.associationStatus).toBe('NOT_LINKED');
    expect(await pendingLinks(id)).toBe(0);
  });

  it('refuses an e-mail another active profile of the organization has', async () => {
    const morgan = await profileId(app.db, DEMO.fabrikam, 'morgan@fabrikam.example');
    const res = await alex.graphql<{ updateProfile: { code: string } }>(UPDATE, { input: { profileId: morgan, email: 'jamie@fabrikam.example' } });
    expect(res.data?.updateProfile.code).toBe('DUPLICATE_EMAIL');
    expect((await app.db.profile.findUniqueOrThrow({ where: { id: localIdOf(morgan) } })).email).toBe('morgan@fabrikam.example');
  });
});

describe('removeProfile and unlinkIdentity', () => {
  it('removal is soft, frees the e-mail, ends the sessions acting as the profile, and its links then read PROFILE_REMOVED', async () => {
    const org = await createCustomer(app.db, { people: [{ email: 'boss@rm.example', isAdministrator: true }] });
    const support = await app.signedIn('support@northwind.example');
    const added = await support.graphql<{ addProfessional: { profile: { id: string } } }>(ADD, { input: { organizationId: org.relayId, ...professional({ email: 'leaving@rm.example' }) } });
    const id = added.data!.addProfessional.profile.id;
    // A session acting as the profile, as a sign-in would leave it.
    const identity = await app.db.identity.create({ data: { provider: 'personal', issuer: 'test', subject: 'leaving', email: 'leaving@rm.example' } });
    await app.db.profile.update({ where: { id: localIdOf(id) }, data: { identityId: identity.id } });
    await app.db.session.create({ data: { id: 'leaving-session', identityId: identity.id, currentProfileId: localIdOf(id), data: '{}', expiresAt: new Date(Date.now() + 3_600_000) } });

    const res = await support.graphql<{ removeProfile: { profile: { status: string; email: string } } }>('mutation($id: ID!) { removeProfile(profileId: $id) { ... on RemoveProfileSuccess { profile { status email } } } }', { id });
    expect(res.data?.removeProfile.profile).toEqual({ status: 'REMOVED', email: 'leaving@rm.example' });
    const row = await app.db.profile.findUniqueOrThrow({ where: { id: localIdOf(id) } });
    expect(row.activeEmail).toBeNull();
    expect(row.removedAt).not.toBeNull();
    expect(await app.db.session.count({ where: { id: 'leaving-session' } })).toBe(0);
    const latest = await support.graphql<any>('query($id: ID!) { node(id: $id) { ... on Profile { latestInvitation { state } } } }', { id });
    expect(latest.data.node.latestInvitation.state).toBe('PROFILE_REMOVED');
  });

  it("unlinking ends the sessions acting as the profile and leaves the person's other profiles alone", async () => {
    const casey = await app.signedIn('casey@shared.example');
    const wideWorld = await profileId(app.db, DEMO.wideWorld, 'casey@shared.example');
    await casey.graphql('mutation($id: ID!) { selectProfile(profileId: $id) { __typename } }', { id: wideWorld });
    const before = await casey.graphql<{ viewer: { currentProfile: { id: string } | null } }>('{ viewer { currentProfile { id } } }');
    expect(before.data?.viewer.currentProfile?.id).toBe(wideWorld);

    const robin = await app.signedIn('robin@wideworld.example', 'work');
    const res = await robin.graphql<{ unlinkIdentity: { profile: { associatedIdentity: unknown; associationStatus: string } } }>(
      'mutation($id: ID!) { unlinkIdentity(profileId: $id) { ... on UnlinkIdentitySuccess { profile { associatedIdentity { id } associationStatus } } } }',
      { id: wideWorld },
    );
    expect(res.data?.unlinkIdentity.profile).toEqual({ associatedIdentity: null, associationStatus: 'NOT_LINKED' });
    const after = await casey.graphql<{ viewer: { signedIn: boolean } }>('{ viewer { signedIn } }');
    expect(after.data?.viewer.signedIn).toBe(false);
    const fabrikamCasey = await app.db.profile.findFirstOrThrow({ where: { email: 'casey@shared.example', organization: { name: DEMO.fabrikam } } });
    expect(fabrikamCasey.identityId).not.toBeNull();
  });
});
