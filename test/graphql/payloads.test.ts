// Payloads return what changed, so a normalized client cache is right after a mutation without a refetch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DEMO, organizationId, profileId } from '../helpers/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('payloads', () => {
  it('resendInvitation returns the new link with its profile, whose latestInvitation is that link', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const morgan = await profileId(app.db, DEMO.fabrikam, 'morgan@fabrikam.example');
    const res = await alex.graphql<any>(
      'mutation ($id: ID!) { resendInvitation(profileId: $id) { ... on ResendInvitationSuccess { invitation { id state profile { id latestInvitation { id state } } } } } }',
      { id: morgan },
    );
    const invitation = res.data.resendInvitation.invitation;
    expect(invitation.profile.id).toBe(morgan);
    expect(invitation.profile.latestInvitation).toEqual({ id: invitation.id, state: 'PENDING' });
  });

  it('counts an organization\'s audit events', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const fabrikam = await organizationId(app.db, DEMO.fabrikam);
    const res = await alex.graphql<any>('query ($id: ID!) { organization(id: $id) { auditEvents(first: 1) { totalCount edges { cursor } } } }', { id: fabrikam });
    const organizationLocal = (await app.db.organization.findFirstOrThrow({ where: { name: DEMO.fabrikam } })).id;
    expect(res.data.organization.auditEvents.totalCount).toBe(await app.db.auditEvent.count({ where: { organizationId: organizationLocal } }));
    expect(res.data.organization.auditEvents.totalCount).toBeGreaterThan(1);
  });
});
