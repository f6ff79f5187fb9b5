// The viewer cache never serves what the database would no longer answer: one test per thing that changes a
// viewer. Each first proves the viewer is served from the cache (a hit), then changes it the way the product does,
// then asks again with the same cookie.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DEMO, organizationId, professional, profileId } from '../helpers/factories.js';
import type { HttpClient } from '../helpers/http-client.js';
import { mailTo, tokenFrom } from '../helpers/mail.js';
import { keptViewer } from '../helpers/viewer-cache.js';

const VIEWER = `{ viewer { signedIn isSupport identity { email displayName }
  currentProfile { id displayName isAdministrator organization { name hasActiveServicePlan } }
  currentProfileError { code }
  profiles { id displayName usable organization { name } } } }`;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});
afterEach(() => {
  vi.useRealTimers();
});

/** The viewer as `client` sees it, once its whole answer comes back from the cache. */
const cachedViewer = (client: HttpClient) => keptViewer(app, client, VIEWER);

/** A request carrying exactly this Cookie header (a copy kept from before a change). */
async function viewerWithCookie(cookie: string) {
  const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ query: VIEWER }) });
  return ((await response.json()) as any).data.viewer;
}

const ADMIN = (name: string) => `mutation ($id: ID!) { ${name} { __typename ... on Error { code message } } }`;

async function newFabrikamPerson(alex: HttpClient) {
  const person = professional();
  const mail = mailTo(app.mailCatcher!, person.email);
  const added = await alex.graphql<any>('mutation ($input: AddProfessionalInput!) { addProfessional(input: $input) { ... on AddProfessionalSuccess { profile { id } } } }', {
    input: { organizationId: await organizationId(app.db, DEMO.fabrikam), ...person },
  });
  const token = tokenFrom(await mail);
  const client = await app.signedIn(person.email);
  return { person, client, token, id: added.data.addProfessional.profile.id as string };
}

async function linkedFabrikamPerson(alex: HttpClient) {
  const created = await newFabrikamPerson(alex);
  const linked = await created.client.graphql<any>('mutation ($token: String!) { associateIdentity(token: $token) { __typename } }', { token: created.token });
  expect(linked.data.associateIdentity.__typename).toBe('AssociateIdentitySuccess');
  await created.client.graphql('mutation ($id: ID!) { selectProfile(profileId: $id) { __typename } }', { id: created.id });
  return created;
}

