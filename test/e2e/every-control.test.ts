// Every link and button of the account pages, clicked at least once in Chromium against the real server, each
// followed by what the person then sees. The list of controls is read from the pages as the server serves them, so
// a control added later fails this test until a step uses it. A page that logs an error, fails a request or calls
// another origin fails it too.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { BUILD_TIMEOUT_MS, ensureHelpSiteBuilt } from '../helpers/help-site-build.js';
import type { HttpClient } from '../helpers/http-client.js';
import { DEMO, profileId } from '../helpers/factories.js';
import { mailTo } from '../helpers/mail.js';
import { addProfessional, clickedControls, controlKey, linkFrom, openPage, ownOrganizationId, signInAtProvider, type WatchedPage } from './support.js';

const ACCOUNT_PAGES = ['/account/sign-in/', '/account/request-link/', '/account/associate/', '/account/choose-profile/', '/account/profile/', '/account/confirm-email/'];
/** Controls the pages create from data, which their HTML cannot list. */
const DYNAMIC_CONTROLS = ['/account/choose-profile/ button Use this profile'];

/** Every link and button inside the account area of a served page (not <noscript>), named as the click tracker names them. */
function controlsIn(path: string, html: string): string[] {
  const area = html.slice(html.indexOf('class="portico-account"'), html.indexOf('</main>')).replace(/<noscript>[\s\S]*?<\/noscript>/g, '');
  const attribute = (attributes: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(attributes)?.[1] ?? null;
  return [...area.matchAll(/<(a|button)\b([^>]*)>([\s\S]*?)<\/\1>/g)].map(([, tag = '', attributes = '', inner = '']) => {
    const text = inner.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&');
    return `${path} ${controlKey(tag, { id: attribute(attributes, 'id'), href: attribute(attributes, 'href'), provider: attribute(attributes, 'data-provider') }, text)}`;
  });
}

describe('the account pages, every control', () => {
  let app: TestApp;
  let browser: Browser;
  let alex: HttpClient;
  let fabrikamId: string;

  beforeAll(async () => {
    await ensureHelpSiteBuilt();
    app = await startTestApp({ env: { OUTBOX_POLL_MS: '100' } });
    browser = await launchBrowser();
    alex = await app.signedIn('alex@fabrikam.example');
    fabrikamId = await ownOrganizationId(alex);
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Invites a new Fabrikam professional; the link from the e-mail. */
  async function invite(givenName: string, email: string): Promise<string> {
    const arrival = mailTo(app.mailCatcher!, email);
    await addProfessional(alex, { organizationId: fabrikamId, givenName, familyName: 'Test', email, sendInvitation: true });
    return linkFrom(await arrival);
  }

  test('each one is clicked, and each click shows what it promises', async () => {
    const watched: WatchedPage = await openPage(browser, app);
    const { page, watch } = watched;
    const bar = page.locator('.account-bar');
    const h1 = (name: string) => page.getByRole('heading', { level: 1, name }).waitFor();
    const h2 = (name: string) => page.getByRole('heading', { level: 2, name }).waitFor();
    const visit = async (path: string) => {
      await page.goto(`${app.url}${path}`);
      await expect.poll(() => bar.locator('[data-account-who]').innerText()).not.toBe('Your account');
    };
    const barLink = (name: string) => bar.getByRole('link', { name, exact: true });
    const signOutFromBar = async () => {
      await bar.getByRole('button', { name: 'Sign out' }).click();
      await expect.poll(() => page.locator('#sign-in-message').innerText()).toMatch(/^You are signed out\./);
    };
    const signIn = async (type: 'Personal account' | 'Work or school account', email: string) => {
      await page.getByRole('button', { name: type }).click();
      await signInAtProvider(page, email);
    };
    /** The page's problem view while /graphql is down, then its "Try again" once it is back. */
    const tryAgain = async (path: string, heading: string, then: () => Promise<void>) => {
      await page.route('**/graphql', (route) => route.fulfill({ status: 503, contentType: 'text/plain', body: 'down for maintenance' }));
      await page.goto(`${app.url}${path}`);
      await h2(heading);
      expect(await page.locator('[data-view="problem"] .notice').innerText()).toBe('The portal did not answer. Check your connection and try again in a moment.');
      await page.unroute('**/graphql');
      await page.locator('[data-view="problem"]').getByRole('link', { name: 'Try again' }).click();
      await then();
    };
    watch.allow(503, /\/graphql$/);

    try {
      // --- Signed out ---------------------------------------------------------------------------------------------
      await visit('/account/sign-in/');
      await page.getByRole('link', { name: 'accept an invitation' }).click();
      await h1('Accept an invitation');
      await visit('/account/sign-in/');
      await page.locator('main p').getByRole('link', { name: 'Ask for a new link' }).click();
      await h1('Ask for a new link');
      await visit('/account/sign-in/');
      await page.getByRole('link', { name: 'the two account types' }).click();
      await expect.poll(() => page.url()).toBe(`${app.url}/start/account-types/`);
      await visit('/account/sign-in/');
      await barLink('Sign in').click();
      await h1('Sign in');
      await barLink('Switch profile').click();
      await h2('Sign in to see your profiles');
      await barLink('Switch profile').click();
      await h2('Sign in to see your profiles');
      await page.locator('[data-view="signed-out"]').getByRole('link', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('[data-sign-in-choice] input[name="returnTo"]').inputValue()).toBe('/account/choose-profile/');
      await barLink('My profile').click();
      await h2('Sign in to see your profile');
      await barLink('My profile').click();
      await barLink('Switch profile').click();
      await h2('Sign in to see your profiles');
      await barLink('My profile').click();
      await barLink('Sign in').click();
      await expect.poll(() => page.locator('[data-sign-in-choice] input[name="returnTo"]').inputValue()).toBe('/account/profile/');

      await visit('/account/request-link/');
      await page.getByLabel('E-mail address your organization registered').fill('nobody@nowhere.example');
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await expect.poll(() => page.locator('#request-status').innerText()).toMatch(/^If this address belongs to one or more profiles/);
      await page.getByRole('link', { name: 'Ask for a new link', exact: true }).click();
      await h1('Ask for a new link');
      await expect.poll(() => page.url()).toBe(`${app.url}/guides/request-link/`);
      for (const [name, then] of [
        ['My profile', () => h2('Sign in to see your profile')],
        ['Switch profile', () => h2('Sign in to see your profiles')],
        ['Sign in', () => expect.poll(() => page.locator('[data-sign-in-choice] input[name="returnTo"]').inputValue()).toBe('/account/request-link/')],
      ] as const) {
        await visit('/account/request-link/');
        await barLink(name).click();
        await then();
      }

      // The link page without a link, and its bar.
      await visit('/account/associate/');
      await h2('This page needs your personal link');
      await page.locator('[data-view="no-token"]').getByRole('link', { name: 'Ask for a new link' }).click();
      await h1('Ask for a new link');
      for (const [name, heading] of [
        ['My profile', 'Sign in to see your profile'],
        ['Switch profile', 'Sign in to see your profiles'],
      ] as const) {
        await visit('/account/associate/');
        await barLink(name).click();
        await h2(heading);
      }

      // --- A link, signed out: the page's own account types, then the bar's Sign in, both keep the link -------------
      const link = await invite('Lee', 'lee@fabrikam.example');
      await page.goto(link);
      await h2('Sign in with the account you want to link');
      await page.locator('[data-view="signed-out"]').getByRole('link', { name: 'the two account types' }).click();
      await expect.poll(() => page.url()).toBe(`${app.url}/start/account-types/`);
      await visit('/account/associate/');
      await h2('Sign in with the account you want to link');
      await barLink('Sign in').click();
      await signIn('Work or school account', 'lee.work@fabrikam.example');
      // Signed in with the wrong account: use a different one.
      await expect.poll(() => page.locator('#confirm-question').innerText()).toBe('You are signed in as lee.work@fabrikam.example (work or school account). Link this account to Lee at Fabrikam Ltd?');
      await page.getByRole('button', { name: 'Use a different account' }).click();
      await signInAtProvider(page, 'lee@mail.example');
      await expect.poll(() => page.locator('#confirm-question').innerText()).toContain('You are signed in as lee@mail.example');
      await bar.getByRole('button', { name: 'Sign out' }).click();
      await expect.poll(() => page.locator('#sign-in-message').innerText()).toMatch(/^You are signed out\./);
      // Signing in from the link page's own button, with "Use a different account" ticked by the sign-out.
      await page.goto(await invite('Lou', 'lou@fabrikam.example'));
      await h2('Sign in with the account you want to link');
      await signIn('Personal account', 'lou@mail.example');
      await page.getByRole('button', { name: 'Link this account' }).click();
      await h2('Your account is linked');
      await expect.poll(() => bar.innerText()).toContain('acting as Lou Test at Fabrikam Ltd');
      await page.getByRole('link', { name: app.url }).click();
      await expect.poll(() => page.url()).toBe(`${app.url}/`);
      await visit('/account/associate/');
      await h2('Your account is linked');
      await page.locator('[data-view="success"]').getByRole('link', { name: 'Go to my profile' }).click();
      await h2('Your profile');
      await visit('/account/associate/');
      await page.locator('[data-view="success"]').getByRole('link', { name: 'Switch profile' }).click();
      await h2('Your profiles');
      await visit('/account/associate/');
      await barLink('My profile').click();
      await h2('Your profile');

      // --- Signed in: My profile ------------------------------------------------------------------------------------
      await page.locator('#profile').getByRole('link', { name: 'Switch profile' }).click();
      await h2('Your profiles');
      await expect.poll(() => page.locator('#profile-list > li').count()).toBe(1);
      await visit('/account/profile/');
      await page.getByRole('button', { name: 'Send me a new link' }).click();
      await expect.poll(() => page.locator('#send-link-status').innerText()).toBe('A new link is on its way to lou@fabrikam.example. Open it and sign in with the account you want to link.');
      await page.getByLabel('Given name').fill('Louise');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await expect.poll(() => page.locator('#edit-status').innerText()).toBe('Your changes are saved.');
      await expect.poll(() => bar.innerText()).toContain('acting as Louise Test at Fabrikam Ltd');
      await page.getByRole('link', { name: 'sign out', exact: true }).click();
      await h1('Sign out');
      await visit('/account/profile/');
      await page.locator('#profile').getByRole('button', { name: 'Sign out' }).click();
      await expect.poll(() => page.locator('#sign-in-message').innerText()).toMatch(/^You are signed out\./);

      // --- Three profiles, none chosen, switching ---------------------------------------------------------------------
      expect(await page.getByLabel('Use a different account').isChecked()).toBe(true);
      await signIn('Personal account', 'casey@shared.example');
      await h2('Your profiles');
      await visit('/account/profile/');
      await h2('Choose a profile first');
      await page.locator('[data-view="no-current"]').getByRole('link', { name: 'Choose a profile' }).click();
      const cards = page.locator('#profile-list > li');
      await expect.poll(() => cards.count()).toBe(3);
      await cards.filter({ hasText: 'Wide World Importers' }).getByRole('button', { name: 'Use this profile' }).click();
      await expect.poll(() => page.locator('#choose-status').innerText()).toBe('You now act as Casey Cole at Wide World Importers.');
      await expect.poll(() => bar.innerText()).toContain('acting as Casey Cole at Wide World Importers');
      await page.locator('[data-view="list"]').getByRole('link', { name: 'ask for a new link' }).click();
      await h1('Ask for a new link');
      await visit('/account/choose-profile/');
      await barLink('My profile').click();
      await h2('Your profile');
      for (const path of ['/account/request-link/', '/account/sign-in/', '/account/choose-profile/']) {
        await visit(path);
        await expect.poll(() => bar.innerText()).toContain('Signed in as casey@shared.example');
        await signOutFromBar();
        await signIn('Personal account', 'casey@shared.example');
        await h2('Your profiles');
      }
      await visit('/account/sign-in/');
      await barLink('My profile').click();
      await h2('Choose a profile first');
      await visit('/account/choose-profile/');
      await barLink('Switch profile').click();
      await h2('Your profiles');
      await visit('/account/profile/');
      await barLink('Switch profile').click();
      await h2('Your profiles');
      await visit('/account/profile/');
      await barLink('My profile').click();
      await h2('Choose a profile first');

      // --- No profile at all ----------------------------------------------------------------------------------------
      await signOutFromBar();
      await signIn('Personal account', 'nobody.here@mail.example');
      await h2('No profile is linked to this account');
      await page.locator('[data-view="none"]').getByRole('link', { name: 'Ask for a new link' }).click();
      await h1('Ask for a new link');

      // --- Links that cannot be used ---------------------------------------------------------------------------------
      await visit('/account/associate/');
      await signOutFromBar();
      const expiring = await invite('Eli', 'eli@fabrikam.example');
      app.travelDays(8);
      try {
        await page.goto(expiring);
        await h2('This link has expired');
        const renewed = mailTo(app.mailCatcher!, 'eli@fabrikam.example');
        await page.getByRole('button', { name: 'Send me a new link' }).click();
        await expect.poll(() => page.locator('#new-link-status').innerText()).toMatch(/^If this link can be renewed, a new one is on its way/);
        expect((await renewed).to).toContain('eli@fabrikam.example');
        await page.locator('#error-help').click();
        await h1('Invitation expired');
      } finally {
        app.travelDays(-8);
      }
      await page.goto(`${app.url}/account/associate/#token=${'z'.repeat(43)}`);
      await h2('This link is not recognized');
      await page.locator('#error-action-link').click();
      await h1('Ask for a new link');

      // --- An e-mail change of a linked profile: confirmed from the new address, stopped from the old one ----------
      const changeEmail = async (email: string, to: string) => {
        const [confirmation, notice] = [mailTo(app.mailCatcher!, to, /Confirm your new e-mail/), mailTo(app.mailCatcher!, email, /about to change/)];
        const id = await profileId(app.db, DEMO.fabrikam, email);
        const res = await alex.graphql<any>('mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { __typename } }', { input: { profileId: id, email: to } });
        expect(res.data.updateProfile.__typename).toBe('UpdateProfileSuccess');
        const link = (mail: { text: string }, kind: 'token' | 'cancel') => new RegExp(`https?://\\S+/account/confirm-email/#${kind}=[A-Za-z0-9_-]{43}`).exec(mail.text)![0];
        return { confirm: link(await confirmation, 'token'), stop: link(await notice, 'cancel') };
      };
      const caseyChange = await changeEmail('casey@shared.example', 'casey.cole@fabrikam.example');
      await page.goto(caseyChange.confirm);
      await page.getByRole('button', { name: 'Confirm my new address' }).click();
      await expect.poll(() => page.locator('#email-change-status').innerText()).toBe('Done: your Fabrikam Ltd profile now uses casey.cole@fabrikam.example.');
      const jamieChange = await changeEmail('jamie@fabrikam.example', 'jamie@elsewhere.example');
      await page.goto(jamieChange.stop);
      await page.getByRole('button', { name: 'Stop this change' }).click();
      await expect.poll(() => page.locator('#email-change-status').innerText()).toBe('Stopped: your Fabrikam Ltd profile keeps jamie@fabrikam.example.');
      // The confirmation link of a stopped change no longer works, and the page says so.
      await page.goto(jamieChange.confirm);
      await page.getByRole('button', { name: 'Confirm my new address' }).click();
      await expect.poll(() => page.locator('#email-change-status').innerText()).toMatch(/^This change was stopped/);
      // The page's account bar, signed out and then signed in.
      await visit('/account/confirm-email/');
      await barLink('Sign in').click();
      await expect.poll(() => page.locator('[data-sign-in-choice] input[name="returnTo"]').inputValue()).toBe('/account/confirm-email/');
      // The personal provider remembers Casey from earlier: ask it for another account.
      await page.getByLabel('Use a different account').check();
      await signIn('Personal account', 'alex@fabrikam.example');
      await h1('Confirm your e-mail address');
      await expect.poll(() => bar.innerText()).toContain('acting as Alex Admin at Fabrikam Ltd');
      await barLink('My profile').click();
      await h2('Your profile');
      await visit('/account/confirm-email/');
      await barLink('Switch profile').click();
      await h2('Your profiles');
      await visit('/account/confirm-email/');
      await signOutFromBar();

      // --- Problems: the portal does not answer, then "Try again" works ----------------------------------------------
      await tryAgain('/account/choose-profile/', 'Your profiles could not be loaded', () => h2('Sign in to see your profiles'));
      await tryAgain('/account/profile/', 'Your profile could not be loaded', () => h2('Sign in to see your profile'));
      await tryAgain(`/account/associate/#token=${'q'.repeat(43)}`, 'This page could not load', () => h2('This link is not recognized'));
      await page.goto(await invite('Ray', 'ray@fabrikam.example'));
      await h2('Sign in with the account you want to link');
      // The work provider remembers Lee's account from earlier: ask it for another one.
      await page.getByLabel('Use a different account').check();
      await signIn('Work or school account', 'ray@work.example');
      await expect.poll(() => page.locator('#confirm-question').innerText()).toContain('You are signed in as ray@work.example (work or school account)');
      await signOutFromBar();
      await visit('/account/profile/');
      await page.locator('[data-view="signed-out"]').getByRole('link', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('[data-sign-in-choice] input[name="returnTo"]').inputValue()).toBe('/account/profile/');
      watched.assertClean();
    } finally {
      await watched.close();
    }

    // Every control of every account page, as served, was clicked at least once.
    const controls = new Set(DYNAMIC_CONTROLS);
    for (const path of ACCOUNT_PAGES) for (const control of controlsIn(path, await (await fetch(`${app.url}${path}`)).text())) controls.add(control);
    expect(controls.size).toBeGreaterThan(40);
    expect([...controls].filter((control) => !clickedControls.has(control)).sort()).toEqual([]);
  }, 300_000);
});
