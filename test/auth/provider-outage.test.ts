// The whole server with one provider down at start: Portico starts anyway, /readyz names the provider (and stays
// 200: see providerHealth), signing in with it ends on the sign-in page, and the other provider keeps working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { signIn } from '../helpers/http-client.js';
import { startRogueIdp, type RogueIdp } from '../helpers/rogue-idp.js';
import { ROGUE_CLIENT } from './support.js';

interface Readiness {
  status: string;
  unavailableProviders?: Array<{ key: string; status: string; reason: string }>;
}

let rogue: RogueIdp;
let app: TestApp;

beforeAll(async () => {
  rogue = await startRogueIdp(ROGUE_CLIENT);
  rogue.behaviour.down = ['discovery'];
  // The personal account type stays on the demo provider; the work one is the rogue IdP, down from the start.
  app = await startTestApp({
    env: {
      OIDC_WORK_ISSUER: rogue.issuer,
      OIDC_WORK_CLIENT_ID: ROGUE_CLIENT.clientId,
      OIDC_WORK_CLIENT_SECRET: ROGUE_CLIENT.clientSecret,
      OIDC_WORK_TOKEN_AUTH: 'client_secret_post',
      OIDC_HTTP_TIMEOUT_MS: '2000',
    },
  });
});

afterAll(async () => {
  await app?.close();
  await rogue?.close();
});

async function readiness(): Promise<{ status: number; body: Readiness }> {
  const response = await fetch(`${app.url}/readyz`);
  return { status: response.status, body: (await response.json()) as Readiness };
}

describe('a provider that is down when Portico starts', () => {
  it('leaves Portico ready, and /readyz names the provider and why', async () => {
    const { status, body } = await readiness();
    expect(status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.unavailableProviders).toEqual([expect.objectContaining({ key: 'work', status: 'unavailable' })]);
    expect(body.unavailableProviders![0]!.reason).toContain('discovery document');
  });

  it('sends a person who picks it to the sign-in page with a code, not an error page', async () => {
    const response = await app.client().get('/auth/sign-in/work', { follow: false });
    expect(response.status).toBe(303);
    expect(response.location).toBe(`${app.url}/account/sign-in?error=provider`);
  });

  it('does not stop the other provider', async () => {
    const client = app.client();
    const result = await signIn(client, 'personal', 'still-working@example.com');
    expect(result.url).toBe(`${app.url}/`);
    const viewer = await client.graphql<{ viewer: { signedIn: boolean } }>('{ viewer { signedIn } }');
    expect(viewer.data?.viewer.signedIn).toBe(true);
  });

  it('is named by /readyz while its JWKS is down, and sign-in with it still ends on the sign-in page', async () => {
    rogue.behaviour.down = ['jwks'];
    const { body } = await readiness();
    expect(body.unavailableProviders?.[0]?.reason).toContain('JWKS');
    const response = await app.client().get('/auth/sign-in/work', { follow: false });
    expect(response.location).toBe(`${app.url}/account/sign-in?error=provider`);
  });

  it('is back, in /readyz and for sign-in, once it answers again', async () => {
    rogue.behaviour.down = [];
    expect((await readiness()).body).toEqual({ status: 'ready' });
    const client = app.client();
    client.followOrigins.add(rogue.issuer);
    const result = await signIn(client, 'work', 'ignored@rogue.example');
    expect(result.url).toBe(`${app.url}/`);
  });
});
