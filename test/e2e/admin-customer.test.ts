// A customer's administrator manages the organization's people in a real browser, starting at the sign-in page:
// adds a colleague (the e-mail arrives, the table says sent), fixes an address the mail server refused, changes an
// e-mail (the old link is revoked, the new one works), grants and takes back administrator, is stopped from removing
// the last administrator, removes a person (their session ends). A professional who opens the same pages is told
// who their administrators are. axe checks every state; the pages fit 390 px and work by keyboard.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { BUILD_TIMEOUT_MS, ensureHelpSiteBuilt } from '../helpers/help-site-build.js';
import { mailTo, tokenFrom } from '../helpers/mail.js';
import { addProfessional, axeViolations, focusIsVisible, openPage, ownOrganizationId, pressUntilFocused, screenshot, signInFrom, tableRowOf } from './support.js';

const JOURNEY_MS = 180_000;

const rowOf = (page: Page, name: string) => tableRowOf(page, name, '#people-rows tr');

describe('a customer administrator in a real browser', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    await ensureHelpSiteBuilt();
    app = await startTestApp({ env: { OUTBOX_POLL_MS: '100', OUTBOX_RETRY_BASE_MS: '100' } });
    browser = await launchBrowser();
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  test('adds a colleague, fixes a refused address, changes an e-mail, grants and revokes administrator, removes people', async () => {
    const watched = await openPage(browser, app);
    const { page } = watched;
    const found: string[] = [];
    try {
      await signInFrom(page, app, 'alex@fabrikam.example', '/account/admin/');
      // A customer's administrator manages one organization and lands on it.
      await page.getByRole('heading', { level: 2, name: 'Fabrikam Ltd' }).waitFor();
      expect(page.url()).toContain('/account/admin/organization/?id=');
      // The account bar offers Administration to an administrator, on every account page.
      await page.goto(`${app.url}/account/profile/`);
      await page.locator('.account-bar').getByRole('link', { name: 'Administration' }).click();
      await page.getByRole('heading', { level: 2, name: 'Fabrikam Ltd' }).waitFor();
      await rowOf(page, 'Jamie Jones').waitFor();
      expect(await rowOf(page, 'Morgan Lee').innerText()).toMatch(/Not linked: invited, link pending, expires on/);
      expect(await rowOf(page, 'Jamie Jones').innerText()).toMatch(/Linked: personal account/);
      found.push(...(await axeViolations(page, 'organization')));

      // Sorting by e-mail puts Alex first and marks the E-mail column as the sorted one.
      await page.getByLabel('Sort by').selectOption('EMAIL');
      await page.getByRole('button', { name: 'Find', exact: true }).click();
      await expect.poll(() => page.locator('#people-table th[aria-sort]').innerText()).toBe('E-mail');
      expect(await page.locator('#people-rows tr td[data-label="E-mail"]').allInnerTexts()).toEqual(['alex@fabrikam.example', 'casey@shared.example', 'jamie@fabrikam.example', 'morgan@fabrikam.example']);
      await page.getByLabel('Sort by').selectOption('NAME');

      // Search narrows the table.
      await page.getByLabel('Find by name or e-mail').fill('jamie');
      await page.getByRole('button', { name: 'Find', exact: true }).click();
      await expect.poll(() => page.locator('#people-rows tr').count()).toBe(1);
      await page.getByLabel('Find by name or e-mail').fill('');
      await page.getByRole('button', { name: 'Find', exact: true }).click();
      await expect.poll(() => page.locator('#people-rows tr').count()).toBe(4);

      // Add one: empty fields are named next to themselves and the first gets focus; a taken address likewise.
      const add = page.getByRole('button', { name: 'Add professional' });
      await add.click();
      expect(await page.locator('#add-given-name-error').innerText()).toBe('Enter the given name.');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('add-given-name');
      await page.locator('#add-given-name').fill('Gale');
      await page.locator('#add-family-name').fill('Grant');
      await page.locator('#add-email').fill('jamie@fabrikam.example');
      await add.click();
      await expect.poll(() => page.locator('#add-email-error').innerText()).not.toBe('');
      expect(await page.locator('#add-email').getAttribute('aria-invalid')).toBe('true');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('add-email');
      found.push(...(await axeViolations(page, 'add, duplicate e-mail')));
      // The mail server refuses this one for good: the row and the person's page say failed, with its reply.
      app.mailCatcher!.rejectRecipients(/gale@fabrikam\.example/, { code: 550, message: '5.1.1 mailbox unknown' });
      await page.locator('#add-email').fill('gale@fabrikam.example');
      await add.click();
      await expect.poll(() => page.locator('#add-status').innerText()).toBe('Gale Grant was added. Their invitation e-mail is on its way to gale@fabrikam.example.');
      expect(await page.locator('#add-given-name').inputValue()).toBe('');
      await expect
        .poll(async () => {
          await page.getByRole('button', { name: 'Find', exact: true }).click();
          return rowOf(page, 'Gale Grant').innerText();
        })
        .toContain('failed: 550 5.1.1 mailbox unknown');
      found.push(...(await axeViolations(page, 'organization, delivery failed')));

      await rowOf(page, 'Gale Grant').getByRole('link', { name: 'Gale Grant' }).click();
      await page.getByRole('heading', { level: 2, name: 'Gale Grant' }).waitFor();
      expect(await page.locator('#person-delivery').innerText()).toBe('failed: 550 5.1.1 mailbox unknown');
      const failedFinding = page.locator('#findings li[data-code="DELIVERY_FAILED"]');
      await failedFinding.waitFor();
      expect(await failedFinding.innerText()).toContain('550 5.1.1 mailbox unknown');
      // Findings speak of this page's buttons, never of API operations.
      expect(await page.locator('#findings').innerText()).not.toMatch(/updateProfile|resendInvitation|addProfessional|setServicePlan|designateAdministrator/);
      found.push(...(await axeViolations(page, 'person, delivery failed')));
      await screenshot(page, 'admin-person-failed', page.locator('#person > [data-view="person"]'));

      // Correct the address (the fix button leads there), then resend: the new address gets a link that works.
      await failedFinding.getByRole('button', { name: 'Correct the address' }).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('edit-email');
      await page.locator('#edit-email').fill('gale.grant@fabrikam.example');
      await page.getByLabel('Send a new link to the new address').uncheck();
      await page.getByRole('button', { name: 'Save changes' }).click();
      await expect.poll(() => page.locator('#edit-status').innerText()).toMatch(/The address is now gale\.grant@fabrikam\.example/);
      const arrival = mailTo(app.mailCatcher!, 'gale.grant@fabrikam.example');
      await failedFinding.getByRole('button', { name: 'Resend invitation' }).click();
      await expect.poll(() => page.locator('#person-status').innerText()).toBe('A new link is on its way to gale.grant@fabrikam.example. Earlier links no longer work.');
      const galeToken = tokenFrom(await arrival);
      await expect
        .poll(async () => {
          await page.reload();
          await page.getByRole('heading', { level: 2, name: 'Gale Grant' }).waitFor();
          return page.locator('#person-delivery').innerText();
        })
        .toMatch(/^sent on /);
      expect(await page.locator('#history-rows').innerText()).toContain('failed: 550 5.1.1 mailbox unknown');
      const gale = await app.signedIn('gale.grant@mail.example');
      const linked = await gale.graphql<{ associateIdentity: { __typename: string } }>('mutation ($t: String!) { associateIdentity(token: $t) { __typename } }', { t: galeToken });
      expect(linked.data?.associateIdentity.__typename).toBe('AssociateIdentitySuccess');
      // Her audit log from her page; its person link leads back to her, and the page's ← link to Fabrikam.
      await page.getByRole('link', { name: 'Audit log for this person' }).click();
      await page.getByRole('heading', { level: 2, name: 'Audit log of Fabrikam Ltd' }).waitFor();
      await page.locator('#audit-rows').getByRole('link', { name: 'Gale Grant' }).first().click();
      await page.getByRole('heading', { level: 2, name: 'Gale Grant' }).waitFor();
      await page.getByRole('link', { name: '← Fabrikam Ltd' }).click();
      await page.getByRole('heading', { level: 2, name: 'Fabrikam Ltd' }).waitFor();
      await rowOf(page, 'Gale Grant').waitFor();

      // An e-mail change for someone invited but not linked: the old link is revoked, the new one works.
      await page.goto(`${app.url}/account/admin/`);
      await rowOf(page, 'Morgan Lee').getByRole('link').click();
      await page.getByRole('heading', { level: 2, name: 'Morgan Lee' }).waitFor();
      await page.locator('#findings li').first().waitFor();
      const oldToken = await (async () => {
        // Morgan's seeded link is in the mailbox; a fresh one makes the test independent of the seed's mail.
        const mail = mailTo(app.mailCatcher!, 'morgan@fabrikam.example');
        await page.getByRole('button', { name: 'Resend invitation' }).first().click();
        await expect.poll(() => page.locator('#person-status').innerText()).toMatch(/on its way to morgan@fabrikam\.example/);
        return tokenFrom(await mail);
      })();
      const newMail = mailTo(app.mailCatcher!, 'morgan.lee@fabrikam.example');
      await page.locator('#edit-email').fill('morgan.lee@fabrikam.example');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await expect.poll(() => page.locator('#edit-status').innerText()).toMatch(/The address is now morgan\.lee@fabrikam\.example/);
      const newToken = tokenFrom(await newMail);
      const PREVIEW = 'query ($t: String!) { associationPreview(token: $t) { valid error { code } } }';
      const old = await app.client().graphql<{ associationPreview: { valid: boolean; error: { code: string } | null } }>(PREVIEW, { t: oldToken });
      expect(old.data?.associationPreview.error?.code).toBe('INVITATION_REVOKED');
      const morgan = await app.signedIn('morgan.lee@mail.example');
      const morganLinked = await morgan.graphql<{ associateIdentity: { __typename: string } }>('mutation ($t: String!) { associateIdentity(token: $t) { __typename } }', { t: newToken });
      expect(morganLinked.data?.associateIdentity.__typename).toBe('AssociateIdentitySuccess');

      // Grant and take back administrator.
      await page.goto(`${app.url}/account/admin/`);
      await rowOf(page, 'Jamie Jones').getByRole('link').click();
      await page.getByRole('heading', { level: 2, name: 'Jamie Jones' }).waitFor();
      await page.getByLabel('Administrator', { exact: true }).check();
      await page.getByRole('button', { name: 'Save role' }).click();
      await expect.poll(() => page.locator('#admin-status').innerText()).toBe('Jamie Jones is now an administrator.');
      await page.getByLabel('Administrator', { exact: true }).uncheck();
      await page.getByRole('button', { name: 'Save role' }).click();
      await expect.poll(() => page.locator('#admin-status').innerText()).toBe('Jamie Jones is no longer an administrator.');
      found.push(...(await axeViolations(page, 'person, role saved')));

      // The last administrator: a sentence on the page, and removing is refused with the reason.
      await page.goto(`${app.url}/account/admin/`);
      await rowOf(page, 'Alex Admin').getByRole('link').click();
      await page.getByRole('heading', { level: 2, name: 'Alex Admin' }).waitFor();
      expect(await page.locator('#admin-last').innerText()).toBe(
        'Alex Admin is the only administrator of Fabrikam Ltd. To take the role away or remove them, first make someone else an administrator.',
      );
      await page.getByRole('button', { name: 'Remove Alex Admin…' }).click();
      expect(await page.locator('#remove-question').innerText()).toMatch(/^Remove Alex Admin from Fabrikam Ltd\?/);
      found.push(...(await axeViolations(page, 'person, confirm remove')));
      await page.getByRole('button', { name: 'Yes, remove Alex Admin' }).click();
      await expect.poll(() => page.locator('#remove-status').innerText()).toMatch(/administrator/i);
      expect(await page.locator('#remove-status').getAttribute('data-tone')).toBe('error');
      found.push(...(await axeViolations(page, 'person, last administrator refused')));

      // Remove a person: the confirm step names them, and their session ends.
      const jamie = await app.signedIn('jamie@fabrikam.example');
      const VIEWER = '{ viewer { currentProfile { displayName } } }';
      expect((await jamie.graphql<{ viewer: { currentProfile: { displayName: string } | null } }>(VIEWER)).data?.viewer.currentProfile?.displayName).toBe('Jamie Jones');
      await page.goto(`${app.url}/account/admin/`);
      await rowOf(page, 'Jamie Jones').getByRole('link').click();
      await page.getByRole('heading', { level: 2, name: 'Jamie Jones' }).waitFor();
      await page.getByRole('button', { name: 'Remove Jamie Jones…' }).click();
      await page.getByRole('button', { name: 'Cancel' }).click();
      expect(await page.locator('#remove-confirm').isHidden()).toBe(true);
      await page.getByRole('button', { name: 'Remove Jamie Jones…' }).click();
      await page.getByRole('button', { name: 'Yes, remove Jamie Jones' }).click();
      await page.getByRole('heading', { level: 2, name: 'Jamie Jones was removed from Fabrikam Ltd' }).waitFor();
      found.push(...(await axeViolations(page, 'person, removed')));
      expect((await jamie.graphql<{ viewer: { currentProfile: unknown } }>(VIEWER)).data?.viewer.currentProfile).toBeNull();
      await page.getByRole('link', { name: 'Back to the organization' }).click();
      await rowOf(page, 'Alex Admin').waitFor();
      expect(await rowOf(page, 'Jamie Jones').count()).toBe(0);
      await screenshot(page, 'admin-organization', page.locator('#organization > [data-view="organization"]'));

      expect(found).toEqual([]);
      watched.assertClean();
    } finally {
      await watched.close();
    }
  }, JOURNEY_MS);

  test('a professional who opens an administration page is told who their administrators are', async () => {
    const watched = await openPage(browser, app);
    const { page } = watched;
    try {
      await signInFrom(page, app, 'casey@shared.example', '/account/choose-profile/');
      await page.locator('#profile-list > li').filter({ hasText: 'Fabrikam Ltd' }).getByRole('button', { name: 'Use this profile' }).click();
      await page.locator('#choose-status:not(:empty)').waitFor();
      await expect.poll(() => page.locator('[data-account-who]').innerText()).toMatch(/acting as Casey Cole at Fabrikam Ltd/);
      expect(await page.locator('.account-bar').getByRole('link', { name: 'Administration' }).count()).toBe(0);
      for (const path of ['/account/admin/', '/account/admin/organization/?id=anything']) {
        await page.goto(`${app.url}${path}`);
        await page.getByRole('heading', { level: 2, name: 'This page is for administrators' }).waitFor();
        await expect.poll(() => page.locator('[data-view="refused"] [data-slot="administrators"]').innerText()).toMatch(/^The administrators of Fabrikam Ltd: Alex Admin/);
      }
      expect(await axeViolations(page, 'refused')).toEqual([]);
      await screenshot(page, 'admin-refused', page.locator('#organization > [data-view="refused"]'));
      const refused = page.locator('#organization > [data-view="refused"]');
      await refused.getByRole('link', { name: 'What administrators do' }).click();
      await page.getByRole('heading', { level: 1, name: 'Grant and revoke administrator' }).waitFor();
      await page.goBack();
      await refused.getByRole('link', { name: 'Back to my profile' }).click();
      await page.getByRole('heading', { level: 1, name: 'My profile' }).waitFor();
      await expect.poll(() => page.locator('#profile').innerText()).toContain('Fabrikam Ltd');
      watched.assertClean();
    } finally {
      await watched.close();
    }
  }, JOURNEY_MS);

  test('the organization and person pages fit 390 px and work by keyboard', async () => {
    const watched = await openPage(browser, app);
    const { page } = watched;
    try {
      await signInFrom(page, app, 'alex@fabrikam.example', '/account/admin/');
      await page.getByRole('heading', { level: 2, name: 'Fabrikam Ltd' }).waitFor();
      await page.setViewportSize({ width: 390, height: 800 });
      await rowOf(page, 'Alex Admin').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(await axeViolations(page, 'organization at 390 px')).toEqual([]);

      // Keyboard only: Tab to the given-name field, type, Tab through, submit with Enter.
      await page.locator('#add-given-name').focus();
      await page.keyboard.type('Kit');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('add-family-name');
      await page.keyboard.type('Keys');
      await page.keyboard.press('Tab');
      await page.keyboard.type('kit@fabrikam.example');
      const kitMail = mailTo(app.mailCatcher!, 'kit@fabrikam.example');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#add-status').innerText()).toMatch(/^Kit Keys was added\./);
      // The invitation arrives in the SMTP catcher, and the table then says sent.
      await kitMail;
      await expect
        .poll(async () => {
          await page.getByRole('button', { name: 'Find', exact: true }).click();
          return rowOf(page, 'Kit Keys').innerText();
        })
        .toMatch(/sent on /);
      // The new person's link, reached with Tab and opened with Enter.
      const link = rowOf(page, 'Kit Keys').getByRole('link');
      await link.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 2, name: 'Kit Keys' }).waitFor();
      await page.locator('#findings li').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(await axeViolations(page, 'person at 390 px')).toEqual([]);
      await page.locator('#remove-button').focus();
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('remove-question');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Yes, remove Kit Keys');
      expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 2, name: 'Kit Keys was removed from Fabrikam Ltd' }).waitFor();
      watched.assertClean();
    } finally {
      await watched.close();
    }
  }, JOURNEY_MS);

  test('revoking a pending link: the page says revoked, and the link then explains that it was cancelled', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const arrival = mailTo(app.mailCatcher!, 'riley@fabrikam.example');
    await addProfessional(alex, { organizationId: await ownOrganizationId(alex), givenName: 'Riley', familyName: 'Revoked', email: 'riley@fabrikam.example', sendInvitation: true });
    const token = tokenFrom(await arrival);
    const watched = await openPage(browser, app);
    const { page } = watched;
    try {
      await signInFrom(page, app, 'alex@fabrikam.example', '/account/admin/');
      await rowOf(page, 'Riley Revoked').getByRole('link').click();
      await page.getByRole('heading', { level: 2, name: 'Riley Revoked' }).waitFor();
      expect(await page.locator('#person-state').innerText()).toMatch(/^Not linked: invited, link pending/);
      await page.getByRole('button', { name: 'Revoke link' }).click();
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'The link was revoked' }).innerText()).toBe('The link was revoked: it no longer works. Select Resend invitation to send a new one.');
      expect(await page.locator('#person-state').innerText()).toBe('Not linked: link revoked');
      expect(await page.locator('#history-rows tr').first().locator('td[data-label="State"]').innerText()).toBe('link revoked');
      expect(await page.getByRole('button', { name: 'Revoke link' }).count()).toBe(0);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('resend-button');
      await page.locator('#findings li[data-code="INVITATION_REVOKED"]').waitFor();
      expect(await axeViolations(page, 'person, link revoked')).toEqual([]);
      const invitation = await app.db.invitation.findFirst({ where: { profile: { email: 'riley@fabrikam.example' } }, orderBy: { createdAt: 'desc' } });
      expect(invitation?.revokedAt).not.toBeNull();

      // The person opens the link from the e-mail: the page explains, in its own words, that it was cancelled.
      await page.goto(`${app.url}/account/associate/#token=${token}`);
      await page.getByRole('heading', { level: 2, name: 'This link was cancelled' }).waitFor();
      expect(await page.locator('[data-view="error"]').innerText()).toContain('Your administrator cancelled it, or your e-mail address changed.');
      expect(await page.getByRole('link', { name: 'Ask for a new link' }).isVisible()).toBe(true);
      watched.assertClean();
    } finally {
      await watched.close();
    }
  }, JOURNEY_MS);

  test('by keyboard alone on a person\'s page: make them administrator and resend their invitation, hearing each outcome', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const id = await addProfessional(alex, { organizationId: await ownOrganizationId(alex), givenName: 'Kai', familyName: 'Keyboard', email: 'kai@fabrikam.example', sendInvitation: false });
    const watched = await openPage(browser, app);
    const { page } = watched;
    try {
      await signInFrom(page, app, 'alex@fabrikam.example', `/account/admin/person/?id=${encodeURIComponent(id)}`);
      await page.getByRole('heading', { level: 2, name: 'Kai Keyboard' }).waitFor();
      await page.locator('#findings li').first().waitFor();
      // From the top of the page, Tab to the administrator checkbox and tick it with Space.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await pressUntilFocused(page, 'Tab', '#admin-checkbox');
      expect(await focusIsVisible(page)).toBe(true);
      await page.keyboard.press('Space');
      expect(await page.locator('#admin-checkbox').isChecked()).toBe(true);
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Save role');
      expect(await focusIsVisible(page)).toBe(true);
      await page.keyboard.press('Enter');
      const adminStatus = page.getByRole('status').filter({ hasText: 'administrator' });
      await expect.poll(() => adminStatus.innerText()).toBe('Kai Keyboard is now an administrator.');
      expect(await adminStatus.getAttribute('aria-live')).toBe('polite');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Save role');
      expect((await app.db.profile.findFirst({ where: { email: 'kai@fabrikam.example' } }))?.isAdministrator).toBe(true);

      // Back up with Shift+Tab to the first Resend invitation button and press it with Enter: the e-mail arrives.
      await pressUntilFocused(page, 'Shift+Tab', '#resend-button');
      expect(await focusIsVisible(page)).toBe(true);
      const arrival = mailTo(app.mailCatcher!, 'kai@fabrikam.example');
      await page.keyboard.press('Enter');
      const sent = page.getByRole('status').filter({ hasText: 'on its way' });
      await expect.poll(() => sent.innerText()).toBe('A new link is on its way to kai@fabrikam.example. Earlier links no longer work.');
      expect(await sent.getAttribute('aria-live')).toBe('polite');
      await arrival;
      // Focus stays where the person is: not lost to the page's body while the page reloads its data.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('resend-button');
      watched.assertClean();
    } finally {
      await watched.close();
    }
  }, JOURNEY_MS);
});
