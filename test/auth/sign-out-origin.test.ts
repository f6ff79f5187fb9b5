// Which sign-out posts count as our own: what Chromium really sends from our pages (they set
// Referrer-Policy: no-referrer, so a same-origin form post carries `Origin: null`), and what a cross-site page sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { signIn } from '../helpers/http-client.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app?.close();
});

/** Signs a fresh client in, posts the sign-out form with exactly `headers`, and tells what happened. */
async function signOutWith(headers: Record<string, string>): Promise<{ status: number; stillSignedIn: boolean }> {
  const client = app.client();
  await signIn(client, 'personal', `sign-out-${Object.values(headers).join('-') || 'none'}@example.com`);
  const cookie = await client.cookieHeader();
  // A plain fetch: only the headers a browser would send, nothing our test client adds.
  const response = await fetch(`${app.url}/auth/sign-out`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: 'returnTo=%2Faccount%2Fsign-in%2F%3FsignedOut%3D1',
    redirect: 'manual',
  });
  const result = await client.graphql<{ viewer: { signedIn: boolean } }>('{ viewer { signedIn } }');
  return { status: response.status, stillSignedIn: result.data!.viewer.signedIn };
}

describe('the sign-out form', () => {
  it('signs out when Chromium posts it from our page: Sec-Fetch-Site same-origin, Origin null', async () => {
    expect(await signOutWith({ 'sec-fetch-site': 'same-origin', origin: 'null' })).toEqual({ status: 303, stillSignedIn: false });
  });

  it.each([['cross-site'], ['same-site'], ['none']])('is refused when Sec-Fetch-Site says %s, whatever Origin says', async (site) => {
    expect(await signOutWith({ 'sec-fetch-site': site, origin: app.url })).toEqual({ status: 403, stillSignedIn: true });
  });

  it('falls back to Origin when the browser sends no Sec-Fetch-Site', async () => {
    expect(await signOutWith({ origin: new URL(app.url).origin })).toEqual({ status: 303, stillSignedIn: false });
    expect(await signOutWith({ origin: 'https://evil.example' })).toEqual({ status: 403, stillSignedIn: true });
    expect(await signOutWith({ origin: 'null' })).toEqual({ status: 403, stillSignedIn: true });
  });
});
