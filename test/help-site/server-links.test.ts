// The server links into the help site from e-mails, typed errors and access findings; each link must land on a page.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODE_LIST as ERROR_CODES, HELP_PAGES, helpPathFor } from '../../server/help-pages.js';
import { BUILD_TIMEOUT_MS, ensureHelpSiteBuilt, HELP_DIST } from '../helpers/help-site-build.js';

beforeAll(async () => {
  await ensureHelpSiteBuilt();
}, BUILD_TIMEOUT_MS);

const exists = (path: string) => existsSync(join(HELP_DIST, path, 'index.html'));

describe('help links the server sends people to', () => {
  it.each(ERROR_CODES)('has a troubleshooting page for the error code %s', (code) => {
    expect(exists(helpPathFor(code)), helpPathFor(code)).toBe(true);
  });

  it.each(Object.entries(HELP_PAGES))('has the page %s (%s)', (_name, path) => {
    expect(exists(path), path).toBe(true);
  });
});
