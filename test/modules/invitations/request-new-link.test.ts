// "Send me a new link" from an expired or replaced link's screen: the old link renews the link of its own profile
// only, to that profile's address; a used, revoked or unknown link sends nothing; the answer and timing are the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localId } from '../../../server/graphql/ids.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import type { CaughtMail } from '../../../server/dev/mail-catcher.js';
import { signIn, type HttpClient } from '../../helpers/http-client.js';
import { tokenFrom } from '../../helpers/mail.js';

const RENEW = `mutation ($token: String!) { requestNewLink(token: $token) {
  __typename ... on RequestNewLinkSuccess { message } ... on Error { code message } } }`;
const PREVIEW = 'query ($token: String!) { associationPreview(token: $token) { valid organizationName error { code } } }';
const MIN_MS = 150;

describe('requestNewLink', () => {
  let app: TestApp;
  let alex: HttpClient;
  /** Casey has three profiles on one address: a renewal must send one e-mail, for the link's profile only. */
  let caseyFabrikamId: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { LINK_REQUEST_MIN_MS: String(MIN_MS), LINK_REQUESTS_PER_ADDRESS_PER_HOUR: '3', LINK_REQUESTS_PER_CLIENT_PER_HOUR: '1000' } });
    alex = await app.signedIn('alex@fabrikam.example');
    const found = await alex.graphql<any>('{ viewer { currentProfile { organization { profiles(search: "casey") { edges { node { id } } } } } } }');
    caseyFabrikamId = found.data.viewer.currentProfile.organization.profiles.edges[0].node.id;
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Alex sends Casey's Fabrikam profile a link; its token, read from the e-mail the same transaction queued. */
  let lastInvitationId = '';
  async function linkForCasey(): Promise<string> {
    const sent = await alex.graphql<any>('mutation ($id: ID!) { resendInvitation(profileId: $id) { __typename ... on ResendInvitationSuccess { invitation { id } } } }', {
      id: caseyFabrikamId,
    });
    expect(sent.data.resendInvitation.__typename).toBe('ResendInvitationSuccess');
    const invitationId = localId(sent.data.resendInvitation.invitation.id, 'Invitation')!;
    lastInvitationId = sent.data.resendInvitation.invitation.id;
    const row = await app.db.outboxEmail.findFirstOrThrow({ where: { invitationId } });
    return tokenFrom(await delivered(row.messageId));
  }

  /** The e-mail as the mail server received it (the stored copy loses its link once sent). */
  function delivered(messageId: string): Promise<CaughtMail> {
    return app.mailCatcher!.waitFor((m) => m.messageId === messageId, 10_000);
  }

  /** Asks for a new link with `token`; the answer's JSON text, how long it took, and the e-mails it queued. */
  async function renew(token: string) {
    const before = new Date();
    const started = performance.now();
    const response = await app.client().post('/graphql', { query: RENEW, variables: { token } });
    const ms = performance.now() - started;
    const rows = await app.db.outboxEmail.findMany({ where: { createdAt: { gte: before } }, select: { messageId: true } });
    const queued = await Promise.all(rows.map((row) => delivered(row.messageId)));
    return { text: response.text, ms, queued: queued.map((m) => ({ to: m.to.join(','), subject: m.subject, text: m.text })) };
  }

  it('renews an expired link: exactly one e-mail, to that profile, with a link that works', async () => {
    const expired = await linkForCasey();
    app.travelDays(8);
    try {
      const { text, ms, queued } = await renew(expired);
      expect(JSON.parse(text).data.requestNewLink.__typename).toBe('RequestNewLinkSuccess');
      expect(ms).toBeGreaterThanOrEqual(MIN_MS - 5);
      expect(queued.map((m) => m.to)).toEqual(['casey@shared.example']);
      expect(queued[0]!.subject).toContain('Fabrikam Ltd');
      const fresh = /#token=([A-Za-z0-9_-]{43})/.exec(queued[0]!.text)![1]!;
      const preview = await app.client().graphql<any>(PREVIEW, { token: fresh });
      expect(preview.data.associationPreview).toEqual({ valid: true, organizationName: 'Fabrikam Ltd', error: null });
    } finally {
      app.travelDays(-8);
    }
  });

  it('renews a replaced link the same way', async () => {
    const replaced = await linkForCasey();
    await linkForCasey();
    const { queued } = await renew(replaced);
    expect(queued.map((m) => `${m.to} ${m.subject}`)).toEqual([expect.stringMatching(/^casey@shared\.example .*Fabrikam Ltd/)]);
  });

  it('answers a used, a revoked and an unknown link identically, and sends nothing', async () => {
    const usable = await linkForCasey();
    const renewable = await renew(usable); // still valid: nothing to renew
    expect(renewable.queued).toEqual([]);

    const used = await linkForCasey();
    const casey = app.client();
    await signIn(casey, 'personal', 'casey@shared.example');
    const associated = await casey.graphql<any>('mutation ($t: String!) { associateIdentity(token: $t) { __typename } }', { t: used });
    expect(associated.data.associateIdentity.__typename).toBe('AssociateIdentitySuccess');

    const revoked = await linkForCasey();
    const revoke = await alex.graphql<any>('mutation ($id: ID!) { revokeInvitation(invitationId: $id) { __typename } }', { id: lastInvitationId });
    expect(revoke.data.revokeInvitation.__typename).toBe('RevokeInvitationSuccess');

    const answers = [await renew(used), await renew(revoked), await renew('x'.repeat(43))];
    for (const answer of answers) {
      expect(answer.queued).toEqual([]);
      expect(answer.text).toBe(renewable.text);
      expect(answer.ms).toBeGreaterThanOrEqual(MIN_MS - 5);
    }
  });

  it('is limited per link', async () => {
    const token = 'y'.repeat(43);
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) codes.push(JSON.parse((await renew(token)).text).data.requestNewLink.__typename);
    expect(codes).toEqual(['RequestNewLinkSuccess', 'RequestNewLinkSuccess', 'RequestNewLinkSuccess', 'RateLimitedError']);
  });
});
