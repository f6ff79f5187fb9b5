// Metrics and logs of a full journey through the real server process: every metric present, every log line of a
// request carrying its request id, and no token, cookie, secret or mail body anywhere in the logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_CLIENTS } from '../../server/config.js';
import { startTestApp } from '../helpers/app.js';
import { createHttpClient, signIn } from '../helpers/http-client.js';
import { request, spawnServer, type ServerProcess } from './server-process.js';

const METRICS_TOKEN = 'metrics-token-for-the-observability-test';
const DEMO_SESSION_SECRET = 'portico-demo-session-secret-not-for-production';

let dir: string;
let server: ServerProcess;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'portico-obs-'));
  server = await spawnServer({
    DATABASE_URL: `file:${path.join(dir, 'obs.db')}`,
    LOG_LEVEL: 'trace',
    LOG_FORMAT: 'json',
    METRICS_TOKEN,
    OUTBOX_POLL_MS: '50',
    LINK_REQUEST_MIN_MS: '0',
  });
  await server.waitUntilReady();
}, 120_000);
afterAll(() => {
  if (server?.child.exitCode === null) server.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface CaughtMail { to: string[]; subject: string; text: string; html: string }

async function mailFor(address: string): Promise<CaughtMail> {
  for (let i = 0; i < 100; i++) {
    const mails = (await (await fetch(`${server.url}/dev/mailbox.json`)).json()) as CaughtMail[];
    const mail = mails.find((m) => m.to.includes(address));
    if (mail) return mail;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no mail for ${address}`);
}

describe('a full journey, observed', () => {
  it('leaves every metric in /metrics, a request id on every request log line, and no secret in any log line', async () => {
    const secrets: string[] = [METRICS_TOKEN, DEMO_SESSION_SECRET, DEMO_CLIENTS.personal.clientSecret, DEMO_CLIENTS.work.clientSecret];

    const alex = createHttpClient(server.url);
    const signedIn = await signIn(alex, 'personal', 'alex@fabrikam.example');
    for (const hop of signedIn.chain) {
      const code = new URL(hop).searchParams.get('code');
      if (code) secrets.push(code);
    }
    const me = await alex.graphql<{ viewer: { currentProfile: { organization: { id: string } } } }>('{ viewer { currentProfile { organization { id } } } }');
    const organizationId = me.data!.viewer.currentProfile.organization.id;
    const add = `mutation($input: AddProfessionalInput!) { addProfessional(input: $input) { __typename ... on Error { code } } }`;
    const input = { organizationId, givenName: 'Olive', familyName: 'Observed', email: 'olive@fabrikam.example' };
    expect((await alex.graphql(add, { input })).data).toMatchObject({ addProfessional: { __typename: 'AddProfessionalSuccess' } });
    expect((await alex.graphql(add, { input })).data).toMatchObject({ addProfessional: { code: 'DUPLICATE_EMAIL' } });

    const invitation = await mailFor('olive@fabrikam.example');
    const token = /#token=([A-Za-z0-9_-]{43})/.exec(invitation.text)![1]!;
    secrets.push(token, invitation.text.split('\n').find((line) => line.includes('#token='))!.trim());
    const olive = createHttpClient(server.url);
    await signIn(olive, 'personal', 'olive.private@example.com');
    const associate = `mutation($token: String!) { associateIdentity(token: $token) { __typename ... on Error { code } } }`;
    expect((await olive.graphql(associate, { token: 'x'.repeat(43) })).data).toMatchObject({ associateIdentity: { code: 'INVITATION_NOT_FOUND' } });
    expect((await olive.graphql(associate, { token })).data).toMatchObject({ associateIdentity: { __typename: 'AssociateIdentitySuccess' } });
    await olive.graphql('mutation { requestAssociationEmails(email: "jamie@fabrikam.example") { __typename } }');
    await mailFor('jamie@fabrikam.example');

    expect((await alex.cookie('portico.sid'))?.value.length).toBeGreaterThan(16);
    for (const client of [alex, olive]) {
      // Session ids and signed state; short cookies hold public words such as the provider key.
      for (const cookie of await client.jar.getCookies(server.url)) if (cookie.value.length >= 16) secrets.push(cookie.value);
    }

    const traced = await request(`${server.url}/graphql`, { method: 'POST', body: JSON.stringify({ query: '{ viewer { signedIn } }' }), headers: { 'x-request-id': 'spoofed-id' } });
    const requestId = traced.headers['x-request-id'] as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    expect((await request(`${server.url}/metrics`)).status).toBe(401);
    const scrape = await request(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scrape.status).toBe(200);
    for (const name of [
      'portico_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/graphql",status="200"}',
      'portico_graphql_operation_duration_seconds_count{operation="anonymous",type="mutation",outcome="ok"}',
      'portico_typed_errors_total{code="DUPLICATE_EMAIL"} 1',
      'portico_typed_errors_total{code="INVITATION_NOT_FOUND"} 1',
      'portico_sign_ins_total{provider="personal",outcome="ok"} 2',
      'portico_associations_total{outcome="linked"} 1',
      'portico_associations_total{outcome="INVITATION_NOT_FOUND"} 1',
      'portico_outbox_depth ',
      'portico_outbox_oldest_pending_age_seconds ',
      'portico_mail_deliveries_total{kind=',
      'portico_sessions ',
    ]) {
      expect(scrape.body).toContain(name);
    }

    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    const lines = server.output().split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(50);
    for (const secret of secrets) {
      const leaks = lines.filter((line) => line.includes(secret));
      expect(leaks, `"${secret.slice(0, 12)}…" is in the log`).toEqual([]);
    }
    const requestLines = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { req?: unknown; requestId?: string; msg?: string });
    expect(requestLines.filter((l) => l.req !== undefined).length).toBeGreaterThan(10);
    expect(requestLines.filter((l) => l.req !== undefined && !l.requestId)).toEqual([]);
    expect(requestLines.some((l) => l.requestId === requestId)).toBe(true);
    expect(requestLines.some((l) => l.requestId === 'spoofed-id')).toBe(false);
  }, 120_000);
});

describe('/metrics on its own port', () => {
  it('is served there and not on the app port; a trusted X-Request-Id is echoed', async () => {
    const app = await startTestApp({ env: { METRICS_PORT: '0', TRUST_REQUEST_ID: 'true' } });
    try {
      expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
      const scrape = await fetch(`${app.metricsUrl}/metrics`);
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toContain('portico_process_cpu_seconds_total');
      const traced = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'lb-1234' } });
      expect(traced.headers.get('x-request-id')).toBe('lb-1234');
    } finally {
      await app.close();
    }
  });
});
