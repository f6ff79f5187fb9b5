import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../../server/modules/invitations/tokens.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import type { HttpClient } from '../../helpers/http-client.js';
import { mailTo, tokenFrom } from '../../helpers/mail.js';

let app: TestApp;
let alex: HttpClient;

beforeAll(async () => {
  app = await startTestApp({ env: { OUTBOX_POLL_MS: '50' } });
  alex = await app.signedIn('alex@fabrikam.example');
});
afterAll(async () => {
  await app?.close();
});

const PREVIEW = `query ($token: String!) { associationPreview(token: $token) { valid organizationName maskedEmail expiresAt error { __typename code message helpUrl } } }`;
const ASSOCIATE = `mutation ($token: String!) { associateIdentity(token: $token) {
  __typename ... on AssociateIdentitySuccess { profile { displayName email associatedIdentity { email provider { key } } } } ... on Error { code message helpUrl } } }`;
const RESEND = `mutation ($id: ID!) { resendInvitation(profileId: $id) { __typename ... on ResendInvitationSuccess { invitation { id state purpose sentTo } } ... on Error { code } } }`;

async function profileId(email: string, organization = 'Fabrikam Ltd'): Promise<string> {
  const profile = await app.db.profile.findFirstOrThrow({ where: { email, organization: { name: organization } } });
  return Buffer.from(`Profile:${profile.id}`).toString('base64');
}

/** An administrator (Alex) sends `email` a new invitation; resolves with the token read from the real e-mail. */
async function invite(email: string): Promise<string> {
  const arrived = mailTo(app.mailCatcher!, email, /invited/);
  const result = await alex.graphql<any>(RESEND, { id: await profileId(email) });
  expect(result.data.resendInvitation.__typename).toBe('ResendInvitationSuccess');
  return tokenFrom(await arrived);
}

