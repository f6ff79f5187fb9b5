// The whole sign-in as a browser does it: Portico → the real demo OpenID provider (oidc-provider) → its login form →
// callback → returnTo, then the session it leaves behind, as GraphQL's `viewer` and the sessions table see it.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSession, sessionCookieName, sessionCookieOptions } from '../../server/auth/session.js';
import { loadConfig } from '../../server/config.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createHttpClient, formAction, signIn, type HttpClient } from '../helpers/http-client.js';

const VIEWER = '{ viewer { signedIn identity { id email provider { key } } } }';

interface ViewerData {
  viewer: { signedIn: boolean; identity: { id: string; email: string; provider: { key: string } } | null };
}

let app: TestApp;
let cookieName: string;

beforeAll(async () => {
  app = await startTestApp();
  cookieName = sessionCookieName(app.config);
});

afterAll(async () => {
  await app?.close();
});

async function viewer(client: HttpClient) {
  const result = await client.graphql<ViewerData>(VIEWER);
  expect(result.errors).toBeUndefined();
  return result.data!.viewer;
}

/** The session id inside the signed cookie (`s:<sid>.<signature>`). */
async function sessionId(client: HttpClient): Promise<string | null> {
  const cookie = await client.cookie(cookieName);
  if (!cookie) return null;
  const value = decodeURIComponent(cookie.value);
  return value.slice(2, value.lastIndexOf('.'));
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('signing in through the demo provider', () => {
  it.each([
    ['personal', 'jamie@fabrikam.example'],
    ['work', 'robin@wideworld.example'],
  ])('with a %s account ends on returnTo, signed in as that identity', async (provider, email) => {
    const client = app.client();
    const response = await signIn(client, provider, email, { returnTo: '/account/choose-profile/?from=test' });
    expect(response.url).toBe(`${app.url}/account/choose-profile/?from=test`);
    const me = await viewer(client);
    expect(me.signedIn).toBe(true);
    expect(me.identity).toMatchObject({ email, provider: { key: provider } });
  });

  it('signing in again with the same e-mail is the same identity; the other account type is another one', async () => {
    const first = app.client();
    await signIn(first, 'personal', 'again@example.com');
    const second = app.client();
    await signIn(second, 'personal', 'Again@Example.com');
    const work = app.client();
    await signIn(work, 'work', 'again@example.com');
    const ids = [(await viewer(first)).identity!.id, (await viewer(second)).identity!.id, (await viewer(work)).identity!.id];
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('asks the provider with a PKCE S256 challenge, a nonce and a state', async () => {
    const { authorizationUrl } = await signIn(app.client(), 'personal', 'pkce@example.com');
    const params = new URL(authorizationUrl).searchParams;
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('nonce')).toBeTruthy();
    expect(params.get('state')?.length).toBeGreaterThanOrEqual(32);
    expect(params.get('response_type')).toBe('code');
  });

  it.each(['https://evil.example/', '//evil.example', '/\\evil.example', '/\tevil', 'javascript:alert(1)', 'evil.example'])(
    'never redirects off-site, whatever returnTo says (%s)',
    async (returnTo) => {
      const client = app.client();
      const response = await signIn(client, 'personal', 'redirects@example.com', { returnTo });
      for (const url of response.chain) expect(new URL(url).origin).toBe(app.url);
      expect(response.url).toBe(`${app.url}/`);
      expect((await viewer(client)).signedIn).toBe(true);
    },
  );

  it('gives the browser a new session id at sign-in, and the pre-sign-in one is worth nothing', async () => {
    const client = app.client();
    const start = await client.get('/auth/sign-in/personal', { follow: false });
    expect(start.status).toBe(302);
    const before = await sessionId(client);
    expect(before).not.toBeNull();
    const planted = await client.cookieHeader();
    client.followOrigins.add(new URL(start.location!).origin);
    const form = await client.get(start.location!);
    expect(form.text).toContain('name="email"');
    await client.postForm(formAction(form.text, form.url)!, { email: 'fixation@example.com' }, { headers: { origin: app.url } });
    const after = await sessionId(client);
    expect(after).not.toBeNull();
    expect(after).not.toBe(before);
    expect(await readSession(app.db, app.config, planted)).toBeNull();
    expect(await readSession(app.db, app.config, await client.cookieHeader())).not.toBeNull();
  });

  it('stores the session under the SHA-256 of its id, never the id itself', async () => {
    const client = app.client();
    await signIn(client, 'personal', 'hashed@example.com');
    const sid = (await sessionId(client))!;
    expect(await app.db.session.count({ where: { id: sid } })).toBe(0);
    expect(await app.db.session.count({ where: { id: sha256(sid) } })).toBe(1);
  });

  it('shows the provider’s form again with prompt=select_account, so another account can be used', async () => {
    const client = app.client();
    await signIn(client, 'personal', 'first-account@example.com');
    const first = (await viewer(client)).identity!;
    // Without a prompt the provider's own session signs the same account in silently.
    const silent = await signIn(client, 'personal', 'ignored@example.com');
    expect(silent.chain.some((url) => url.includes('/interaction/'))).toBe(false);
    expect((await viewer(client)).identity!.id).toBe(first.id);
    await signIn(client, 'personal', 'second-account@example.com', { prompt: 'select_account' });
    expect((await viewer(client)).identity).toMatchObject({ email: 'second-account@example.com' });
    await signIn(client, 'personal', 'third-account@example.com', { prompt: 'login' });
    expect((await viewer(client)).identity).toMatchObject({ email: 'third-account@example.com' });
  });

  it('remembers the account type used last in a readable cookie', async () => {
    const client = app.client();
    await signIn(client, 'work', 'last-provider@example.com');
    const cookie = await client.cookie('portico_last_provider');
    expect(cookie?.value).toBe('work');
    expect(cookie?.httpOnly).toBe(false);
    expect(cookie?.sameSite).toBe('lax');
  });

  it('answers 404 for an unknown account provider', async () => {
    expect((await app.client().get('/auth/sign-in/myspace', { follow: false })).status).toBe(404);
  });
});

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/ and ends with the browser session without "keep me signed in"', async () => {
    const client = app.client();
    await signIn(client, 'personal', 'session-cookie@example.com');
    const cookie = (await client.cookie(cookieName))!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/' });
    expect(cookie.expires).toBe('Infinity');
  });

  it('persists for at most 30 days with keep=1', async () => {
    const client = app.client();
    await signIn(client, 'personal', 'keep@example.com', { keep: true });
    const cookie = (await client.cookie(cookieName))!;
    expect(cookie.expires).toBeInstanceOf(Date);
    const days = ((cookie.expires as Date).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(app.config.session.keepSignedInDays - 1);
    expect(days).toBeLessThanOrEqual(30);
    const row = await app.db.session.findFirstOrThrow({ where: { id: sha256((await sessionId(client))!) } });
    expect((row.expiresAt.getTime() - Date.now()) / 86_400_000).toBeGreaterThan(app.config.session.keepSignedInDays - 1);
  });

  it('is Secure and named __Host- when Portico is served over https', () => {
    const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://portico.example' });
    expect(sessionCookieName(config)).toMatch(/^__Host-/);
    expect(sessionCookieOptions(config)).toEqual({ httpOnly: true, sameSite: 'lax', path: '/', secure: true });
  });
});

