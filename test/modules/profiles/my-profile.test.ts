import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { mailTo } from '../../helpers/mail.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const UPDATE_ME = `mutation ($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { __typename
  ... on UpdateMyProfileSuccess { profile { givenName familyName email isAdministrator } } ... on Error { code message } } }`;

const UPDATE_ME_PENDING = `mutation ($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { __typename
  ... on UpdateMyProfileSuccess { profile { email pendingEmail } } ... on Error { code message } } }`;
const CONFIRM = `mutation ($token: String!) { confirmEmailChange(token: $token) { __typename
  ... on ConfirmEmailChangeSuccess { email organizationName } ... on EmailChangeLinkError { reason } ... on Error { code message } } }`;

describe('updateMyProfile', () => {
  it('changes my names, audited as SELF', async () => {
    const jamie = await app.signedIn('jamie@fabrikam.example');
    const { data } = await jamie.graphql<any>(UPDATE_ME, { input: { givenName: '  Jamie  Lou ', familyName: 'Jones' } });
    expect(data.updateMyProfile.profile).toMatchObject({ givenName: 'Jamie Lou', familyName: 'Jones', email: 'jamie@fabrikam.example' });
    const event = await app.db.auditEvent.findFirstOrThrow({ where: { action: 'profile.update' }, orderBy: { at: 'desc' } });
    expect(event.actorRole).toBe('SELF');
    expect(event.after).toEqual({ givenName: 'Jamie Lou' });
  });

  it('asks to change my e-mail: nothing changes until the new address confirms, then the old links stop', async () => {
    const casey = await app.signedIn('casey@shared.example');
    const fabrikam = await app.db.profile.findFirstOrThrow({ where: { email: 'casey@shared.example', organization: { name: 'Fabrikam Ltd' } } });
    await casey.graphql('mutation ($id: ID!) { selectProfile(profileId: $id) { __typename } }', { id: Buffer.from(`Profile:${fabrikam.id}`).toString('base64') });
    await casey.graphql('mutation { sendMyAssociationEmail { __typename } }');
    const pendingLinks = () => app.db.invitation.count({ where: { profileId: fabrikam.id, acceptedAt: null, revokedAt: null, replacedAt: null } });
    expect(await pendingLinks()).toBe(1);

    const confirmation = mailTo(app.mailCatcher!, 'casey.cole@fabrikam.example', /Confirm your new e-mail/);
    const notice = mailTo(app.mailCatcher!, 'casey@shared.example', /about to change/);
    const { data } = await casey.graphql<any>(UPDATE_ME_PENDING, { input: { email: 'Casey.Cole@Fabrikam.example' } });
    expect(data.updateMyProfile.profile).toMatchObject({ email: 'casey@shared.example', pendingEmail: 'casey.cole@fabrikam.example' });
    expect(await pendingLinks()).toBe(1);
    expect((await notice).text).toContain('casey.cole@fabrikam.example');

    const token = /#token=([A-Za-z0-9_-]{43})/.exec((await confirmation).text)![1]!;
    const confirmed = await app.client().graphql<any>(CONFIRM, { token });
    expect(confirmed.data.confirmEmailChange).toMatchObject({ __typename: 'ConfirmEmailChangeSuccess', email: 'casey.cole@fabrikam.example' });
    expect((await app.db.profile.findUniqueOrThrow({ where: { id: fabrikam.id } })).email).toBe('casey.cole@fabrikam.example');
    expect(await pendingLinks()).toBe(0);
    // The other profiles keep their own address.
    expect(await app.db.profile.count({ where: { email: 'casey@shared.example', status: 'ACTIVE' } })).toBe(2);
    // A confirmation link works once.
    expect((await app.client().graphql<any>(CONFIRM, { token })).data.confirmEmailChange).toMatchObject({ code: 'EMAIL_CHANGE_LINK_INVALID', reason: 'USED' });
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
    expect((await stranger.graphql<any>(UPDATE_ME, { input: { givenName: 'X' } })).data.updateMyProfile).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });
    expect((await app.client().graphql<any>(UPDATE_ME, { input: { givenName: 'X' } })).data.updateMyProfile).toMatchObject({ __typename: 'UnauthenticatedError', code: 'UNAUTHENTICATED' });
  });
});
