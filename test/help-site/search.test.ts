// The help site's own search (Pagefind, in the browser, offline) finds the page that answers what people type,
// first, for the words they used when they got stuck.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { BUILD_TIMEOUT_MS, ensureHelpSiteBuilt } from '../helpers/help-site-build.js';

const EXPECTED: Array<[query: string, page: string]> = [
  ['did not receive', '/troubleshooting/junk-mail/'],
  ['junk', '/troubleshooting/junk-mail/'],
  ['forgot password', '/troubleshooting/forgot-password/'],
  ['partner', '/admins/partners/'],
  ['administrator left', '/admins/administrator-left/'],
  ['sign out', '/guides/sign-out/'],
  ['switch profile', '/guides/choose-profile/'],
  ['expired', '/troubleshooting/invitation-expired/'],
  ['wrong account', '/troubleshooting/wrong-account-linked/'],
  ['new link', '/guides/request-link/'],
];

/** The result pages, in order, for `query` typed into the site's search dialog. */
async function search(page: Page, query: string): Promise<string[]> {
  const input = page.getByRole('dialog', { name: 'Search' }).locator('input.pagefind-ui__search-input');
  await input.fill('');
  await input.fill(query);
  await expect.poll(() => page.locator('.pagefind-ui__message').innerText(), { timeout: 15_000 }).toMatch(new RegExp(`for ${query}$`));
  // Each result's title and link arrive after the count: wait until every listed result has its link.
  await expect
    .poll(() => page.evaluate(() => [...document.querySelectorAll('.pagefind-ui__result')].every((result) => result.querySelector('.pagefind-ui__result-link'))), {
      timeout: 15_000,
    })
    .toBe(true);
  const pages = await page.evaluate(() =>
    [...document.querySelectorAll('.pagefind-ui__result')].map((result) => new URL(result.querySelector<HTMLAnchorElement>('.pagefind-ui__result-link')!.href).pathname),
  );
  return pages.slice(0, 3);
}

describe('the help site search', () => {
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

  test('finds the right page first for what people type when stuck', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${app.url}/`);
      await page.getByRole('button', { name: 'Search' }).first().click();
      const found: Record<string, string[]> = {};
      for (const [query] of EXPECTED) found[query] = await search(page, query);
      // Each query with its first three results, so a failure shows what came first instead.
      expect(Object.fromEntries(EXPECTED.map(([query]) => [query, found[query]![0]])), JSON.stringify(found, null, 1)).toEqual(Object.fromEntries(EXPECTED));
    } finally {
      await context.close();
    }
  }, 120_000);
});
