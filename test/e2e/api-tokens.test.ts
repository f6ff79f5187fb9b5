// The API tokens page in Chromium against the real server: the demo administrator creates a token and sees its
// secret once, a script (Node's fetch) uses it, the administrator revokes it with a confirm step, and the script's
// next request is refused. axe finds nothing on the page in its states.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { BUILD_TIMEOUT_MS, ensureHelpSiteBuilt } from '../helpers/help-site-build.js';
import { axeViolations, openPage, ownOrganizationId, signInAtProvider } from './support.js';

describe('the API tokens page', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    await ensureHelpSiteBuilt();
    app = await startTestApp();
    browser = await launchBrowser();
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** What a script sends: the token alone, no cookies. */
  async function asScript(secret: string): Promise<{ data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> }> {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: '{ organizations(first: 5) { edges { node { name } } } }' }),
    });
    return (await response.json()) as never;
  }

  test('the administrator creates a token, sees the secret once, a script uses it, and after revoking it the script is refused', async () => {
    const watched = await openPage(browser, app);
    try {
      const { page, context } = watched;
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
      await page.goto(`${app.url}/account/sign-in/?returnTo=/account/admin/tokens/`);
      await page.getByRole('button', { name: 'Personal account' }).click();
      await signInAtProvider(page, 'alex@fabrikam.example');
      await page.getByRole('heading', { name: 'API tokens of Fabrikam Ltd' }).waitFor();
      expect(page.url()).toBe(`${app.url}/account/admin/tokens/`);
      await expect.poll(() => page.locator('[data-slot="count"]').innerText()).toBe('No tokens yet.');
      const found = await axeViolations(page, 'no tokens');

      // Nothing is created without a name.
      await page.getByRole('button', { name: 'Create token' }).click();
      await expect.poll(() => page.locator('#create-error').innerText()).toContain('Give the token a name');

      await page.getByLabel('Name', { exact: true }).fill('Nightly export');
      await page.getByLabel('Role').selectOption('ADMIN');
      await page.getByLabel('Expires after').selectOption('30');
      await page.getByRole('button', { name: 'Create token' }).click();
      const panel = page.locator('#new-secret');
      await panel.getByRole('heading', { name: 'Copy the token «Nightly export» now' }).waitFor();
      await expect.poll(() => panel.innerText()).toContain('It will not be shown again.');
      const secret = await page.locator('#new-secret-value').inputValue();
      expect(secret).toMatch(/^ptk_[A-Za-z0-9_-]{43}$/);
      await page.getByRole('button', { name: 'Copy', exact: true }).click();
      await expect.poll(() => page.locator('#copy-status').innerText()).toContain('Copied');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
      const row = page.locator('#token-rows tr').filter({ hasText: 'Nightly export' });
      await expect.poll(() => row.innerText()).toMatch(/Administrator\s+ptk_\S+…\s+Alex Admin.*Never\s+Active/s);
      found.push(...(await axeViolations(page, 'secret shown')));

      // Once hidden, the secret is nowhere in the page, and a reload does not bring it back.
      await page.getByRole('button', { name: 'I have stored it' }).click();
      expect(await panel.isHidden()).toBe(true);
      expect(await page.content()).not.toContain(secret);
      await page.reload();
      await row.waitFor();
      expect(await page.content()).not.toContain(secret);

      // A script uses it.
      const used = await asScript(secret);
      expect(used.errors).toBeUndefined();
      expect(used.data.organizations.edges).toEqual([{ node: { name: 'Fabrikam Ltd' } }]);
      await page.reload();
      await expect.poll(() => row.locator('td').nth(4).innerText()).not.toBe('Never');

      // Revoking asks first; cancelling changes nothing.
      await row.getByRole('button', { name: 'Revoke Nightly export' }).click();
      const confirm = page.locator('#revoke-confirm');
      await confirm.getByRole('heading', { name: 'Revoke «Nightly export»?' }).waitFor();
      found.push(...(await axeViolations(page, 'confirm revoke')));
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      expect(await confirm.isHidden()).toBe(true);
      expect((await asScript(secret)).errors).toBeUndefined();
      await row.getByRole('button', { name: 'Revoke Nightly export' }).click();
      await confirm.getByRole('button', { name: 'Revoke the token' }).click();
      await expect.poll(() => page.locator('#revoke-status').innerText()).toContain('is revoked');
      await expect.poll(() => row.innerText()).toContain('Revoked on');
      expect(await row.getByRole('button').count()).toBe(0);
      found.push(...(await axeViolations(page, 'revoked')));

      const refused = await asScript(secret);
      expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(refused.errors?.[0]?.message).toMatch(/revoked/);

      // The vendor's tokens are not Alex's to manage: refused, with the guide one click away.
      const vendor = await ownOrganizationId(await app.signedIn('support@northwind.example'));
      await page.goto(`${app.url}/account/admin/tokens/?organization=${encodeURIComponent(vendor)}`);
      const forbidden = page.locator('#tokens > [data-view="forbidden"]');
      await forbidden.getByRole('heading', { name: 'You cannot manage these API tokens' }).waitFor();
      await forbidden.getByRole('link', { name: 'API tokens' }).click();
      await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();
      expect(found).toEqual([]);
      watched.assertClean();
    } finally {
      await watched.close();
    }
  }, 120_000);

  test('a professional is told they cannot manage tokens; signed out, the page offers to sign in; axe finds nothing', async () => {
    const watched = await openPage(browser, app);
    try {
      const { page } = watched;
      await page.goto(`${app.url}/account/admin/tokens/`);
      await page.locator('[data-view="signed-out"]:not([hidden])').waitFor();
      const found = await axeViolations(page, 'signed out');
      await page.goto(`${app.url}/account/sign-in/?returnTo=/account/admin/tokens/`);
      await page.getByRole('button', { name: 'Personal account' }).click();
      await signInAtProvider(page, 'jamie@fabrikam.example');
      // Like every administration page: who their administrators are, instead of the tokens.
      await page.getByRole('heading', { name: 'This page is for administrators' }).waitFor();
      await expect.poll(() => page.locator('[data-slot="administrators"]').innerText()).toContain('Alex Admin');
      found.push(...(await axeViolations(page, 'forbidden')));
      expect(found).toEqual([]);
      watched.assertClean();
    } finally {
      await watched.close();
    }
  }, 120_000);
});
