import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const VIEWER = `{ viewer { signedIn isSupport identity { email provider { key } } currentProfile { displayName organization { name } }
  profiles { displayName organization { name hasActiveServicePlan } } } }`;

describe('after sign-in (R9)', () => {
  it('makes the only usable profile current', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const { data } = await alex.graphql<any>(VIEWER);
    expect(data.viewer.signedIn).toBe(true);
    expect(data.viewer.identity).toEqual({ email: 'alex@fabrikam.example', provider: { key: 'personal' } });
    expect(data.viewer.currentProfile).toEqual({ displayName: 'Alex Admin', organization: { name: 'Fabrikam Ltd' } });
  });

  it('lets a person with several usable profiles pick, and lists the lapsed one too', async () => {
    const casey = await app.signedIn('casey@shared.example');
    const { data } = await casey.graphql<any>(VIEWER);
    expect(data.viewer.currentProfile).toBeNull();
    expect(data.viewer.profiles.map((p: { organization: { name: string; hasActiveServicePlan: boolean } }) => [p.organization.name, p.organization.hasActiveServicePlan])).toEqual([
      ['Fabrikam Ltd', true],
      ['Tailspin Toys', false],
      ['Wide World Importers', true],
    ]);
  });

  it('says signed in with no profile when the identity has none', async () => {
    const stranger = await app.signedIn('nobody@elsewhere.example');
    const { data } = await stranger.graphql<any>(VIEWER);
    expect(data.viewer).toMatchObject({ signedIn: true, currentProfile: null, profiles: [] });
  });

  it('knows vendor support', async () => {
    const sam = await app.signedIn('support@northwind.example');
    const { data } = await sam.graphql<any>(VIEWER);
    expect(data.viewer.isSupport).toBe(true);
  });
});
