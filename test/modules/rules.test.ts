// The rules that broke in real use, each replayed through the product's own operations (issue: every rule holds).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDate } from '../../server/format.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createCustomer, DEMO, localIdOf, organizationId, professional, profileId } from '../helpers/factories.js';
import { mailTo, tokenFrom } from '../helpers/mail.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { LINK_REQUEST_MIN_MS: '0', OUTBOX_POLL_MS: '50' } });
});
afterAll(async () => {
  await app?.close();
});

const ADD = `mutation ($input: AddProfessionalInput!) { addProfessional(input: $input) { __typename
  ... on AddProfessionalSuccess { profile { id } } ... on Error { code message } } }`;
const VIEWER = '{ viewer { signedIn currentProfile { id } currentProfileError { code message } } }';
const PREVIEW = 'query ($token: String!) { associationPreview(token: $token) { valid error { code message } } }';
const ASSOCIATE = 'mutation ($token: String!) { associateIdentity(token: $token) { __typename ... on Error { code } } }';

describe('R1: a session acting as a customer profile loses it the day after the plan ends', () => {
  it('acts on the plan\'s last day, is refused with SERVICE_PLAN_INACTIVE the next day, and viewer says why', async () => {
    const org = await createCustomer(app.db, { people: [{ email: 'lapsing-admin@r1.example', isAdministrator: true }] });
    const identity = await app.signedIn('lapsing-admin@r1.example');
    // Linked as an invitation would link it, then chosen in this session (before the plan ends).
    const admin = await app.db.identity.findFirstOrThrow({ where: { email: 'lapsing-admin@r1.example' } });
    await app.db.profile.update({ where: { id: localIdOf(org.profiles['lapsing-admin@r1.example']!) }, data: { identityId: admin.id } });
    const selected = await identity.graphql<any>('mutation ($id: ID!) { selectProfile(profileId: $id) { __typename } }', { id: org.profiles['lapsing-admin@r1.example'] });
    expect(selected.data.selectProfile.__typename).toBe('SelectProfileSuccess');
    const today = app.services.now().toISOString().slice(0, 10);
    await app.db.servicePlan.updateMany({ where: { organizationId: org.id }, data: { endsOn: today } });

    const lastDay = await identity.graphql<any>(ADD, { input: { organizationId: org.relayId, ...professional() } });
    expect(lastDay.data.addProfessional.__typename).toBe('AddProfessionalSuccess');

    app.travelDays(1);
    try {
      const refused = await identity.graphql<any>(ADD, { input: { organizationId: org.relayId, ...professional() } });
      expect(refused.data.addProfessional).toMatchObject({ __typename: 'ServicePlanInactiveError', code: 'SERVICE_PLAN_INACTIVE' });
      expect(refused.data.addProfessional.message).toContain(formatDate(today));
      const viewer = await identity.graphql<any>(VIEWER);
      expect(viewer.data.viewer).toMatchObject({ signedIn: true, currentProfile: null, currentProfileError: { code: 'SERVICE_PLAN_INACTIVE' } });
    } finally {
      app.travelDays(-1);
    }
  });
});

describe('R6: a removed profile\'s link says PROFILE_REMOVED, not REVOKED', () => {
  it('after removeProfile, opening and redeeming the invitation both answer PROFILE_REMOVED', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const person = professional();
    const mail = mailTo(app.mailCatcher!, person.email);
    const added = await alex.graphql<any>(ADD, { input: { organizationId: await organizationId(app.db, DEMO.fabrikam), ...person } });
    const token = tokenFrom(await mail);
    const removed = await alex.graphql<any>('mutation ($id: ID!) { removeProfile(profileId: $id) { __typename } }', { id: added.data.addProfessional.profile.id });
    expect(removed.data.removeProfile.__typename).toBe('RemoveProfileSuccess');

    const preview = await app.client().graphql<any>(PREVIEW, { token });
    expect(preview.data.associationPreview).toMatchObject({ valid: false, error: { code: 'PROFILE_REMOVED' } });
    const stranger = await app.signedIn('someone-else@r6.example');
    expect((await stranger.graphql<any>(ASSOCIATE, { token })).data.associateIdentity).toMatchObject({ __typename: 'ProfileRemovedError', code: 'PROFILE_REMOVED' });
  });
});

describe('R3: only a change that takes away the last administrator fails', () => {
  it('in an organization that already lacks an administrator, renaming someone succeeds; demoting the last one elsewhere fails', async () => {
    const leaderless = await createCustomer(app.db, { people: [{ email: 'one@r3.example' }, { email: 'two@r3.example' }] });
    const support = await app.signedIn('support@northwind.example');
    const renamed = await support.graphql<any>(
      'mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { __typename ... on Error { code } } }',
      { input: { profileId: leaderless.profiles['one@r3.example'], givenName: 'Renamed' } },
    );
    expect(renamed.data.updateProfile.__typename).toBe('UpdateProfileSuccess');

    const led = await createCustomer(app.db, { people: [{ email: 'boss@r3.example', isAdministrator: true }, { email: 'staff@r3.example' }] });
    const demoted = await support.graphql<any>('mutation ($id: ID!) { setAdministrator(profileId: $id, isAdministrator: false) { __typename ... on Error { code } } }', {
      id: led.profiles['boss@r3.example'],
    });
    expect(demoted.data.setAdministrator.code).toBe('LAST_ADMINISTRATOR');
  });

  it('updateMyProfile in an organization without an administrator answers, never an internal error', async () => {
    const leaderless = await createCustomer(app.db, { people: [{ email: 'alone@r3.example' }] });
    const identity = await app.signedIn('alone@r3.example');
    const me = await app.db.identity.findFirstOrThrow({ where: { email: 'alone@r3.example' } });
    await app.db.profile.update({ where: { id: localIdOf(leaderless.profiles['alone@r3.example']!) }, data: { identityId: me.id } });
    await identity.graphql('mutation ($id: ID!) { selectProfile(profileId: $id) { __typename } }', { id: leaderless.profiles['alone@r3.example'] });
    const res = await identity.graphql<any>('mutation { updateMyProfile(input: { familyName: "Renamed" }) { __typename } }');
    expect(res.errors).toBeUndefined();
    expect(res.data.updateMyProfile.__typename).toBe('UpdateMyProfileSuccess');
  });
});

