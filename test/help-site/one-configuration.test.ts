// One configuration: the help site is built with no deployment's details, and the server fills in its own vendor
// name, portal address, support address and account types as it serves each page; its e-mails use the same. A
// deployment on another port with another vendor must show nothing else, anywhere.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Config } from '../../server/config.js';
import { createPortalPagesRouter } from '../../server/portal-config.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { BUILD_TIMEOUT_MS, ensureHelpSiteBuilt, HELP_DIST, listHtmlPages, pagePath } from '../helpers/help-site-build.js';
import { listenThenServe } from '../helpers/http-client.js';
import { mailTo } from '../helpers/mail.js';
import { addProfessional, ownOrganizationId } from '../e2e/support.js';

const VENDOR = 'Contoso Widgets';
const SUPPORT = 'help@contoso.example';

/** What a page or e-mail of this deployment must never contain: the demo's defaults, another port, a placeholder. */
function foreignWords(text: string, url: string): string[] {
  const found = [...text.matchAll(/Northwind|northwind\.example|%(?:25)?(?:VENDOR|PORTAL|SUPPORT_EMAIL)%/g)].map((m) => m[0]);
  const origin = new URL(url).origin;
  for (const [address] of text.matchAll(/https?:\/\/(?:localhost|127\.0\.0\.1)(?::\d+)?/g)) if (address !== origin) found.push(address);
  return found;
}

describe('one configuration, from the running server', () => {
  let app: TestApp;

  beforeAll(async () => {
    await ensureHelpSiteBuilt();
    app = await startTestApp({ env: { VENDOR_NAME: VENDOR, SUPPORT_EMAIL: SUPPORT, OUTBOX_POLL_MS: '100' } });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await app?.close();
  });

  test('the built pages name no deployment: they carry placeholders', () => {
    const named = listHtmlPages().filter((file) => /Northwind|northwind\.example|localhost:3000/.test(readFileSync(join(HELP_DIST, file), 'utf8')));
    expect(named).toEqual([]);
    expect(readFileSync(join(HELP_DIST, 'index.html'), 'utf8')).toContain('%VENDOR%');
  });

  test('every page as served names this vendor, this address and this support mailbox, and nothing else', async () => {
    expect(new URL(app.url).port).not.toBe('3000');
    const problems: string[] = [];
    for (const file of listHtmlPages()) {
      const response = await fetch(`${app.url}${pagePath(file)}`);
      const html = await response.text();
      if (response.status !== 200) problems.push(`${file}: HTTP ${response.status}`);
      problems.push(...foreignWords(html, app.url).map((word) => `${file}: ${word}`));
    }
    expect(problems).toEqual([]);
    const home = await (await fetch(`${app.url}/`)).text();
    expect(home).toContain(`Portico help · ${VENDOR}`);
    expect(await (await fetch(`${app.url}/troubleshooting/`)).text()).toContain(`href="mailto:${SUPPORT}"`);
    expect(await (await fetch(`${app.url}/start/first-sign-in/`)).text()).toContain(`href="${app.url}"`);
    // Also the page for a path nothing serves.
    const missing = await fetch(`${app.url}/no/such/page/`);
    expect(missing.status).toBe(404);
    expect(foreignWords(await missing.text(), app.url)).toEqual([]);
  });

  test('the e-mails name this vendor and link to this address only, and come from the vendor', async () => {
    const alex = await app.signedIn('alex@fabrikam.example');
    const invitation = mailTo(app.mailCatcher!, 'kim@fabrikam.example');
    await addProfessional(alex, { organizationId: await ownOrganizationId(alex), givenName: 'Kim', familyName: 'Kato', email: 'kim@fabrikam.example', sendInvitation: true });
    const selfService = mailTo(app.mailCatcher!, 'jamie@fabrikam.example');
    await app.client().graphql('mutation { requestAssociationEmails(email: "jamie@fabrikam.example") { __typename } }');
    for (const mail of [await invitation, await selfService]) {
      expect(foreignWords(`${mail.subject}\n${mail.text}\n${mail.html}`, app.url)).toEqual([]);
      expect(`${mail.subject}\n${mail.text}`).toContain(VENDOR);
      expect(mail.from).toContain(VENDOR);
    }
  });

  test('with one account type configured, no page offers the other', async () => {
    const workOnly: Config = { ...app.config, oidcProviders: app.config.oidcProviders.filter((p) => p.key === 'work') };
    const server = await listenThenServe(() => express().use(createPortalPagesRouter(workOnly, HELP_DIST)));
    try {
      for (const path of ['/account/sign-in/', '/account/associate/']) {
        const html = await (await fetch(`${server.url}${path}`)).text();
        expect(html).toContain('formaction="/auth/sign-in/work"');
        expect(html).toContain('>Work or school account</button>');
        expect(html).not.toMatch(/sign-in\/personal|Personal account/);
      }
      const offers = listHtmlPages().filter((file) => /formaction="\/auth\/sign-in\/personal"/.test(readFileSync(join(HELP_DIST, file), 'utf8')));
      expect(offers).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
