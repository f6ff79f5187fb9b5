// Portico against an OpenID Connect server nobody on this project wrote: glewlwyd, configured only through Portico's
// own settings (issuer, client id, secret). A person follows an invitation, picks the work account type, signs in on
// glewlwyd's own login and consent pages in Chromium, and links that identity to the invited profile.
// `.ci/run` installs the package. Without it the suite is skipped, with the reason in its title, unless CI=true:
// then it fails, so a CI machine can never pass it without running it.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { BUILD_TIMEOUT_MS, ensureHelpSiteBuilt } from '../helpers/help-site-build.js';
import type { HttpClient } from '../helpers/http-client.js';
import { mailTo } from '../helpers/mail.js';
import { addProfessional, linkFrom, openPage, ownOrganizationId, viewerIn } from '../e2e/support.js';
import { glewlwydMissing, startGlewlwyd, type Glewlwyd } from './glewlwyd.js';

const missing = process.env.CI === 'true' ? null : glewlwydMissing();
const CLIENT = { clientId: 'portico-interop', clientSecret: 'glewlwyd-client-secret-0123456789abcdef' };
const DANA = { username: 'dana', password: 'Dana-interop-password-42', name: 'Dana Diaz', email: 'dana.diaz@glewlwyd.example' };
const JOURNEY_MS = 120_000;

describe.skipIf(missing !== null)(`signing in through glewlwyd${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let glewlwyd: Glewlwyd;
  let app: TestApp;
  let browser: Browser;
  let alex: HttpClient;

  beforeAll(async () => {
    await ensureHelpSiteBuilt();
    glewlwyd = await startGlewlwyd();
    // Only configuration: the work account type signs in at glewlwyd, the personal one stays on the demo provider.
    app = await startTestApp({
      env: {
        OUTBOX_POLL_MS: '100',
        OIDC_WORK_ISSUER: glewlwyd.issuer,
        OIDC_WORK_CLIENT_ID: CLIENT.clientId,
        OIDC_WORK_CLIENT_SECRET: CLIENT.clientSecret,
      },
    });
    await glewlwyd.addClient({ ...CLIENT, redirectUri: `${app.url}/auth/callback/work` });
    await glewlwyd.addUser(DANA);
    browser = await launchBrowser();
    alex = await app.signedIn('alex@fabrikam.example');
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await glewlwyd?.stop();
  });

  test('an invited professional signs in on glewlwyd’s own pages and links that identity', async () => {
    const { page, watch, close } = await openPage(browser, app);
    try {
      const arrival = mailTo(app.mailCatcher!, 'dana@fabrikam.example');
      const profileId = await addProfessional(alex, {
        organizationId: await ownOrganizationId(alex),
        givenName: 'Dana',
        familyName: 'Diaz',
        email: 'dana@fabrikam.example',
        sendInvitation: true,
      });
      await page.goto(linkFrom(await arrival));
      await page.getByRole('heading', { name: 'Sign in with the account you want to link' }).waitFor();
      await page.getByRole('button', { name: 'Work or school account' }).click();

      // glewlwyd's login page, then its consent page for the scopes Portico asks for.
      await page.waitForURL((url) => url.origin === glewlwyd.origin);
      await page.locator('#username').fill(DANA.username);
      await page.locator('#password').fill(DANA.password);
      await page.locator('#loginbut').click();
      for (const scope of ['email', 'profile']) await page.locator(`#grant-${scope}`).check();
      await page.getByRole('button', { name: 'Grant access' }).click();
      await page.getByRole('button', { name: 'Continue' }).click();

      const question = page.locator('#confirm-question');
      await question.waitFor();
      expect(await question.innerText()).toBe(`You are signed in as ${DANA.email} (work or school account). Link this account to Dana at Fabrikam Ltd?`);
      await page.getByRole('button', { name: 'Link this account' }).click();
      await page.getByRole('heading', { name: 'Your account is linked' }).waitFor();

      const viewer = await viewerIn(page);
      expect(viewer.identity).toEqual({ email: DANA.email, provider: { key: 'work' } });
      expect(viewer.currentProfile?.id).toBe(profileId);
      const identity = await app.db.identity.findFirstOrThrow({ where: { email: DANA.email } });
      expect(identity.issuer).toBe(glewlwyd.issuer);
      // glewlwyd's own pages log their missing translations; Portico's pages must be clean.
      expect(watch.problems.filter((problem) => problem.includes(app.url))).toEqual([]);
    } finally {
      await close();
    }
  }, JOURNEY_MS);
});