describe('the invitation e-mail', () => {
  it('arrives over SMTP with the steps in order, one button, the organization, the expiry and a help link', async () => {
    const arrived = mailTo(app.mailCatcher!, 'morgan@fabrikam.example', /invited/);
    await alex.graphql(RESEND, { id: await profileId('morgan@fabrikam.example') });
    const mail = await arrived;
    expect(mail.subject).toContain('Fabrikam Ltd');
    const steps = ['personal account or a work or school account', 'Open your personal link', 'Bookmark the portal'].map((s) => mail.text.indexOf(s));
    expect(steps.every((i) => i >= 0)).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(mail.text).toMatch(/yours alone: do not forward it/);
    expect(mail.text).toMatch(/expires on \d{1,2} \w+ \d{4}/);
    expect(mail.html).toContain(`${app.url}/account/associate/#token=`);
    expect(new Set(mail.html.match(/#token=[A-Za-z0-9_-]+/g))).toHaveProperty("size", 1);
    expect(mail.html.match(/display:inline-block/g)).toHaveLength(1);
    expect(mail.text).toContain(`${app.url}/guides/accept-invitation/`);
    expect(mail.messageId).toMatch(/^<.+@.+>$/);
  });

  it('stores only the SHA-256 of the token, and the token carries 256 bits', async () => {
    const token = await invite('morgan@fabrikam.example');
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const stored = await app.db.invitation.findMany({ where: { tokenHash: hashToken(token) } });
    expect(stored).toHaveLength(1);
    const raw = JSON.stringify(await app.db.invitation.findMany());
    expect(raw).not.toContain(token);
  });
});

describe('associationPreview', () => {
  it('tells, signed out, which organization and masked address a valid link is for — and never uses it up', async () => {
    const token = await invite('morgan@fabrikam.example');
    const anonymous = app.client();
    for (let i = 0; i < 3; i++) {
      const { data } = await anonymous.graphql<any>(PREVIEW, { token });
      expect(data.associationPreview).toMatchObject({ valid: true, organizationName: 'Fabrikam Ltd', maskedEmail: 'm***@f***.example', error: null });
    }
    const invitation = await app.db.invitation.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
    expect(invitation.acceptedAt).toBeNull();
  });

  it.each([
    ['an empty token', ''],
    ['a token of the wrong alphabet', '$'.repeat(43)],
    ['an unknown token', 'A'.repeat(43)],
  ])('answers INVITATION_NOT_FOUND (not a 500) for %s', async (_what, token) => {
    const result = await app.client().graphql<any>(PREVIEW, { token });
    expect(result.errors).toBeUndefined();
    expect(result.data.associationPreview).toMatchObject({ valid: false, error: { code: 'INVITATION_NOT_FOUND', helpUrl: `${app.url}/troubleshooting/invitation-not-found/` } });
  });
});

it('refuses a 10 KB token as INVALID_INPUT naming the argument, before anything looks it up', async () => {
  const result = await app.client().graphql<any>(PREVIEW, { token: 'a'.repeat(10_240) });
  expect(result.data ?? null).toBeNull();
  expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_INPUT', field: 'token' });
});

describe('associateIdentity', () => {
  it('needs a signed-in identity', async () => {
    const token = await invite('morgan@fabrikam.example');
    const result = await app.client().graphql<any>(ASSOCIATE, { token });
    expect(result.data.associateIdentity).toMatchObject({ __typename: 'UnauthenticatedError', code: 'UNAUTHENTICATED' });
  });

  it('links the identity, makes the profile current, and refuses the link a second time', async () => {
    const token = await invite('morgan@fabrikam.example');
    const morgan = await app.signedIn('morgan.lee@personal.example');
    const first = await morgan.graphql<any>(ASSOCIATE, { token });
    expect(first.data.associateIdentity).toMatchObject({
      __typename: 'AssociateIdentitySuccess',
      profile: { email: 'morgan@fabrikam.example', associatedIdentity: { email: 'morgan.lee@personal.example', provider: { key: 'personal' } } },
    });
    const { data } = await morgan.graphql<any>('{ viewer { currentProfile { displayName } } }');
    expect(data.viewer.currentProfile.displayName).toBe('Morgan Lee');
    const again = await morgan.graphql<any>(ASSOCIATE, { token });
    expect(again.data.associateIdentity.code).toBe('INVITATION_USED');
  });

  it('lets exactly one of twenty simultaneous redemptions of one link win (smoke test: SQLite runs one transaction at a time; the race itself is proven in test/races/postgres.test.ts)', async () => {
    const fabrikam = await app.db.organization.findFirstOrThrow({ where: { name: 'Fabrikam Ltd' } });
    await app.db.profile.create({ data: { organizationId: fabrikam.id, givenName: 'Riley', familyName: 'Race', email: 'riley@fabrikam.example', activeEmail: 'riley@fabrikam.example' } });
    const token = await invite('riley@fabrikam.example');
    const people = await Promise.all(Array.from({ length: 4 }, (_, i) => app.signedIn(`racer${i}@race.example`)));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => people[i % 4]!.graphql<any>(ASSOCIATE, { token })));
    const outcomes = results.map((r) => r.data.associateIdentity.__typename === 'AssociateIdentitySuccess' ? 'won' : r.data.associateIdentity.code);
    expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
    expect(new Set(outcomes.filter((o) => o !== 'won'))).toEqual(new Set(['INVITATION_USED']));
    expect(await app.db.auditEvent.count({ where: { action: 'invitation.accept', targetId: (await app.db.invitation.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } })).id } })).toBe(1);
  });

  it('gives INVITATION_REPLACED for an older link once a newer one was sent', async () => {
    const older = await invite('morgan@fabrikam.example');
    await invite('morgan@fabrikam.example');
    const someone = await app.signedIn('replaced@x.example');
    const result = await someone.graphql<any>(ASSOCIATE, { token: older });
    expect(result.data.associateIdentity).toMatchObject({ code: 'INVITATION_REPLACED', helpUrl: `${app.url}/troubleshooting/invitation-replaced/` });
    expect((await someone.graphql<any>(PREVIEW, { token: older })).data.associationPreview.error.code).toBe('INVITATION_REPLACED');
  });

  it('gives INVITATION_REVOKED for a link an administrator revoked', async () => {
    const token = await invite('morgan@fabrikam.example');
    const invitation = await app.db.invitation.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
    const revoke = await alex.graphql<any>(`mutation ($id: ID!) { revokeInvitation(invitationId: $id) { __typename ... on RevokeInvitationSuccess { invitation { state } } } }`, {
      id: Buffer.from(`Invitation:${invitation.id}`).toString('base64'),
    });
    expect(revoke.data.revokeInvitation.invitation.state).toBe('REVOKED');
    const someone = await app.signedIn('revoked@x.example');
    expect((await someone.graphql<any>(ASSOCIATE, { token })).data.associateIdentity.code).toBe('INVITATION_REVOKED');
  });

  it('gives INVITATION_EXPIRED after the expiry (7 days by default) and names the date', async () => {
    const token = await invite('morgan@fabrikam.example');
    const someone = await app.signedIn('late@x.example');
    app.travelDays(8);
    try {
      const result = await someone.graphql<any>(ASSOCIATE, { token });
      expect(result.data.associateIdentity.code).toBe('INVITATION_EXPIRED');
      expect(result.data.associateIdentity.message).toMatch(/expired on \d{1,2} [A-Z][a-z]+ \d{4}\./);
    } finally {
      app.travelDays(-8);
    }
  });

  it('gives PROFILE_REMOVED when the profile was removed after the link was sent', async () => {
    const token = await invite('morgan@fabrikam.example');
    const morganProfile = await app.db.profile.findFirstOrThrow({ where: { email: 'morgan@fabrikam.example' } });
    await app.db.profile.update({ where: { id: morganProfile.id }, data: { status: 'REMOVED', activeEmail: null } });
    try {
      const someone = await app.signedIn('removed@x.example');
      expect((await someone.graphql<any>(ASSOCIATE, { token })).data.associateIdentity.code).toBe('PROFILE_REMOVED');
    } finally {
      await app.db.profile.update({ where: { id: morganProfile.id }, data: { status: 'ACTIVE', activeEmail: 'morgan@fabrikam.example' } });
    }
  });

  it('replaces a previously linked identity, audits it, ends its sessions, and sends a security notice (R7)', async () => {
    const jamieBefore = await app.signedIn('jamie@fabrikam.example');
    expect((await jamieBefore.graphql<any>('{ viewer { currentProfile { displayName } } }')).data.viewer.currentProfile.displayName).toBe('Jamie Jones');
    const token = await invite('jamie@fabrikam.example');
    const notice = mailTo(app.mailCatcher!, 'jamie@fabrikam.example', /Security notice/);
    const jamieWork = await app.signedIn('jamie@fabrikam-work.example', 'work');
    const result = await jamieWork.graphql<any>(ASSOCIATE, { token });
    expect(result.data.associateIdentity.profile.associatedIdentity).toEqual({ email: 'jamie@fabrikam-work.example', provider: { key: 'work' } });
    const mail = await notice;
    expect(mail.text).toContain('work or school account (jamie@fabrikam-work.example)');
    const replaced = await app.db.auditEvent.findFirst({ where: { action: 'association.replace' }, orderBy: { at: 'desc' } });
    expect(replaced?.summary).toContain('Jamie Jones');
    // The old identity's session no longer acts as the profile.
    const old = await jamieBefore.graphql<any>('{ viewer { signedIn currentProfile { displayName } } }');
    expect(old.data.viewer.currentProfile).toBeNull();
  });
});
