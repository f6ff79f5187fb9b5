// The administration pages in the states the journeys do not pass through: signed out, no profile chosen, an unknown
// person, support tools opened by a customer administrator, the dark theme; each checked by axe. And every admin
// page at 390 px without sideways scrolling, and the list page used by keyboard alone.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { BUILD_TIMEOUT_MS, ensureHelpSiteBuilt } from '../helpers/help-site-build.js';
import { axeAt, axeViolations, openPage, ownOrganizationId, signInFrom, type WatchedPage } from './support.js';

const ADMIN_PAGES = ['/account/admin/', '/account/admin/organization/', '/account/admin/person/', '/account/admin/audit/', '/account/admin/add-several/', '/account/admin/support/'];

const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

describe('the administration pages', () => {
  let app: TestApp;
  let browser: Browser;
  let fabrikam: string;

  beforeAll(async () => {
    await ensureHelpSiteBuilt();
    app = await startTestApp();
    browser = await launchBrowser();
    fabrikam = await ownOrganizationId(await app.signedIn('alex@fabrikam.example'));
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const check = (watched: WatchedPage, state: string, path: string, ready: string) => axeAt(watched.page, state, `${app.url}${path}`, ready);

  test('signed out, each page offers to sign in and comes back to itself; no accessibility violation', async () => {
    const watched = await openPage(browser, app);
    try {
      const found: string[] = [];
      for (const path of ADMIN_PAGES) {
        const here = `${path}?id=x&organization=x`;
        found.push(...(await check(watched, `${path} signed out`, here, '[data-view="signed-out"]:not([hidden])')));
        expect(await watched.page.locator('[data-view="signed-out"] a[data-sign-in-here]').getAttribute('href')).toBe(`/account/sign-in/?returnTo=${encodeURIComponent(here)}`);
      }
      // Its Sign in (here, the last page's) opens the sign-in page, which will come back here.
      await watched.page.locator('[data-view="signed-out"]').getByRole('link', { name: 'Sign in' }).click();
      await expect.poll(() => watched.page.locator('[data-sign-in-choice] input[name="returnTo"]').first().inputValue()).toBe(`${ADMIN_PAGES.at(-1)}?id=x&organization=x`);
      expect(found).toEqual([]);
      // The person page's "E-mail vendor support" link carries this deployment's address, filled in as it is served.
      const personHtml = await (await fetch(`${app.url}/account/admin/person/`)).text();
      expect(personHtml).toContain('href="mailto:support@northwind.example?subject=Service%20plan%20renewal"');
      watched.assertClean();
    } finally {
      await watched.close();
    }
  }, 120_000);

  test('signed in without a chosen profile, with an unknown person, and support tools for a customer administrator; no violation, light or dark', async () => {
    const found: string[] = [];
    const casey = await openPage(browser, app);
    try {
      await signInFrom(casey.page, app, 'casey@shared.example', '/account/admin/');
      await casey.page.locator('[data-view="no-current"]:not([hidden])').waitFor();
      found.push(...(await axeViolations(casey.page, 'no profile chosen')));
      await casey.page.locator('[data-view="no-current"]').getByRole('link', { name: 'Choose a profile' }).click();
      await casey.page.getByRole('button', { name: 'Use this profile' }).first().waitFor();
      casey.assertClean();
    } finally {
      await casey.close();
    }
    for (const scheme of ['light', 'dark'] as const) {
      const alex = await openPage(browser, app, scheme);
      try {
        await signInFrom(alex.page, app, 'alex@fabrikam.example', '/account/admin/person/?id=UHJvZmlsZTpub2JvZHk');
        await alex.page.locator('[data-view="not-found"]:not([hidden])').waitFor();
        found.push(...(await axeViolations(alex.page, `${scheme}: unknown person`)));
        await alex.page.locator('[data-view="not-found"]').getByRole('link', { name: 'Organizations you manage' }).click();
        await alex.page.locator('#people-rows tr').first().waitFor();
        found.push(...(await check(alex, `${scheme}: support tools, not support`, '/account/admin/support/', '[data-view="support-only"]:not([hidden])')));
        await alex.page.locator('[data-view="support-only"]').getByRole('link', { name: 'Administration' }).click();
        await alex.page.getByRole('heading', { level: 2, name: 'Fabrikam Ltd' }).waitFor();
        found.push(...(await check(alex, `${scheme}: organization`, `/account/admin/organization/?id=${encodeURIComponent(fabrikam)}`, '#people-rows tr')));
        found.push(...(await check(alex, `${scheme}: audit log`, `/account/admin/audit/?organization=${encodeURIComponent(fabrikam)}`, '#audit-rows tr')));
        found.push(...(await check(alex, `${scheme}: add several`, `/account/admin/add-several/?organization=${encodeURIComponent(fabrikam)}`, '#list-text')));
        await alex.page.getByRole('button', { name: 'Preview' }).click();
        await alex.page.locator('#list-error:not([hidden])').waitFor();
        expect(await alex.page.locator('#list-error').innerText()).toBe('The list is empty. Paste the names and addresses, or choose a file.');
        found.push(...(await axeViolations(alex.page, `${scheme}: add several, empty list`)));
        alex.assertClean();
      } finally {
        await alex.close();
      }
    }
    expect(found).toEqual([]);
  }, 180_000);

  test('every page fits 390 px without sideways scrolling, and the organization list works by keyboard alone', async () => {
    const watched = await openPage(browser, app);
    const { page } = watched;
    try {
      await page.setViewportSize({ width: 390, height: 800 });
      await signInFrom(page, app, 'support@northwind.example', '/account/admin/');
      await page.locator('#organizations-rows tr').first().waitFor();
      const widths: Record<string, number> = { list: await noSidewaysScroll(page) };
      // Keyboard: Tab to the search field, type, Enter; then Tab to the organization's link and open it with Enter.
      for (let presses = 0; presses < 40 && (await page.evaluate(() => document.activeElement?.id)) !== 'organizations-search'; presses++) await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('organizations-search');
      await page.keyboard.type('Fabrikam');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#organizations-rows tr').count()).toBe(1);
      for (let presses = 0; presses < 10 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Fabrikam Ltd'; presses++) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.locator('#people-rows tr').first().waitFor();
      widths.organization = await noSidewaysScroll(page);
      await page.goto(`${app.url}/account/admin/audit/?organization=${encodeURIComponent(fabrikam)}`);
      await page.locator('#audit-rows tr').first().waitFor();
      widths.audit = await noSidewaysScroll(page);
      await page.goto(`${app.url}/account/admin/add-several/?organization=${encodeURIComponent(fabrikam)}`);
      await page.locator('#list-text').fill('Ann,Example-With-A-Long-Family-Name,ann.with.a.rather.long.address@fabrikam.example\nBo,Bad,nope');
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.locator('#preview-rows tr').first().waitFor();
      widths.addSeveral = await noSidewaysScroll(page);
      await page.goto(`${app.url}/account/admin/support/`);
      await page.locator('#orphans li').first().waitFor();
      widths.support = await noSidewaysScroll(page);
      // The portal does not answer: the problem view; once it answers again, its Try again brings the page back.
      watched.watch.allow(503, /\/graphql$/);
      await page.route('**/graphql', (route) => route.fulfill({ status: 503, contentType: 'text/plain', body: 'down for maintenance' }));
      await page.reload();
      await page.getByRole('heading', { level: 2, name: 'This page could not be loaded' }).waitFor();
      await page.unroute('**/graphql');
      await page.locator('[data-view="problem"]').getByRole('link', { name: 'Try again' }).click();
      await page.locator('#orphans li').first().waitFor();
      expect(widths).toEqual({ list: 390, organization: 390, audit: 390, addSeveral: 390, support: 390 });
      expect(await axeViolations(page, 'support tools at 390 px')).toEqual([]);
      watched.assertClean();
    } finally {
      await watched.close();
    }
  }, 120_000);
});
