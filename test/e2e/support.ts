// Shared by the browser journeys: a watched page per test, screenshots for the help site, and the few GraphQL
// calls an administrator makes to set a journey up.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { CaughtMail, MailCatcher } from '../../server/dev/mail-catcher.js';
import type { TestApp } from '../helpers/app.js';
import { watchPage, type PageWatch } from '../helpers/browser.js';
import { HELP_SITE } from '../helpers/help-site-build.js';
import type { HttpClient } from '../helpers/http-client.js';

export const SCREENSHOTS = join(HELP_SITE, 'public', 'screenshots');
export const VIEWPORT = { width: 1000, height: 700 };

/** The answer requestAssociationEmails gives whatever was typed. */
export const LINK_REQUEST_ANSWER = /If this address belongs to one or more profiles, an e-mail with a personal link is on its way/;

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  watch: PageWatch;
  /** Fails the test on any console error, failed request, unexpected HTTP error or request to another origin. */
  assertClean(): void;
  close(): Promise<void>;
}

/**
 * Every link and button clicked on an account page in this test file, as `<path> <control>` (see `controlKey`), so a
 * journey can prove it used them all.
 */
export const clickedControls = new Set<string>();

/** How a link or button is named in `clickedControls`: its id, else a link's href and text, a button's provider or text. */
export function controlKey(tag: string, attributes: { id?: string | null; href?: string | null; provider?: string | null }, text: string): string {
  const words = text.trim().replace(/\s+/g, ' ');
  if (attributes.id) return `${tag}#${attributes.id}`;
  if (tag === 'a') return `a ${attributes.href ?? ''} ${words}`;
  return attributes.provider ? `button provider:${attributes.provider}` : `button ${words}`;
}

/** A fresh browser context (no cookies) and page, watched from the first request. */
export async function openPage(browser: Browser, app: TestApp, colorScheme: 'light' | 'dark' = 'light'): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme, timezoneId: 'UTC', locale: 'en-GB' });
  await context.exposeBinding('porticoClicked', (_source, key: string) => void clickedControls.add(key));
  await context.addInitScript(`document.addEventListener('click', (event) => {
    const control = event.target instanceof Element ? event.target.closest('a, button') : null;
    if (!control || !location.pathname.startsWith('/account/')) return;
    const key = (${String(controlKey)})(control.localName, { id: control.id, href: control.getAttribute('href'), provider: control.getAttribute('data-provider') }, control.textContent ?? '');
    window.porticoClicked(location.pathname + ' ' + key);
  }, true)`);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const watch = watchPage(page, new URL(app.url).origin);
  return {
    context,
    page,
    watch,
    assertClean() {
      expect(watch.problems).toEqual([]);
      expect(watch.otherOrigins).toEqual([]);
    },
    close: () => context.close(),
  };
}

/**
 * Saves what the page shows into help-site/public/screenshots/<name>.png for the guides, with UPDATE_SCREENSHOTS=true
 * only (`npm run screenshots`), and only when its bytes change, so an unchanged run leaves the help site's build fresh.
 */
export async function screenshot(page: Page, name: string, element?: Locator): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  const options = { animations: 'disabled', caret: 'hide' } as const;
  const png = element ? await element.screenshot(options) : await page.screenshot({ ...options, fullPage: false });
  // The guides' images are refreshed on purpose (`npm run screenshots`), never by `npm test`: their dates change
  // daily and font antialiasing differs between machines, which would leave every test run with a dirty tree.
  if (process.env.UPDATE_SCREENSHOTS !== 'true') return;
  const file = join(SCREENSHOTS, `${name}.png`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  if (existsSync(file) && readFileSync(file).equals(png)) return;
  writeFileSync(file, png);
}

/** The association link in an e-mail's text (the one the person selects). */
export function linkFrom(mail: CaughtMail): string {
  const match = /https?:\/\/\S+\/account\/associate\/#token=[A-Za-z0-9_-]+/.exec(mail.text);
  if (!match) throw new Error(`no association link in the e-mail "${mail.subject}"`);
  return match[0];
}

