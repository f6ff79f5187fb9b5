import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const UPDATE_ME = `mutation ($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { __typename
  ... on UpdateMyProfileSuccess { profile { givenName familyName email isAdministrator } } ... on Error { code message } } }`;

describe('updateMyProfile', () => {
  it('changes my names, audited as SELF', async () => {
    const jamie = await app.signedIn('jamie@fabrikam.example');
    const { data } = await jamie.graphql<any>(UPDATE_ME, { input: { givenName: '  Jamie  Lou ', familyName: 'Jones' } });
    expect(data.updateMyProfile.profile).toMatchObject({ givenName: 'Jamie Lou', familyName: 'Jones', email: 'jamie@fabrikam.example' });
    const event = await app.db.auditEvent.findFirstOrThrow({ where: { action: 'profile.update' }, orderBy: { at: 'desc' } });
    expect(event.actorRole).toBe('SELF');
    expect(JSON.parse(event.after!)).toEqual({ givenName: 'Jamie Lou' });
  });

  it('changes my e-mail and cancels the links sent to the old address', async () => {
    const morganIdentity = await app.signedIn('casey@shared.example');
    const fabrikam = await app.db.profile.findFirstOrThrow({ where: { email: 'casey@shared.example', organization: { name: 'Fabrikam Ltd' } } });
    await morganIdentity.graphql('mutation ($id: ID!) { selectProfile(profileId: $id) { __typename } }', { id: Buffer.from(`Profile:${fabrikam.id}`).toString('base64') });
    await morganIdentity.graphql('mutation { sendMyAssociationEmail { __typename } }');
    const pendingBefore = await app.db.invitation.count({ where: { profileId: fabrikam.id, acceptedAt: null, revokedAt: null, replacedAt: null } });
    expect(pendingBefore).toBe(1);
    const { data } = await morganIdentity.graphql<any>(UPDATE_ME, { input: { email: 'Casey.Cole@Fabrikam.example' } });
    expect(data.updateMyProfile.profile.email).toBe('casey.cole@fabrikam.example');
    expect(await app.db.invitation.count({ where: { profileId: fabrikam.id, acceptedAt: null, revokedAt: null, replacedAt: null } })).toBe(0);
    // The other profiles keep their own address.
    expect(await app.db.profile.count({ where: { email: 'casey@shared.example', status: 'ACTIVE' } })).toBe(2);
  });

  it('refuses an address another active profile of my organization has, and a bad one, changing nothing', async () => {
    const jamie = await app.signedIn('jamie@fabrikam.example');
    expect((await jamie.graphql<any>(UPDATE_ME, { input: { email: 'alex@fabrikam.example' } })).data.updateMyProfile.code).toBe('DUPLICATE_EMAIL');
    expect((await jamie.graphql<any>(UPDATE_ME, { input: { email: 'two@x.example, three@x.example' } })).data.updateMyProfile.code).toBe('INVALID_INPUT');
    expect((await jamie.graphql<any>(UPDATE_ME, { input: { givenName: 'a\nb' } })).data.updateMyProfile.code).toBe('INVALID_INPUT');
    expect((await app.db.profile.findFirstOrThrow({ where: { givenName: { startsWith: 'Jamie' } } })).email).toBe('jamie@fabrikam.example');
  });

  it('cannot make me an administrator: the input has no such field', async () => {
    const jamie = await app.signedIn('jamie@fabrikam.example');
    const result = await jamie.graphql<any>(UPDATE_ME, { input: { isAdministrator: true } });
    expect(result.errors?.[0]?.message).toMatch(/isAdministrator/);
  });

  it('needs a current profile and a signed-in person', async () => {
    const stranger = await app.signedIn('nobody@elsewhere.example');
    expect((await stranger.graphql<any>(UPDATE_ME, { input: { givenName: 'X' } })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await app.client().graphql<any>(UPDATE_ME, { input: { givenName: 'X' } })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
