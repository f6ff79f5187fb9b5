import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { CORS_ORIGINS: 'https://portal.example', GRAPHQL_MAX_DEPTH: '8', GRAPHQL_MAX_ALIASES: '5' } });
});
afterAll(async () => {
  await app?.close();
});

async function preflight(origin: string) {
  return fetch(`${app.url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
}

describe('/graphql over HTTP', () => {
  it('grants CORS with credentials to a listed origin only, and never echoes another', async () => {
    const listed = await preflight('https://portal.example');
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://portal.example');
    expect(listed.headers.get('access-control-allow-credentials')).toBe('true');
    for (const origin of ['https://evil.example', 'null', 'https://portal.example.evil.example']) {
      const response = await preflight(origin);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
    const post = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ viewer { signedIn } }' }) });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a form-encoded POST, so a page on another site cannot submit a mutation with our cookie', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const morgan = await app.db.profile.findFirstOrThrow({ where: { email: 'morgan@fabrikam.example' } });
    const before = await app.db.invitation.count({ where: { profileId: morgan.id } });
    const query = `mutation { resendInvitation(profileId: "${Buffer.from(`Profile:${morgan.id}`).toString('base64')}") { __typename } }`;
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: await alex.cookieHeader(), origin: 'https://evil.example' },
      body: new URLSearchParams({ query }).toString(),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await app.db.invitation.count({ where: { profileId: morgan.id } })).toBe(before);
  });

  it('refuses a mutation sent with GET', async () => {
    const response = await fetch(`${app.url}/graphql?query=${encodeURIComponent('mutation { requestAssociationEmails(email: "a@b.example") { __typename } }')}`, { headers: { 'x-graphql-client': 'test' } });
    expect(response.status).toBe(405);
  });

  it('refuses a document nested deeper than the limit', async () => {
    const deep = '{ viewer { currentProfile { organization { partner { partner { partner { partner { partner { partner { name } } } } } } } } } }';
    const { errors } = await app.client().graphql(deep);
    expect(errors?.[0]?.message).toMatch(/depth/i);
  });

  it('refuses more aliases than the limit', async () => {
    const aliases = Array.from({ length: 8 }, (_, i) => `a${i}: viewer { signedIn }`).join(' ');
    const { errors } = await app.client().graphql(`{ ${aliases} }`);
    expect(errors?.[0]?.message).toMatch(/alias/i);
  });

  it('sends security headers and hides the framework', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('serves GraphiQL to a browser without loading anything from another origin', async () => {
    const response = await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
    const html = await response.text();
    expect(html).toContain('GraphiQL');
    expect(html).not.toMatch(/<script[^>]+src="https?:\/\//);
    expect(html).not.toMatch(/<link[^>]+href="https?:\/\//);
  });
});

describe('health, readiness and metrics', () => {
  it('answers /healthz, /readyz with the database, and /metrics in Prometheus format', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    await app.signedIn('jamie@fabrikam.example');
    const counted = await (await fetch(`${app.url}/metrics`)).text();
    expect(counted).toMatch(/portico_sign_ins_total\{provider="personal",outcome="ok"\} [1-9]/);
    expect(metrics).toContain('portico_process_cpu_seconds_total');
  });
});
