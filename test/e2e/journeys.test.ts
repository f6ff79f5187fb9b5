// The whole journey of a professional in a real browser against the real server: invitation e-mail, the account
// pages, the demo provider's sign-in, linking, switching and re-linking. Every page visited is saved as a
// screenshot for the help site's guides (see help-site/README.md).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { BUILD_TIMEOUT_MS, ensureHelpSiteBuilt } from '../helpers/help-site-build.js';
import type { HttpClient } from '../helpers/http-client.js';
import { mailTo } from '../helpers/mail.js';
import {
  addProfessional,
  LINK_REQUEST_ANSWER,
  linkFrom,
  mailsTo,
  openPage,
  ownOrganizationId,
  screenshot,
  seenMail,
  signInAtProvider,
  viewerIn,
} from './support.js';

const JOURNEY_MS = 120_000;

describe('a professional in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let alex: HttpClient;
  let fabrikamId: string;

  beforeAll(async () => {
    // The server decides at start whether it serves the help site, so the site is built first.
    await ensureHelpSiteBuilt();
    // The app's clock stands at 09:00 UTC today, so the screenshots (expiry dates in e-mails and pages) change once a
    // day at most rather than on every run. Sessions and cookies keep real time; they are hours apart at most.
    const nineToday = new Date(`${new Date().toISOString().slice(0, 10)}T09:00:00Z`).getTime();
    const started = Date.now();
    app = await startTestApp({ env: { OUTBOX_POLL_MS: '100' }, now: () => new Date(nineToday + (Date.now() - started)) });
    browser = await launchBrowser();
    alex = await app.signedIn('alex@fabrikam.example');
    fabrikamId = await ownOrganizationId(alex);
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test('an invited professional opens the e-mail, signs in with a personal account and links it', async () => {
    const { page, assertClean, close } = await openPage(browser, app);
    try {
      const arrival = mailTo(app.mailCatcher!, 'dana@fabrikam.example');
      const profileId = await addProfessional(alex, { organizationId: fabrikamId, givenName: 'Dana', familyName: 'Diaz', email: 'dana@fabrikam.example', sendInvitation: true });
      const mail = await arrival;
      const link = linkFrom(mail);

      await page.goto(`${app.url}/dev/mailbox`);
      await page.getByRole('heading', { level: 2, name: mail.subject }).first().waitFor();
      // The guide's picture of the e-mail: the real message, shown at a fixed portal address and without its token,
      // which change every run (the mailbox page itself was just checked to list it).
      const shown = await page.context().newPage();
      await shown.setViewportSize({ width: 760, height: 640 });
      await shown.setContent(mail.html.replaceAll(app.url, 'https://portal.example').replace(/#token=[A-Za-z0-9_-]+/g, '#token=…'));
      await screenshot(shown, 'invitation-email');
      await shown.close();

      await page.goto(link);
      await page.getByRole('heading', { name: 'Sign in with the account you want to link' }).waitFor();
      // The token left the address bar as soon as the page read it.
      expect(page.url()).toBe(`${app.url}/account/associate/`);
      await expect.poll(() => page.locator('#associate').innerText()).toContain('Fabrikam Ltd');
      expect(await page.locator('#associate').innerText()).toContain('d***@f***.example');
      await screenshot(page, 'associate-signed-out');

      await page.getByRole('button', { name: 'Personal account' }).click();
      await signInAtProvider(page, 'dana.diaz@mail.example');
      const question = page.locator('#confirm-question');
      await question.waitFor();
      expect(await question.innerText()).toBe('You are signed in as dana.diaz@mail.example (personal account). Link this account to Dana at Fabrikam Ltd?');
      expect(page.url()).toBe(`${app.url}/account/associate/`);
      await screenshot(page, 'associate-confirm');

      await page.getByRole('button', { name: 'Link this account' }).click();
      await page.getByRole('heading', { name: 'Your account is linked' }).waitFor();
      expect(await page.locator('#associate').innerText()).toContain('Sign in with this same account');
      // The bar follows at once, without reloading.
      await expect.poll(() => page.locator('.account-bar').innerText()).toContain('acting as Dana Diaz at Fabrikam Ltd');
      expect(await page.locator('#associate').innerText()).toContain(`add ${app.url} to your bookmarks`);
      // The guide's picture shows a fixed portal address: this server's port changes every run.
      await page.evaluate((url) => {
        for (const link of document.querySelectorAll<HTMLAnchorElement>(`#associate a[href="${url}/"]`)) link.textContent = 'https://portal.example';
      }, app.url);
      await screenshot(page, 'associate-success');
      // Reloading the success page still shows the success, not "this page needs your personal link".
      await page.reload();
      await page.getByRole('heading', { name: 'Your account is linked' }).waitFor();
      expect(await page.locator('#associate').innerText()).toContain("Dana Diaz's profile at Fabrikam Ltd");

      const viewer = await viewerIn(page);
      expect(viewer.identity?.email).toBe('dana.diaz@mail.example');
      expect(viewer.currentProfile?.id).toBe(profileId);
      expect(await page.evaluate(() => sessionStorage.getItem('portico.associationToken'))).toBeNull();

      await page.goto(`${app.url}/account/profile/`);
      await page.getByRole('heading', { name: 'Your profile' }).waitFor();
      await expect.poll(() => page.locator('.account-bar').innerText()).toContain('acting as Dana Diaz at Fabrikam Ltd');
      // "Who is my administrator?" is answered on My profile.
      await expect.poll(() => page.locator('#profile [data-slot="administrators"]').innerText()).toBe('Alex Admin');
      await screenshot(page, 'profile');
      assertClean();
    } finally {
      await close();
    }
  }, JOURNEY_MS);

  test('a person without their invitation asks for links, follows both with one account and switches profile', async () => {
    const robin = await app.signedIn('robin@wideworld.example', 'work');
    const wideWorldId = await ownOrganizationId(robin);
    const email = 'sky@consulting.example';
    await addProfessional(alex, { organizationId: fabrikamId, givenName: 'Sky', familyName: 'Sato', email, sendInvitation: false });
    await addProfessional(robin, { organizationId: wideWorldId, givenName: 'Sky', familyName: 'Sato', email, sendInvitation: false });

    const { page, assertClean, close } = await openPage(browser, app);
    try {
      const before = seenMail(app.mailCatcher!);
      await page.goto(`${app.url}/account/request-link/`);
      await page.getByLabel('E-mail address your organization registered').fill(email);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await expect.poll(() => page.locator('#request-status').innerText()).toMatch(LINK_REQUEST_ANSWER);
      await screenshot(page, 'request-link');

      const mails = await mailsTo(app.mailCatcher!, email, 2, before);
      const links = mails.map(linkFrom);
      expect(new Set(links).size).toBe(2);

      // Signing in from the account bar instead of the page's own buttons keeps the link.
      await page.goto(links[0]!);
      await page.getByRole('heading', { name: 'Sign in with the account you want to link' }).waitFor();
      await page.locator('.account-bar').getByRole('link', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Personal account' }).click();
      await signInAtProvider(page, 'sky@mail.example');
      await expect.poll(() => page.locator('#confirm-question').innerText()).toContain('You are signed in as sky@mail.example');
      await page.getByRole('button', { name: 'Link this account' }).click();
      await page.getByRole('heading', { name: 'Your account is linked' }).waitFor();

      // Already signed in: the second link goes straight to the confirmation.
      await page.goto(links[1]!);
      await expect.poll(() => page.locator('#confirm-question').innerText()).toContain('You are signed in as sky@mail.example');
      await page.getByRole('button', { name: 'Link this account' }).click();
      await page.getByRole('heading', { name: 'Your account is linked' }).waitFor();

      await page.goto(`${app.url}/account/choose-profile/`);
      const cards = page.locator('#profile-list > li');
      await expect.poll(() => cards.count()).toBe(2);
      expect(await cards.allInnerTexts()).toEqual([expect.stringContaining('Fabrikam Ltd'), expect.stringContaining('Wide World Importers')]);
      const current = (await viewerIn(page)).currentProfile!.organization.name;
      const other = current === 'Fabrikam Ltd' ? 'Wide World Importers' : 'Fabrikam Ltd';
      await cards.filter({ hasText: other }).getByRole('button', { name: 'Use this profile' }).click();
      await expect.poll(() => page.locator('#choose-status').innerText()).toBe(`You now act as Sky Sato at ${other}.`);
      expect(await page.locator('#profile-list > li[aria-current="true"] h3').innerText()).toBe(other);
      expect((await viewerIn(page)).currentProfile?.organization.name).toBe(other);
      await expect.poll(() => page.locator('.account-bar').innerText()).toContain(`acting as Sky Sato at ${other}`);
      assertClean();
    } finally {
      await close();
    }
  }, JOURNEY_MS);

  test('a linked professional sends themselves a new link and links a work account instead; a security notice follows', async () => {
    const first = await openPage(browser, app);
    let link: string;
    try {
      const { page } = first;
      await page.goto(`${app.url}/account/sign-in/?returnTo=/account/profile/`);
      await page.getByRole('button', { name: 'Personal account' }).click();
      await signInAtProvider(page, 'jamie@fabrikam.example');
      await page.getByRole('heading', { name: 'Your profile' }).waitFor();
      expect(page.url()).toBe(`${app.url}/account/profile/`);
      const arrival = mailTo(app.mailCatcher!, 'jamie@fabrikam.example');
      await page.getByRole('button', { name: 'Send me a new link' }).click();
      await expect.poll(() => page.locator('#send-link-status').innerText()).toContain('A new link is on its way to jamie@fabrikam.example');
      await screenshot(page, 'profile-send-link');
      link = linkFrom(await arrival);
      first.assertClean();
    } finally {
      await first.close();
    }

    // On another device, with the work account.
    const second = await openPage(browser, app);
    try {
      const { page } = second;
      const notice = mailTo(app.mailCatcher!, 'jamie@fabrikam.example', /Security notice/);
      await page.goto(link);
      await page.getByRole('button', { name: 'Work or school account' }).click();
      await signInAtProvider(page, 'jamie.jones@fabrikam.example');
      await expect.poll(() => page.locator('#confirm-question').innerText()).toBe(
        'You are signed in as jamie.jones@fabrikam.example (work or school account). Link this account to Jamie at Fabrikam Ltd?',
      );
      await page.getByRole('button', { name: 'Link this account' }).click();
      await page.getByRole('heading', { name: 'Your account is linked' }).waitFor();

      await page.goto(`${app.url}/account/profile/`);
      const facts = page.locator('dl.facts');
      await expect.poll(() => facts.innerText()).toContain('Work or school account, jamie.jones@fabrikam.example');
      expect((await notice).subject).toMatch(/Security notice/);
      second.assertClean();
    } finally {
      await second.close();
    }
  }, JOURNEY_MS);

  test('an expired link explains itself and sends a new one in one click, and the new one works', async () => {
    const arrival = mailTo(app.mailCatcher!, 'erin@fabrikam.example');
    await addProfessional(alex, { organizationId: fabrikamId, givenName: 'Erin', familyName: 'Ellis', email: 'erin@fabrikam.example', sendInvitation: true });
    const expired = linkFrom(await arrival);

    const { page, watch, assertClean, close } = await openPage(browser, app);
    app.travelDays(8);
    let moved = true;
    try {
      await page.goto(expired);
      await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
      // Said once, in the page's words, with the date as people write it.
      expect(await page.locator('[data-view="error"] [data-slot="errorText"]').innerText()).toMatch(
        /^Personal links work for a few days only\. Get a new one in one click\. It expired on \d{1,2} [A-Z][a-z]+ \d{4}\.$/,
      );
      expect(await page.locator('#new-link-hint').innerText()).toBe('The new link goes to the address this one was sent to: e***@f***.example.');
      expect(await page.getByRole('link', { name: 'More about this message' }).getAttribute('href')).toMatch(/\/troubleshooting\/invitation-expired\/$/);
      await screenshot(page, 'associate-expired');

      const before = seenMail(app.mailCatcher!);
      await page.getByRole('button', { name: 'Send me a new link' }).click();
      await expect.poll(() => page.locator('#new-link-status').innerText()).toBe(
        'If this link can be renewed, a new one is on its way to the address it was sent to. Check your inbox and junk mail in a few minutes.',
      );
      const fresh = mailsTo(app.mailCatcher!, 'erin@fabrikam.example', 1, before).then(([mail]) => mail!);
      const renewed = linkFrom(await fresh);
      app.travelDays(-8);
      moved = false;

      await page.goto(renewed);
      await page.getByRole('button', { name: 'Personal account' }).click();
      await signInAtProvider(page, 'erin@mail.example');
      await page.getByRole('button', { name: 'Link this account' }).click();
      await page.getByRole('heading', { name: 'Your account is linked' }).waitFor();
      expect(watch.problems).toEqual([]);
      assertClean();
    } finally {
      if (moved) app.travelDays(-8);
      await close();
    }
  }, JOURNEY_MS);

  test('signed in with the wrong account, the page names it, and "Use a different account" lets the right one link', async () => {
    const arrival = mailTo(app.mailCatcher!, 'fran@fabrikam.example');
    const profileId = await addProfessional(alex, { organizationId: fabrikamId, givenName: 'Fran', familyName: 'Fox', email: 'fran@fabrikam.example', sendInvitation: true });
    const link = linkFrom(await arrival);

    const { page, assertClean, close } = await openPage(browser, app);
    try {
      await page.goto(`${app.url}/account/sign-in/`);
      await screenshot(page, 'sign-in');
      await page.getByRole('button', { name: 'Personal account' }).click();
      await signInAtProvider(page, 'family.computer@mail.example');
      await page.getByRole('heading', { name: 'No profile is linked to this account' }).waitFor();

      await page.goto(link);
      await expect.poll(() => page.locator('#confirm-question').innerText()).toBe(
        'You are signed in as family.computer@mail.example (personal account). Link this account to Fran at Fabrikam Ltd?',
      );
      await screenshot(page, 'associate-wrong-account');

      await page.getByRole('button', { name: 'Use a different account' }).click();
      // prompt=select_account: the provider asks again instead of reusing its session.
      await page.waitForURL(/\/dev\/idp\/personal\//);
      await signInAtProvider(page, 'fran.fox@mail.example');
      await expect.poll(() => page.locator('#confirm-question').innerText()).toBe(
        'You are signed in as fran.fox@mail.example (personal account). Link this account to Fran at Fabrikam Ltd?',
      );
      await page.getByRole('button', { name: 'Link this account' }).click();
      await page.getByRole('heading', { name: 'Your account is linked' }).waitFor();
      const viewer = await viewerIn(page);
      expect(viewer.identity?.email).toBe('fran.fox@mail.example');
      expect(viewer.currentProfile?.id).toBe(profileId);
      assertClean();
    } finally {
      await close();
    }
  }, JOURNEY_MS);

  test('the portal home shows who is signed in, its bar signs in and out, and My profile signs out too', async () => {
    const { page, assertClean, close } = await openPage(browser, app);
    const bar = page.locator('.account-bar');
    try {
      // The bookmark: the portal's home page, with the account bar on it.
      await page.goto(`${app.url}/`);
      await expect.poll(() => bar.innerText()).toContain('You are not signed in.');
      await bar.getByRole('link', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Personal account' }).click();
      await signInAtProvider(page, 'pat@blueyonder.example');
      await page.waitForURL(`${app.url}/`);
      await expect.poll(() => bar.innerText()).toContain('Signed in as pat@blueyonder.example, acting as Pat Partner at Blue Yonder Consulting.');

      await bar.getByRole('button', { name: 'Sign out' }).click();
      await expect.poll(() => page.locator('#sign-in-message').innerText()).toMatch(/^You are signed out\./);
      expect(new URL(page.url()).pathname).toBe('/account/sign-in/');
      expect((await viewerIn(page)).signedIn).toBe(false);

      // Just signed out, "Use a different account" is on: the provider asks again instead of signing the same one in.
      expect(await page.getByLabel('Use a different account').isChecked()).toBe(true);
      await page.getByRole('button', { name: 'Personal account' }).click();
      await signInAtProvider(page, 'pat@blueyonder.example');
      await page.waitForURL(`${app.url}/account/choose-profile/`);
      await bar.getByRole('link', { name: 'My profile' }).click();
      await page.getByRole('heading', { name: 'Your profile' }).waitFor();
      await page.locator('#profile').getByRole('button', { name: 'Sign out' }).click();
      await expect.poll(() => page.locator('#sign-in-message').innerText()).toMatch(/^You are signed out\./);
      expect((await viewerIn(page)).signedIn).toBe(false);
      await expect.poll(() => bar.innerText()).toContain('You are not signed in.');
      assertClean();
    } finally {
      await close();
    }
  }, JOURNEY_MS);

  test('a person with three profiles sees the one behind a lapsed plan but cannot choose it', async () => {
    const { page, assertClean, close } = await openPage(browser, app);
    try {
      await page.goto(`${app.url}/account/sign-in/`);
      await page.getByRole('button', { name: 'Personal account' }).click();
      await signInAtProvider(page, 'casey@shared.example');
      const cards = page.locator('#profile-list > li');
      await expect.poll(() => cards.count()).toBe(3);
      const tailspin = cards.filter({ hasText: 'Tailspin Toys' });
      expect(await tailspin.getByRole('button').count()).toBe(0);
      expect(await tailspin.innerText()).toMatch(/service plan of Tailspin Toys ended on \d{1,2} [A-Z][a-z]+ \d{4}/);
      await screenshot(page, 'choose-profile');

      await cards.filter({ hasText: 'Wide World Importers' }).getByRole('button', { name: 'Use this profile' }).click();
      await expect.poll(() => page.locator('#choose-status').innerText()).toBe('You now act as Casey Cole at Wide World Importers.');
      assertClean();
    } finally {
      await close();
    }
  }, JOURNEY_MS);
});