describe('the takeover through an unconfirmed e-mail change', () => {
  const UPDATE_ME = 'mutation ($email: String!) { updateMyProfile(input: { email: $email }) { __typename ... on UpdateMyProfileSuccess { profile { email pendingEmail } } } }';

  it('fails at the first step that needs the new address: the re-link e-mail goes to the confirmed address, which is also told', async () => {
    const jamie = await app.signedIn('jamie@fabrikam.example');
    const notice = mailTo(app.mailCatcher!, 'jamie@fabrikam.example', /about to change/);
    const changed = await jamie.graphql<any>(UPDATE_ME, { email: 'attacker@outside.example' });
    expect(changed.data.updateMyProfile.profile).toEqual({ email: 'jamie@fabrikam.example', pendingEmail: 'attacker@outside.example' });
    expect((await notice).text).toMatch(/attacker@outside\.example/);

    const relink = mailTo(app.mailCatcher!, 'jamie@fabrikam.example', /Link another account/);
    const sent = await jamie.graphql<any>('mutation { sendMyAssociationEmail { __typename ... on SendMyAssociationEmailSuccess { invitation { sentTo } } } }');
    expect(sent.data.sendMyAssociationEmail.invitation.sentTo).toBe('jamie@fabrikam.example');
    await relink;
    const atAttacker = app.mailCatcher!.messages().filter((m) => m.to.includes('attacker@outside.example'));
    expect(atAttacker.map((m) => m.subject)).toEqual([expect.stringMatching(/Confirm your new e-mail/)]);
    expect(atAttacker.every((m) => !m.text.includes('/account/associate/'))).toBe(true);
  });

  it('an administrator cannot move a linked colleague to another address either; the colleague can stop it', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const casey = await profileId(app.db, DEMO.fabrikam, 'casey@shared.example');
    const notice = mailTo(app.mailCatcher!, 'casey@shared.example', /about to change/);
    const res = await alex.graphql<any>('mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { ... on UpdateProfileSuccess { profile { email pendingEmail } } } }', {
      input: { profileId: casey, email: 'elsewhere@outside.example', sendInvitation: true },
    });
    expect(res.data.updateProfile.profile).toEqual({ email: 'casey@shared.example', pendingEmail: 'elsewhere@outside.example' });
    const cancel = /#cancel=([A-Za-z0-9_-]{43})/.exec((await notice).text)![1]!;
    const stopped = await app.client().graphql<any>('mutation ($token: String!) { cancelEmailChange(token: $token) { __typename ... on CancelEmailChangeSuccess { email } } }', { token: cancel });
    expect(stopped.data.cancelEmailChange).toEqual({ __typename: 'CancelEmailChangeSuccess', email: 'casey@shared.example' });
    const after = await alex.graphql<any>('query ($id: ID!) { node(id: $id) { ... on Profile { email pendingEmail } } }', { id: casey });
    expect(after.data.node).toEqual({ email: 'casey@shared.example', pendingEmail: null });
  });
});

describe('links are secrets only until sent', () => {
  it('after a journey, no token that was e-mailed is left in any stored e-mail', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const person = professional();
    const mail = mailTo(app.mailCatcher!, person.email);
    await alex.graphql(ADD, { input: { organizationId: await organizationId(app.db, DEMO.fabrikam), ...person } });
    const token = tokenFrom(await mail);
    const newcomer = await app.signedIn(person.email);
    expect((await newcomer.graphql<any>(ASSOCIATE, { token })).data.associateIdentity.__typename).toBe('AssociateIdentitySuccess');

    const tokens = app.mailCatcher!.messages().flatMap((m) => [...m.text.matchAll(/#(?:token|cancel)=([A-Za-z0-9_-]{43})/g)].map((x) => x[1]!));
    expect(tokens).toContain(token);
    // Wait until the outbox has marked everything sent, then look at every stored body.
    await expect.poll(() => app.db.outboxEmail.count({ where: { status: { notIn: ['SENT', 'FAILED'] } } }), { timeout: 10_000 }).toBe(0);
    const stored = (await app.db.outboxEmail.findMany({ select: { text: true, html: true } })).map((r) => r.text + r.html).join('\n');
    for (const t of tokens) expect(stored.includes(t), `token ${t.slice(0, 6)}… still stored`).toBe(false);
  });
});
