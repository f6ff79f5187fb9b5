// Every account page, in each state that is cheap to reach, checked by axe in a real browser against the real
// server; and request-link used with the keyboard alone.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { BUILD_TIMEOUT_MS, ensureHelpSiteBuilt } from '../helpers/help-site-build.js';
import { mailTo, tokenFrom } from '../helpers/mail.js';
import { addProfessional, axeAt, axeViolations, LINK_REQUEST_ANSWER, openPage, ownOrganizationId, signInAtProvider, type WatchedPage } from './support.js';

describe('the account pages', () => {
  let app: TestApp;
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    await ensureHelpSiteBuilt();
    app = await startTestApp({ env: { OUTBOX_POLL_MS: '100' } });
    browser = await launchBrowser();
    const alex = await app.signedIn('alex@fabrikam.example');
    const arrival = mailTo(app.mailCatcher!, 'gale@fabrikam.example');
    await addProfessional(alex, { organizationId: await ownOrganizationId(alex), givenName: 'Gale', familyName: 'Grant', email: 'gale@fabrikam.example', sendInvitation: true });
    token = tokenFrom(await arrival);
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const check = (watched: WatchedPage, state: string, path: string, ready: string) => axeAt(watched.page, state, `${app.url}${path}`, ready);

  test('have no accessibility violation signed out, in each state', async () => {
    const watched = await openPage(browser, app);
    try {
      const found = [
        ...(await check(watched, 'sign-in', '/account/sign-in/', '[data-provider="work"]')),
        ...(await check(watched, 'sign-in with an error', '/account/sign-in/?error=access_denied', '#sign-in-message:not(:empty)')),
        ...(await check(watched, 'request-link', '/account/request-link/', '#request-email')),
        ...(await check(watched, 'associate without a link', '/account/associate/', '[data-view="no-token"]:not([hidden])')),
        ...(await check(watched, 'associate, unknown link', `/account/associate/#token=${'x'.repeat(43)}`, '[data-view="error"]:not([hidden])')),
        ...(await check(watched, 'associate, signed out', `/account/associate/#token=${token}`, '[data-view="signed-out"]:not([hidden])')),
        ...(await check(watched, 'choose-profile, signed out', '/account/choose-profile/', '[data-view="signed-out"]:not([hidden])')),
        ...(await check(watched, 'profile, signed out', '/account/profile/', '[data-view="signed-out"]:not([hidden])')),
      ];
      expect(found).toEqual([]);
      watched.assertClean();
    } finally {
      await watched.close();
    }
  }, 120_000);

  test('have no accessibility violation signed in, in each state', async () => {
    const watched = await openPage(browser, app);
    try {
      const { page } = watched;
      await page.goto(`${app.url}/account/sign-in/`);
      await page.getByRole('button', { name: 'Personal account' }).click();
      await signInAtProvider(page, 'casey@shared.example');
      await page.locator('#profile-list > li').first().waitFor();
      const found = [
        ...(await check(watched, 'choose-profile, three profiles', '/account/choose-profile/', '#profile-list > li')),
        ...(await check(watched, 'profile, none chosen', '/account/profile/', '[data-view="no-current"]:not([hidden])')),
        ...(await check(watched, 'associate, confirm', `/account/associate/#token=${token}`, '[data-view="confirm"]:not([hidden])')),
      ];
      await page.goto(`${app.url}/account/choose-profile/`);
      await page.locator('#profile-list > li').filter({ hasText: 'Fabrikam Ltd' }).getByRole('button', { name: 'Use this profile' }).click();
      await page.locator('#choose-status:not(:empty)').waitFor();
      found.push(...(await axeViolations(page, 'choose-profile, after switching')));
      found.push(...(await check(watched, 'profile', '/account/profile/', '[data-view="profile"]:not([hidden])')));
      expect(found).toEqual([]);
      watched.assertClean();
    } finally {
      await watched.close();
    }
  }, 120_000);

  test('have no accessibility violation in the dark theme either', async () => {
    const watched = await openPage(browser, app, 'dark');
    try {
      const found = [
        ...(await check(watched, 'sign-in, dark', '/account/sign-in/?error=state', '#sign-in-message:not(:empty)')),
        ...(await check(watched, 'associate, signed out, dark', `/account/associate/#token=${token}`, '[data-view="signed-out"]:not([hidden])')),
        ...(await check(watched, 'associate, unknown link, dark', `/account/associate/#token=${'y'.repeat(43)}`, '[data-view="error"]:not([hidden])')),
      ];
      expect(found).toEqual([]);
      watched.assertClean();
    } finally {
      await watched.close();
    }
  }, 120_000);

  test('request-link works with the keyboard alone', async () => {
    const watched = await openPage(browser, app);
    try {
      const { page } = watched;
      await page.goto(`${app.url}/account/request-link/`);
      await page.locator('#request-email').waitFor();
      // Tab from the top of the page until the field has focus, as a keyboard user would.
      for (let presses = 0; presses < 40; presses++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(() => document.activeElement?.id === 'request-email')) break;
      }
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('request-email');
      await page.keyboard.type('nobody@nowhere.example');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Send');
      // The focused button shows a visible focus ring.
      expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
      await page.keyboard.press('Space');
      await expect.poll(() => page.locator('#request-status').innerText()).toMatch(LINK_REQUEST_ANSWER);

      // Enter in the field submits too; an address that is not one is explained next to the field.
      await page.locator('#request-email').focus();
      await page.keyboard.press('Control+A');
      await page.keyboard.type('not an address');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#request-email-error').innerText()).not.toBe('');
      expect(await page.locator('#request-email').getAttribute('aria-invalid')).toBe('true');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('request-email');
      expect(await axeViolations(page, 'request-link, address refused by keyboard')).toEqual([]);
      watched.assertClean();
    } finally {
      await watched.close();
    }
  }, 60_000);
});
