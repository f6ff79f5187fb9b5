// R12: the outbox delivers over real SMTP; an outage loses nothing, a permanent rejection is visible.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailCatcher } from '../../../server/dev/mail-catcher.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import type { HttpClient } from '../../helpers/http-client.js';

let app: TestApp;
let alex: HttpClient;

beforeAll(async () => {
  app = await startTestApp({ env: { OUTBOX_POLL_MS: '50', OUTBOX_RETRY_BASE_MS: '100' } });
  alex = await app.signedIn('alex@fabrikam.example');
});
afterAll(async () => {
  await app?.close();
});

const RESEND = `mutation ($id: ID!) { resendInvitation(profileId: $id) { __typename ... on ResendInvitationSuccess { invitation { id } } } }`;
const LATEST = `query ($id: ID!) { node(id: $id) { ... on Profile { latestInvitation { state delivery { status attempts lastError sentAt } } } } }`;

async function morganId() {
  const profile = await app.db.profile.findFirstOrThrow({ where: { email: 'morgan@fabrikam.example' } });
  return Buffer.from(`Profile:${profile.id}`).toString('base64');
}

async function delivery(): Promise<{ status: string; attempts: number; lastError: string | null }> {
  const profile = await app.db.profile.findFirstOrThrow({ where: { email: 'morgan@fabrikam.example' }, include: { invitations: { orderBy: { createdAt: 'desc' }, take: 1, include: { emails: true } } } });
  return profile.invitations[0]!.emails[0]!;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('delivery through the outbox', () => {
  it('answers at once while SMTP is down, and sends the mail once the server is back', async () => {
    const catcher = app.mailCatcher!;
    const port = catcher.port;
    await catcher.stop();
    const started = Date.now();
    const result = await alex.graphql<any>(RESEND, { id: await morganId() });
    expect(result.data.resendInvitation.__typename).toBe('ResendInvitationSuccess');
    expect(Date.now() - started).toBeLessThan(2000);
    const retrying = await until(delivery, (d) => d.status === 'RETRYING');
    expect(retrying.status).toBe('RETRYING');
    expect(retrying.lastError).toMatch(/ECONNREFUSED|connect/i);

    const restarted = await startMailCatcher({ port });
    try {
      const sent = await until(delivery, (d) => d.status === 'SENT');
      expect(sent.status).toBe('SENT');
      expect(restarted.messages().filter((m) => m.to.includes('morgan@fabrikam.example'))).toHaveLength(1);
    } finally {
      await restarted.stop();
      // Give the app its own catcher back for the other tests of this file.
      const again = await startMailCatcher({ port });
      (app as { mailCatcher: typeof again }).mailCatcher = again;
    }
  });

  it('marks a permanent 550 rejection FAILED with the server reply, visible on the profile', async () => {
    app.mailCatcher!.rejectRecipients(/morgan@fabrikam\.example/, { code: 550, message: '5.1.1 mailbox unknown' });
    try {
      await alex.graphql(RESEND, { id: await morganId() });
      const failed = await until(delivery, (d) => d.status === 'FAILED');
      expect(failed).toMatchObject({ status: 'FAILED', attempts: 1 });
      const { data } = await alex.graphql<any>(LATEST, { id: await morganId() });
      expect(data.node.latestInvitation.delivery).toMatchObject({ status: 'FAILED', attempts: 1, sentAt: null });
      expect(data.node.latestInvitation.delivery.lastError).toContain('550');
      expect(data.node.latestInvitation.delivery.lastError).toContain('mailbox unknown');
    } finally {
      app.mailCatcher!.clear();
    }
  });
});