describe('timeouts', () => {
  async function signedInRow(email: string) {
    const client = app.client();
    await signIn(client, 'personal', email);
    const id = sha256((await sessionId(client))!);
    return { client, id };
  }

  it('ends a session idle for longer than the idle timeout', async () => {
    const { client, id } = await signedInRow('idle@example.com');
    await app.db.session.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await viewer(client)).signedIn).toBe(false);
    expect(await readSession(app.db, app.config, await client.cookieHeader())).toBeNull();
  });

  it('pushes the idle deadline on activity (GraphQL requests included)', async () => {
    const { client, id } = await signedInRow('active@example.com');
    await app.db.session.update({ where: { id }, data: { expiresAt: new Date(Date.now() + 60_000) } });
    expect((await viewer(client)).signedIn).toBe(true);
    const row = await app.db.session.findUniqueOrThrow({ where: { id } });
    expect(row.expiresAt.getTime() - Date.now()).toBeGreaterThan((app.config.session.idleTimeoutMinutes - 1) * 60_000);
  });

  it('ends a session signed in longer ago than the absolute timeout, however active', async () => {
    const { client, id } = await signedInRow('absolute@example.com');
    const row = await app.db.session.findUniqueOrThrow({ where: { id } });
    const data = JSON.parse(row.data) as { signedInAt: number };
    data.signedInAt = Date.now() - (app.config.session.absoluteTimeoutHours * 3_600_000 + 60_000);
    await app.db.session.update({ where: { id }, data: { data: JSON.stringify(data), expiresAt: new Date(Date.now() + 3_600_000) } });
    expect((await viewer(client)).signedIn).toBe(false);
    // The express-session side (/auth/*) refuses it as well, and deletes the row.
    await client.get('/auth/sign-in/personal', { follow: false });
    expect(await app.db.session.count({ where: { id } })).toBe(0);
  });
});

describe('signing out', () => {
  it('ends the session: the old cookie is dead afterwards', async () => {
    const client = app.client();
    await signIn(client, 'personal', 'sign-out@example.com');
    const oldCookie = await client.cookieHeader();
    const response = await client.postForm('/auth/sign-out', { returnTo: '/account/signed-out' }, { follow: false });
    expect(response.status).toBe(303);
    expect(response.location).toBe(`${app.url}/account/signed-out`);
    expect(await readSession(app.db, app.config, oldCookie)).toBeNull();
    const replayer = createHttpClient(app.url);
    const result = await replayer.graphql<ViewerData>(VIEWER, undefined, { headers: { cookie: oldCookie } });
    expect(result.data?.viewer.signedIn).toBe(false);
  });

  it('answers JSON to our own pages’ fetch', async () => {
    const client = app.client();
    await signIn(client, 'personal', 'sign-out-json@example.com');
    const response = await client.post('/auth/sign-out', {}, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ signedOut: true });
    expect((await viewer(client)).signedIn).toBe(false);
  });

  it('never redirects off-site after sign-out', async () => {
    const response = await app.client().postForm('/auth/sign-out', { returnTo: '//evil.example' }, { follow: false });
    expect(response.location).toBe(`${app.url}/`);
  });

  it.each([
    ['Origin', { origin: 'https://evil.example' }],
    ['Sec-Fetch-Site', { origin: '', 'sec-fetch-site': 'cross-site' }],
  ])('refuses a cross-origin sign-out post (told by %s)', async (_header, headers) => {
    const client = app.client();
    await signIn(client, 'personal', 'csrf@example.com');
    const sent = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ''));
    const cookie = await client.cookieHeader();
    // A plain fetch, so no Origin of ours is added: only what a cross-site page's browser would send.
    const response = await fetch(`${app.url}/auth/sign-out`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...sent }, body: '', redirect: 'manual' });
    expect(response.status).toBe(403);
    expect((await viewer(client)).signedIn).toBe(true);
  });
});
