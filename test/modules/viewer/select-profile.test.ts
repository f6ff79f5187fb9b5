import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { formatDate } from '../../../server/format.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const SELECT = `mutation ($id: ID!) { selectProfile(profileId: $id) { __typename
  ... on SelectProfileSuccess { profile { displayName organization { name } } }
  ... on ServicePlanInactiveError { code message planEndedOn organizationName helpUrl }
  ... on Error { code message } } }`;
const CURRENT = '{ viewer { currentProfile { organization { name } } } }';

async function caseyProfileIn(organization: string) {
  const profile = await app.db.profile.findFirstOrThrow({ where: { email: 'casey@shared.example', organization: { name: organization } } });
  return Buffer.from(`Profile:${profile.id}`).toString('base64');
}

describe('selectProfile', () => {
  it('chooses one of several profiles and switches to another without signing out', async () => {
    const casey = await app.signedIn('casey@shared.example');
    const first = await casey.graphql<any>(SELECT, { id: await caseyProfileIn('Fabrikam Ltd') });
    expect(first.data.selectProfile.profile.organization.name).toBe('Fabrikam Ltd');
    expect((await casey.graphql<any>(CURRENT)).data.viewer.currentProfile.organization.name).toBe('Fabrikam Ltd');
    const second = await casey.graphql<any>(SELECT, { id: await caseyProfileIn('Wide World Importers') });
    expect(second.data.selectProfile.__typename).toBe('SelectProfileSuccess');
    expect((await casey.graphql<any>(CURRENT)).data.viewer.currentProfile.organization.name).toBe('Wide World Importers');
  });

  it('refuses a customer profile whose plan is not active, naming the end date and what to do (R1)', async () => {
    const casey = await app.signedIn('casey@shared.example');
    const { data } = await casey.graphql<any>(SELECT, { id: await caseyProfileIn('Tailspin Toys') });
    const plan = await app.db.servicePlan.findFirstOrThrow({ where: { organization: { name: 'Tailspin Toys' } } });
    expect(data.selectProfile).toMatchObject({
      __typename: 'ServicePlanInactiveError',
      code: 'SERVICE_PLAN_INACTIVE',
      organizationName: 'Tailspin Toys',
      planEndedOn: plan.endsOn,
      helpUrl: `${app.url}/troubleshooting/service-plan-inactive/`,
    });
    expect(data.selectProfile.message).toContain(`ended on ${formatDate(plan.endsOn)},`);
    expect(data.selectProfile.message).toMatch(/renew/);
    expect((await casey.graphql<any>(CURRENT)).data.viewer.currentProfile).toBeNull();
  });

  it("refuses someone else's profile with NOT_YOUR_PROFILE, and a malformed id the same way", async () => {
    const casey = await app.signedIn('casey@shared.example');
    const alexProfile = await app.db.profile.findFirstOrThrow({ where: { email: 'alex@fabrikam.example' } });
    for (const id of [Buffer.from(`Profile:${alexProfile.id}`).toString('base64'), 'not-an-id', Buffer.from(`Organization:${alexProfile.organizationId}`).toString('base64')]) {
      const { data } = await casey.graphql<any>(SELECT, { id });
      expect(data.selectProfile.code).toBe('NOT_YOUR_PROFILE');
    }
  });

  it('needs a signed-in identity', async () => {
    const result = await app.client().graphql<any>(SELECT, { id: await caseyProfileIn('Fabrikam Ltd') });
    expect(result.data.selectProfile).toMatchObject({ __typename: 'UnauthenticatedError', code: 'UNAUTHENTICATED' });
  });

  it('keeps each session to its own choice: two browsers of one person can act as different profiles', async () => {
    const laptop = await app.signedIn('casey@shared.example');
    const phone = await app.signedIn('casey@shared.example');
    await laptop.graphql(SELECT, { id: await caseyProfileIn('Fabrikam Ltd') });
    await phone.graphql(SELECT, { id: await caseyProfileIn('Wide World Importers') });
    expect((await laptop.graphql<any>(CURRENT)).data.viewer.currentProfile.organization.name).toBe('Fabrikam Ltd');
    expect((await phone.graphql<any>(CURRENT)).data.viewer.currentProfile.organization.name).toBe('Wide World Importers');
  });

  it('stops a chosen profile being current once its plan lapses: the next sign-in does not pick it', async () => {
    const robin = await app.signedIn('robin@wideworld.example', 'work');
    expect((await robin.graphql<any>(CURRENT)).data.viewer.currentProfile.organization.name).toBe('Wide World Importers');
    app.travelDays(400);
    try {
      const later = await app.signedIn('robin@wideworld.example', 'work');
      expect((await later.graphql<any>(CURRENT)).data.viewer.currentProfile).toBeNull();
    } finally {
      app.travelDays(-400);
    }
  });
});
