import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { OUTBOX_POLL_MS: '50' } });
});
afterAll(async () => {
  await app?.close();
});

const DIAGNOSE = `query ($email: String!) { diagnoseAccess(email: $email) { email
  profiles { displayName status organization { name hasActiveServicePlan } associatedIdentity { email } latestInvitation { state delivery { status lastError } } }
  findings { code message fix helpUrl profile { organization { name } } } } }`;

type Finding = { code: string; message: string; fix: string; profile: { organization: { name: string } } | null };
const codes = (findings: Finding[]) => findings.map((f) => `${f.profile?.organization.name ?? '-'}: ${f.code}`).sort();

describe('the demo data', () => {
  it('has Morgan invited and not linked, with the invitation mail in the demo mailbox', async () => {
    const sam = await app.signedIn('support@northwind.example');
    const { data } = await sam.graphql<any>(DIAGNOSE, { email: 'morgan@fabrikam.example' });
    expect(data.diagnoseAccess.profiles[0].associatedIdentity).toBeNull();
    expect(data.diagnoseAccess.profiles[0].latestInvitation.state).toBe('PENDING');
    await app.mailCatcher!.waitFor((m) => m.to.includes('morgan@fabrikam.example'));
    const mailbox = await app.client().get('/dev/mailbox.json');
    expect(mailbox.json<Array<{ to: string[]; subject: string }>>().some((m) => m.to.includes('morgan@fabrikam.example') && /invited/.test(m.subject))).toBe(true);
  });
});

describe('diagnoseAccess', () => {
  it('shows support every profile of an address with the plan, link and account facts, and a fix for each finding', async () => {
    const sam = await app.signedIn('support@northwind.example');
    const { data } = await sam.graphql<any>(DIAGNOSE, { email: ' Casey@Shared.example' });
    expect(data.diagnoseAccess.email).toBe('casey@shared.example');
    expect(data.diagnoseAccess.profiles.map((p: { organization: { name: string } }) => p.organization.name)).toEqual(['Fabrikam Ltd', 'Tailspin Toys', 'Wide World Importers']);
    expect(codes(data.diagnoseAccess.findings)).toEqual(['Fabrikam Ltd: LINKED', 'Tailspin Toys: LINKED', 'Tailspin Toys: SERVICE_PLAN_INACTIVE', 'Wide World Importers: LINKED']);
    const lapsed = data.diagnoseAccess.findings.find((f: Finding) => f.code === 'SERVICE_PLAN_INACTIVE');
    expect(lapsed.message).toMatch(/ended on \d{1,2} [A-Z][a-z]+ \d{4}/);
    expect(lapsed.fix).toContain('setServicePlan');
  });

  it('limits an administrator to their own organization', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const { data } = await alex.graphql<any>(DIAGNOSE, { email: 'casey@shared.example' });
    expect(data.diagnoseAccess.profiles.map((p: { organization: { name: string } }) => p.organization.name)).toEqual(['Fabrikam Ltd']);
    const other = await alex.graphql<any>(DIAGNOSE, { email: 'robin@wideworld.example' });
    expect(codes(other.data.diagnoseAccess.findings)).toEqual(['-: NO_PROFILE']);
  });

  it('reports a bounced invitation with the mail server reply and how to fix it', async () => {
    app.mailCatcher!.rejectRecipients(/morgan@fabrikam\.example/, { code: 550, message: '5.1.1 mailbox unknown' });
    const alex = await app.signedIn('alex@fabrikam.example');
    const morgan = await app.db.profile.findFirstOrThrow({ where: { email: 'morgan@fabrikam.example' } });
    await alex.graphql(`mutation ($id: ID!) { resendInvitation(profileId: $id) { __typename } }`, { id: Buffer.from(`Profile:${morgan.id}`).toString('base64') });
    const end = Date.now() + 10_000;
    let bounced: Finding | undefined;
    while (!bounced && Date.now() < end) {
      const { data } = await alex.graphql<any>(DIAGNOSE, { email: 'morgan@fabrikam.example' });
      bounced = data.diagnoseAccess.findings.find((f: Finding) => f.code === 'DELIVERY_FAILED');
      if (!bounced) await new Promise((r) => setTimeout(r, 100));
    }
    expect(bounced?.message).toContain('mailbox unknown');
    expect(bounced?.fix).toMatch(/correct the address.*resendInvitation/i);
    app.mailCatcher!.clear();
  });

  it('is refused to a professional who administers nothing, and to anonymous callers', async () => {
    const jamie = await app.signedIn('jamie@fabrikam.example');
    expect((await jamie.graphql<any>(DIAGNOSE, { email: 'alex@fabrikam.example' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await app.client().graphql<any>(DIAGNOSE, { email: 'alex@fabrikam.example' })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers a malformed address with INVALID_INPUT', async () => {
    const sam = await app.signedIn('support@northwind.example');
    expect((await sam.graphql<any>(DIAGNOSE, { email: 'not an address' })).errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
  });
});

