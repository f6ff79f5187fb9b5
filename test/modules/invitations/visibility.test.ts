import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

describe('who sees an invitation', () => {
  it('shows the latest invitation to the organization’s administrator, by node id too', async () => {
    const morgan = await app.db.profile.findFirstOrThrow({ where: { email: 'morgan@fabrikam.example' }, include: { invitations: true } });
    const alex = await app.signedIn('alex@fabrikam.example');
    const viaProfile = await alex.graphql<any>('query ($id: ID!) { node(id: $id) { ... on Profile { latestInvitation { id state sentTo } } } }', { id: gid('Profile', morgan.id) });
    expect(viaProfile.data.node.latestInvitation).toMatchObject({ state: 'PENDING', sentTo: 'morgan@fabrikam.example' });
    const direct = await alex.graphql<any>('query ($id: ID!) { node(id: $id) { __typename ... on Invitation { state } } }', { id: viaProfile.data.node.latestInvitation.id });
    expect(direct.data.node).toEqual({ __typename: 'Invitation', state: 'PENDING' });
  });

  it('hides it from a colleague without administration rights, and from another organization’s administrator', async () => {
    const morgan = await app.db.profile.findFirstOrThrow({ where: { email: 'morgan@fabrikam.example' }, include: { invitations: true } });
    const invitationId = gid('Invitation', morgan.invitations[0]!.id);
    for (const [email, provider] of [['jamie@fabrikam.example', 'personal'], ['robin@wideworld.example', 'work']] as const) {
      const client = await app.signedIn(email, provider);
      const direct = await client.graphql<any>('query ($id: ID!) { node(id: $id) { __typename } }', { id: invitationId });
      expect(direct.data.node, email).toBeNull();
    }
    // Alex, an administrator, gets a link of their own, so there is something to hide.
    const support = await app.signedIn('support@northwind.example');
    const alexProfile = await app.db.profile.findFirstOrThrow({ where: { email: 'alex@fabrikam.example' } });
    expect((await support.graphql<any>('mutation ($id: ID!) { resendInvitation(profileId: $id) { __typename } }', { id: gid('Profile', alexProfile.id) })).data.resendInvitation.__typename).toBe('ResendInvitationSuccess');
    const ADMINS = '{ viewer { currentProfile { organization { administrators { email latestInvitation { id } } } } } }';
    const jamie = await app.signedIn('jamie@fabrikam.example');
    const seenByJamie = (await jamie.graphql<any>(ADMINS)).data.viewer.currentProfile.organization.administrators;
    expect(seenByJamie).toEqual([{ email: 'alex@fabrikam.example', latestInvitation: null }]);
    const alex = await app.signedIn('alex@fabrikam.example');
    const seenByAlex = (await alex.graphql<any>(ADMINS)).data.viewer.currentProfile.organization.administrators;
    expect(seenByAlex[0].latestInvitation).not.toBeNull();
  });
});
