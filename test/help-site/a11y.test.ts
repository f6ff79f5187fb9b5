import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { BUILD_TIMEOUT_MS, ensureHelpSiteBuilt, listHtmlPages, pagePath } from '../helpers/help-site-build.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const PAGES_AT_ONCE = 4;
/** One page of each layout: checked whole, and in the dark theme too. */
const FULL_CHECK = [
  '/',
  '/start/first-sign-in/',
  '/guides/accept-invitation/',
  '/troubleshooting/',
  '/troubleshooting/invitation-expired/',
  '/faq/',
  '/reference/graphiql-recipes/',
  '/reference/api/',
  '/404.html',
];

interface PageReport {
  path: string;
  violations: string[];
  otherOrigins: string[];
  consoleErrors: string[];
}

/** Opens one page, records every request and console error, and runs axe on it. */
async function checkPage(context: BrowserContext, origin: string, path: string): Promise<PageReport> {
  // The sidebar is the same on every page; checking it on the sample pages keeps the run short.
  const skipSidebar = !FULL_CHECK.includes(path);
  const report: PageReport = { path, violations: [], otherOrigins: [], consoleErrors: [] };
  const page = await context.newPage();
  page.on('request', (request) => {
    const url = request.url();
    if (!/^(data|blob):/.test(url) && new URL(url).origin !== origin) report.otherOrigins.push(url);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') report.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => report.consoleErrors.push(error.message));
  try {
    const response = await page.goto(origin + path, { waitUntil: 'load' });
    if (path !== '/404.html' && response?.status() !== 200) report.consoleErrors.push(`HTTP ${response?.status()}`);
    const axe = new AxeBuilder({ page });
    if (skipSidebar) axe.exclude('#starlight__sidebar');
    const results = await axe.analyze();
    report.violations = results.violations.map(
      (violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
  } finally {
    await page.close();
  }
  return report;
}

async function checkAll(context: BrowserContext, origin: string, paths: string[]): Promise<PageReport[]> {
  const queue = [...paths];
  const reports: PageReport[] = [];
  await Promise.all(
    Array.from({ length: PAGES_AT_ONCE }, async () => {
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        reports.push(await checkPage(context, origin, path));
      }
    }),
  );
  return reports.sort((a, b) => a.path.localeCompare(b.path));
}

const problems = (reports: PageReport[], key: 'violations' | 'otherOrigins' | 'consoleErrors') =>
  reports.filter((report) => report[key].length > 0).map((report) => ({ page: report.path, [key]: report[key] }));

describe('the help site in a real browser', () => {
  let server: TestApp;
  let browser: Browser;
  let paths: string[] = [];

  beforeAll(async () => {
    await ensureHelpSiteBuilt();
    // As the server serves them: the account bar on every page asks /graphql who is signed in. The account pages
    // themselves are checked in each of their states by test/e2e.
    paths = listHtmlPages().map(pagePath).filter((p) => !p.startsWith('/account/'));
    server = await startTestApp();
    browser = await launchBrowser();
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('every page has no accessibility violation, loads nothing from another origin and logs no error', async () => {
    const context = await browser.newContext({ colorScheme: 'light' });
    try {
      const reports = await checkAll(context, server.url, paths);
      expect(reports).toHaveLength(paths.length);
      expect(problems(reports, 'violations')).toEqual([]);
      expect(problems(reports, 'otherOrigins')).toEqual([]);
      expect(problems(reports, 'consoleErrors')).toEqual([]);
    } finally {
      await context.close();
    }
  }, 600_000);

  // Colours come from the theme, not the page, so one page of each layout covers the dark theme.
  test('one page of each layout in the dark theme has no accessibility violation', async () => {
    const context = await browser.newContext({ colorScheme: 'dark' });
    try {
      const reports = await checkAll(context, server.url, FULL_CHECK);
      expect(problems(reports, 'violations')).toEqual([]);
      expect(problems(reports, 'consoleErrors')).toEqual([]);
    } finally {
      await context.close();
    }
  }, 300_000);

  test('search finds pages about "invitation" without leaving the site', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const otherOrigins: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).origin !== server.url) otherOrigins.push(request.url());
    });
    try {
      await page.goto(`${server.url}/`);
      await page.getByRole('button', { name: 'Search' }).first().click();
      const input = page.getByRole('dialog', { name: 'Search' }).locator('input.pagefind-ui__search-input');
      await input.fill('invitation');
      const results = page.locator('.pagefind-ui__result-link');
      await results.first().waitFor({ timeout: 15_000 });
      expect(await results.count()).toBeGreaterThan(0);
      const href = await results.first().getAttribute('href');
      expect(href).toMatch(/^\//);
      expect(otherOrigins).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
