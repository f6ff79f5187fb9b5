// The help site is built once, with no deployment's details in it: its pages carry placeholders (%VENDOR%,
// %PORTAL%, %SUPPORT_EMAIL%, and an empty list where the account types go) that this router fills from the running
// server's configuration as it serves them. So every page names this deployment's vendor, address and support
// mailbox, and offers only the account types it has configured, with or without JavaScript in the browser.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import type { Config } from './config.js';
import { escapeHtml } from './mail/templates/layout.js';

/** The placeholders as the help site writes them; `%` may arrive percent-encoded inside a link target. */
const TOKEN = /%(?:25)?(VENDOR|PORTAL|SUPPORT_EMAIL)%(?:25)?/g;
/** Where a page lists the account types to sign in with: `<ul class="account-types" data-account-types="<id>"></ul>`. */
const ACCOUNT_TYPES = /(<ul\b[^>]*\bdata-account-types="([\w-]+)"[^>]*>)\s*(<\/ul>)/g;

/** The values of the placeholders for this configuration, as HTML. */
export function portalValues(config: Config): Record<'VENDOR' | 'PORTAL' | 'SUPPORT_EMAIL', string> {
  return { VENDOR: escapeHtml(config.vendor.name), PORTAL: escapeHtml(config.publicUrl), SUPPORT_EMAIL: escapeHtml(config.vendor.supportEmail) };
}

function accountTypeItems(config: Config, id: string): string {
  return config.oidcProviders
    .map((provider) => {
      const key = escapeHtml(provider.key);
      const hint = `${id}-${key}-hint`;
      return (
        `<li><button type="submit" class="button" formaction="/auth/sign-in/${key}" data-provider="${key}" aria-describedby="${hint}">` +
        `${escapeHtml(provider.displayName)}</button><p class="hint" id="${hint}">${escapeHtml(provider.description)}</p></li>`
      );
    })
    .join('');
}

/** A built page as this deployment serves it. */
export function fillPage(html: string, config: Config): string {
  const values = portalValues(config);
  return html
    .replace(TOKEN, (_match, name: keyof typeof values) => values[name])
    .replace(ACCOUNT_TYPES, (_match, open: string, id: string, close: string) => `${open}${accountTypeItems(config, id)}${close}`);
}

/**
 * Serves the help site's HTML pages filled for this deployment (and its 404 page for any path nothing else
 * answered); other files fall through to the static handler. Mount it after every other route.
 */
export function createPortalPagesRouter(config: Config, siteDir: string): Router {
  const router = express.Router();
  const root = path.resolve(siteDir);
  const cache = new Map<string, { mtimeMs: number; html: string }>();

  const filled = (file: string, mtimeMs: number): string => {
    const cached = cache.get(file);
    if (cached?.mtimeMs === mtimeMs) return cached.html;
    const html = fillPage(readFileSync(file, 'utf8'), config);
    cache.set(file, { mtimeMs, html });
    return html;
  };
  const stat = (file: string) => statSync(file, { throwIfNoEntry: false });

  router.use((req, res, next) => {
    if (!stat(root)?.isDirectory()) return next();
    let wanted: string;
    try {
      wanted = path.join(root, decodeURIComponent(req.path));
    } catch {
      return next();
    }
    if (wanted !== root && !wanted.startsWith(root + path.sep)) return next();
    const isPage = req.method === 'GET' || req.method === 'HEAD';
    // Anything else (a POST to a page) ends on the 404 page, as it would without this router.
    const candidates = !isPage ? [] : req.path.endsWith('/') ? [path.join(wanted, 'index.html')] : [wanted, `${wanted}.html`];
    for (const file of candidates) {
      const info = stat(file);
      if (!info) continue;
      // A folder without its slash, or a script, style or image: the static handler redirects or serves it.
      if (!info.isFile() || !file.endsWith('.html')) return next();
      res.type('html').send(filled(file, info.mtimeMs));
      return;
    }
    const notFound = path.join(root, '404.html');
    const info = stat(notFound);
    if (!info) return next();
    res.status(404).type('html').send(filled(notFound, info.mtimeMs));
  });
  return router;
}
