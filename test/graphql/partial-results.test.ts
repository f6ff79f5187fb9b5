// R10's last clause: one refusal never blanks the rest of a response. A refused query field is null beside a typed
// `errors` entry; a refused mutation answers a ForbiddenError or UnauthenticatedError in its own union.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DEMO, profileId } from '../helpers/factories.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const ERROR = '__typename ... on Error { code message helpUrl }';

describe('partial results', () => {
  it('a request mixing an allowed and a refused field returns the allowed data and a typed refusal', async () => {
    const jamie = await app.signedIn('jamie@fabrikam.example');
    const res = await jamie.graphql<any>('query Page($email: String!) { viewer { signedIn currentProfile { displayName } } diagnoseAccess(email: $email) { email } }', {
      email: 'morgan@fabrikam.example',
    });
    expect(res.data!.viewer).toEqual({ signedIn: true, currentProfile: { displayName: 'Jamie Jones' } });
    expect(res.data!.diagnoseAccess).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(['diagnoseAccess']);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', helpUrl: expect.stringMatching(/\/troubleshooting\/forbidden\/$/) });
  });

  it('signed out, a refused query field says where to sign in and viewer still answers', async () => {
    const res = await app.client().graphql<any>('{ viewer { signedIn } organizations(first: 5) { totalCount } }');
    expect(res.data).toEqual({ viewer: { signedIn: false }, organizations: null });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', signInUrl: expect.stringMatching(/\/account\/sign-in$/) });
  });

  it('a request with two mutations, promote then a refused resend, returns the first one\'s data and a ForbiddenError', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const jamie = await profileId(app.db, DEMO.fabrikam, 'jamie@fabrikam.example');
    const robin = await profileId(app.db, DEMO.wideWorld, 'robin@wideworld.example');
    const res = await alex.graphql<any>(
      `mutation Fix($jamie: ID!, $robin: ID!) {
        promote: setAdministrator(profileId: $jamie, isAdministrator: true) { ${ERROR} ... on SetAdministratorSuccess { profile { id isAdministrator } } }
        resend: resendInvitation(profileId: $robin) { ${ERROR} ... on ResendInvitationSuccess { invitation { id } } }
      }`,
      { jamie, robin },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.promote).toEqual({ __typename: 'SetAdministratorSuccess', profile: { id: jamie, isAdministrator: true } });
    expect(res.data!.resend).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN', helpUrl: expect.stringMatching(/\/troubleshooting\/forbidden\/$/) });
    // A refusal in a union is recorded as one at the top level is.
    const refused = await app.db.auditEvent.findFirst({ where: { action: 'access.refused' }, orderBy: { at: 'desc' } });
    expect(refused?.summary).toContain('Fix (FORBIDDEN)');
  });

  it('signed out, a mutation answers UnauthenticatedError with signInUrl in its union', async () => {
    const res = await app.client().graphql<any>(`mutation { signOutEverywhere { ${ERROR} ... on UnauthenticatedError { signInUrl } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.signOutEverywhere).toMatchObject({ __typename: 'UnauthenticatedError', code: 'UNAUTHENTICATED', signInUrl: expect.stringMatching(/\/account\/sign-in$/) });
  });
});