/** Waits for `count` new e-mails to `to` (not among those caught before `before` was taken). */
export async function mailsTo(catcher: MailCatcher, to: string, count: number, before: Set<string>, timeoutMs = 15_000): Promise<CaughtMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = catcher.messages().filter((m) => !before.has(m.id) && m.to.includes(to));
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`expected ${count} e-mails to ${to}, got ${found.length}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const seenMail = (catcher: MailCatcher) => new Set(catcher.messages().map((m) => m.id));

/** The organization of the administrator's current profile. */
export async function ownOrganizationId(admin: HttpClient): Promise<string> {
  const result = await admin.graphql<{ viewer: { currentProfile: { organization: { id: string } } | null } }>('{ viewer { currentProfile { organization { id } } } }');
  const id = result.data?.viewer.currentProfile?.organization.id;
  if (!id) throw new Error(`the administrator has no current profile: ${JSON.stringify(result)}`);
  return id;
}

/** addProfessional as `admin`; returns the new profile's id. */
export async function addProfessional(
  admin: HttpClient,
  input: { organizationId: string; givenName: string; familyName: string; email: string; sendInvitation: boolean },
): Promise<string> {
  const result = await admin.graphql<{ addProfessional: { __typename: string; profile?: { id: string }; code?: string; message?: string } }>(
    `mutation Add($input: AddProfessionalInput!) {
      addProfessional(input: $input) { __typename ... on AddProfessionalSuccess { profile { id } } ... on Error { code message } }
    }`,
    { input },
  );
  const payload = result.data?.addProfessional;
  if (payload?.__typename !== 'AddProfessionalSuccess' || !payload.profile) throw new Error(`addProfessional failed: ${JSON.stringify(result)}`);
  return payload.profile.id;
}

export interface BrowserViewer {
  signedIn: boolean;
  identity: { email: string; provider: { key: string } } | null;
  currentProfile: { id: string; organization: { name: string } } | null;
  profiles: Array<{ id: string; organization: { name: string } }>;
}

/** The viewer as the page's own session sees it. */
export function viewerIn(page: Page): Promise<BrowserViewer> {
  return page.evaluate(async () => {
    const response = await fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        query: '{ viewer { signedIn identity { email provider { key } } currentProfile { id organization { name } } profiles { id organization { name } } } }',
      }),
    });
    const body = (await response.json()) as { data: { viewer: BrowserViewer } };
    return body.data.viewer;
  });
}

/** On the demo provider's form: types the address and signs in. */
export async function signInAtProvider(page: Page, email: string): Promise<void> {
  const field = page.locator('input[name=email]');
  await field.waitFor();
  await field.fill(email);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** axe's findings on the page as it is now, each prefixed with the state's name (empty when none). */
export async function axeViolations(page: Page, state: string): Promise<string[]> {
  const { AxeBuilder } = await import('@axe-core/playwright');
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((v) => `${state}: ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Opens `url`, waits for `ready` to be visible, and returns axe's findings under the state's name. */
export async function axeAt(page: Page, state: string, url: string, ready: string): Promise<string[]> {
  await page.goto(url);
  await page.locator(ready).first().waitFor({ state: 'visible' });
  return axeViolations(page, state);
}

/** From the sign-in page, with the personal account at the demo provider, back to `returnTo`. */
export async function signInFrom(page: Page, app: TestApp, email: string, returnTo: string): Promise<void> {
  await page.goto(`${app.url}/account/sign-in/?returnTo=${encodeURIComponent(returnTo)}`);
  await page.getByRole('button', { name: 'Personal account' }).click();
  await signInAtProvider(page, email);
}

/** A row of an administration table, by the name of the link in it. */
export const tableRowOf = (page: Page, name: string, rows = 'tbody tr') => page.locator(rows).filter({ has: page.getByRole('link', { name, exact: true }) });

/** Presses `key` until the focused element matches `selector`; fails after `limit` presses. */
export async function pressUntilFocused(page: Page, key: 'Tab' | 'Shift+Tab', selector: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(key);
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`${key} ${limit} times never reached ${selector}`);
}

/** What a sighted keyboard user sees of the focused element: a ring the browser draws for keyboard focus. */
export const focusIsVisible = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    if (!active || !active.matches(':focus-visible')) return false;
    const style = getComputedStyle(active);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  });