describe('the viewer cache', () => {
  it('serves a signed-out session no more after sign-out, even to a copy of its cookie', async () => {
    const jamie = await app.signedIn('jamie@fabrikam.example');
    expect((await cachedViewer(jamie)).signedIn).toBe(true);
    const cookie = await jamie.cookieHeader();
    await jamie.postForm('/auth/sign-out', { returnTo: '/account/signed-out' }, { follow: false });
    expect((await viewerWithCookie(cookie)).signedIn).toBe(false);
  });

  it('serves a session no more once its absolute deadline has passed, with no write to tell it', async () => {
    const jamie = await app.signedIn('jamie@fabrikam.example');
    expect((await cachedViewer(jamie)).signedIn).toBe(true);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + (app.config.session.absoluteTimeoutHours + 1) * 3_600_000);
    expect((await jamie.graphql<any>(VIEWER)).data.viewer.signedIn).toBe(false);
  });

  it('follows a profile switch, and the old session id is worth nothing', async () => {
    const casey = await app.signedIn('casey@shared.example');
    await casey.graphql('mutation ($id: ID!) { selectProfile(profileId: $id) { __typename } }', { id: await profileId(app.db, DEMO.fabrikam, 'casey@shared.example') });
    expect((await cachedViewer(casey)).currentProfile.organization.name).toBe(DEMO.fabrikam);
    const before = await casey.cookieHeader();
    const switched = await casey.graphql<any>('mutation ($id: ID!) { selectProfile(profileId: $id) { __typename } }', { id: await profileId(app.db, DEMO.wideWorld, 'casey@shared.example') });
    expect(switched.data.selectProfile.__typename).toBe('SelectProfileSuccess');
    expect((await casey.graphql<any>(VIEWER)).data.viewer.currentProfile.organization.name).toBe(DEMO.wideWorld);
    expect((await viewerWithCookie(before)).signedIn).toBe(false);
  });

  it('shows a profile as soon as the identity is linked to it', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const { client, token, id } = await newFabrikamPerson(alex);
    expect((await cachedViewer(client)).profiles).toEqual([]);
    await client.graphql('mutation ($token: String!) { associateIdentity(token: $token) { __typename } }', { token });
    expect((await client.graphql<any>(VIEWER)).data.viewer.profiles.map((p: any) => p.id)).toEqual([id]);
  });

  it('drops a profile from its old identity when another identity links to it (re-link)', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const { person, client, id } = await linkedFabrikamPerson(alex);
    expect((await cachedViewer(client)).currentProfile.id).toBe(id);
    const mail = mailTo(app.mailCatcher!, person.email);
    await alex.graphql(ADMIN('resendInvitation(profileId: $id)'), { id });
    const token = tokenFrom(await mail);
    const other = await app.signedIn(`other-${person.email}`);
    const relinked = await other.graphql<any>('mutation ($token: String!) { associateIdentity(token: $token) { __typename } }', { token });
    expect(relinked.data.associateIdentity.__typename).toBe('AssociateIdentitySuccess');
    const viewer = (await client.graphql<any>(VIEWER)).data.viewer;
    expect(viewer.profiles).toEqual([]);
    expect(viewer.currentProfile).toBeNull();
  });

  it('shows a name edited by an administrator', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const { client, id } = await linkedFabrikamPerson(alex);
    expect((await cachedViewer(client)).currentProfile.id).toBe(id);
    const edited = await alex.graphql<any>('mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { __typename } }', { input: { profileId: id, givenName: 'Renamed' } });
    expect(edited.data.updateProfile.__typename).toBe('UpdateProfileSuccess');
    expect((await client.graphql<any>(VIEWER)).data.viewer.currentProfile.displayName).toMatch(/^Renamed /);
  });

  it('stops acting as a removed profile', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const { client, id } = await linkedFabrikamPerson(alex);
    expect((await cachedViewer(client)).currentProfile.id).toBe(id);
    expect((await alex.graphql<any>(ADMIN('removeProfile(profileId: $id)'), { id })).data.removeProfile.__typename).toBe('RemoveProfileSuccess');
    const viewer = (await client.graphql<any>(VIEWER)).data.viewer;
    expect(viewer.currentProfile).toBeNull();
    expect(viewer.profiles).toEqual([]);
  });

  it('shows the administrator flag as soon as it is granted', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const { client, id } = await linkedFabrikamPerson(alex);
    expect((await cachedViewer(client)).currentProfile.isAdministrator).toBe(false);
    const granted = await alex.graphql<any>(ADMIN('setAdministrator(profileId: $id, isAdministrator: true)'), { id });
    expect(granted.data.setAdministrator.__typename).toBe('SetAdministratorSuccess');
    expect((await client.graphql<any>(VIEWER)).data.viewer.currentProfile.isAdministrator).toBe(true);
  });

  it('stops a customer profile the moment its plan is ended (R1)', async () => {
    const support = await app.signedIn('support@northwind.example');
    const alex = await app.signedIn('alex@fabrikam.example');
    const { client } = await linkedFabrikamPerson(alex);
    expect((await cachedViewer(client)).currentProfile.organization.hasActiveServicePlan).toBe(true);
    const plans = await app.db.servicePlan.findMany({ where: { organization: { name: DEMO.fabrikam } } });
    for (const plan of plans) {
      const ended = await support.graphql<any>('mutation ($input: SetServicePlanInput!) { setServicePlan(input: $input) { __typename ... on Error { message } } }', {
        input: { organizationId: await organizationId(app.db, DEMO.fabrikam), name: plan.name, startsOn: '2000-01-01', endsOn: '2001-01-01' },
      });
      expect(ended.data.setServicePlan.__typename).toBe('SetServicePlanSuccess');
    }
    const viewer = (await client.graphql<any>(VIEWER)).data.viewer;
    expect(viewer.currentProfile).toBeNull();
    expect(viewer.currentProfileError.code).toBe('SERVICE_PLAN_INACTIVE');
    for (const plan of plans) await app.db.servicePlan.update({ where: { id: plan.id }, data: { startsOn: plan.startsOn, endsOn: plan.endsOn } });
  });

  it('stops a profile at midnight when its plan ends today, with no write to tell it (R1)', async () => {
    const customer = await app.db.organization.create({ data: { name: 'Ends Today Ltd', kind: 'CUSTOMER' } });
    const today = app.services.now().toISOString().slice(0, 10);
    await app.db.servicePlan.create({ data: { organizationId: customer.id, name: 'Last day', startsOn: '2000-01-01', endsOn: today } });
    const email = 'last-day@example.com';
    const client = await app.signedIn(email);
    const identity = await app.db.identity.findFirstOrThrow({ where: { email } });
    await app.db.profile.create({ data: { organizationId: customer.id, givenName: 'Last', familyName: 'Day', email, activeEmail: email, identityId: identity.id } });
    const [only] = (await client.graphql<any>(VIEWER)).data.viewer.profiles;
    await client.graphql('mutation ($id: ID!) { selectProfile(profileId: $id) { __typename } }', { id: only.id });
    expect((await cachedViewer(client)).currentProfile.organization.name).toBe('Ends Today Ltd');
    app.travelDays(1);
    try {
      const viewer = (await client.graphql<any>(VIEWER)).data.viewer;
      expect(viewer.currentProfile).toBeNull();
      expect(viewer.currentProfileError.code).toBe('SERVICE_PLAN_INACTIVE');
      expect(viewer.profiles[0].usable).toBe(false);
    } finally {
      app.travelDays(-1);
    }
  });

  it('hears writes made by any client of the database in this process', async () => {
    const jamie = await app.signedIn('jamie@fabrikam.example');
    expect((await cachedViewer(jamie)).identity.displayName).not.toBe('Written Elsewhere');
    await app.database.db.identity.updateMany({ where: { email: 'jamie@fabrikam.example' }, data: { displayName: 'Written Elsewhere' } });
    expect((await jamie.graphql<any>(VIEWER)).data.viewer.identity.displayName).toBe('Written Elsewhere');
  });
});
