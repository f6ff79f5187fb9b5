// /auth/*: sign-in, callback, sign-out. Only these routes use express-session; GraphQL reads the cookie with
// readSession. A failed sign-in always ends on the sign-in page with a short code, never a 500: the reason is logged.
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { createOidcSignIn, type SignInFailureCode } from './oidc.js';
import { createSessionMiddleware, keepSignedInMs, sessionCookieName, sessionCookieOptions } from './session.js';

export interface AuthRouterDeps {
  config: Config;
  db: Db;
  logger: Logger;
  /** R9: the profile the new session acts as, or null when the person has to pick one (or has none). */
  afterSignIn(identityId: string): Promise<string | null>;
  /** Counts sign-ins by provider and outcome (ok, or the failure code). */
  onSignInOutcome?(provider: string, outcome: string): void;
}

/** Not HttpOnly on purpose: the sign-in page reads it to suggest the account type this browser used last. */
export const LAST_PROVIDER_COOKIE = 'portico_last_provider';
const ONE_YEAR_MS = 365 * 86_400_000;
const MAX_RETURN_TO_LENGTH = 2048;

/**
 * `value` when it is a same-origin relative path, else `/`. `//host` and `/\host` are protocol-relative to
 * browsers, and control characters can be stripped by them into one of those.
 */
export function safeReturnTo(value: unknown, publicUrl: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RETURN_TO_LENGTH) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  try {
    const origin = new URL(publicUrl).origin;
    return new URL(value, origin).origin === origin ? value : '/';
  } catch {
    return '/';
  }
}

/**
 * A cross-site form or fetch must not sign people out. Sec-Fetch-Site decides when the browser sends it: our pages
 * send `Referrer-Policy: no-referrer`, and with it Chromium sends `Origin: null` on same-origin form posts. Origin
 * is the fallback for browsers without Fetch Metadata; a client that sends neither is no browser a page can drive.
 */
function isSameOrigin(req: Request, publicUrl: string): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = req.get('origin');
  return origin === undefined || origin === new URL(publicUrl).origin;
}

const promisify = (run: (cb: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => run((err) => (err ? reject(err) : resolve())));

export function createAuthRouter(deps: AuthRouterDeps): Router {
  const { config, db, logger } = deps;
  const router = express.Router();
  const oidc = createOidcSignIn(config, db);
  const cookieName = sessionCookieName(config);

  const toSignInPage = (res: Response, code: SignInFailureCode) => res.redirect(303, `/account/sign-in?error=${encodeURIComponent(code)}`);

  router.use('/auth', createSessionMiddleware(config, db), (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/auth/sign-in/:provider', async (req, res) => {
    const key = req.params.provider;
    if (!oidc.has(key)) {
      res.status(404).type('text/plain').send('Unknown account provider');
      return;
    }
    const prompt = req.query.prompt === 'login' || req.query.prompt === 'select_account' ? req.query.prompt : null;
    const outcome = await oidc.start(req, res, key, {
      returnTo: safeReturnTo(req.query.returnTo, config.publicUrl),
      keep: req.query.keep === '1',
      prompt,
    });
    if (!outcome.ok) {
      logger.warn({ provider: key, code: outcome.failure.code, reason: outcome.failure.message }, 'sign-in could not start');
      if (!res.headersSent) toSignInPage(res, outcome.failure.code);
    }
  });

  router.get('/auth/callback/:provider', async (req, res) => {
    const key = req.params.provider;
    if (!oidc.has(key)) {
      res.status(404).type('text/plain').send('Unknown account provider');
      return;
    }
    try {
      const outcome = await oidc.finish(req, res, key);
      if (!outcome.ok) {
        logger.warn({ provider: key, code: outcome.failure.code, reason: outcome.failure.message }, 'sign-in refused');
        deps.onSignInOutcome?.(key, outcome.failure.code);
        toSignInPage(res, outcome.failure.code);
        return;
      }
      // A new session id at sign-in, so an id planted or seen before sign-in is worth nothing after it.
      await promisify((cb) => req.session.regenerate(cb));
      const signedInAt = Date.now();
      req.session.identityId = outcome.identityId;
      req.session.provider = key;
      req.session.signedInAt = signedInAt;
      req.session.keep = outcome.keep;
      req.session.currentProfileId = null;
      if (outcome.keep) req.session.cookie.maxAge = keepSignedInMs(config);
      try {
        req.session.currentProfileId = await deps.afterSignIn(outcome.identityId);
      } catch (error) {
        // Signed in without a current profile: the person can still pick one.
        logger.error({ err: error, identityId: outcome.identityId }, 'choosing the current profile after sign-in failed');
      }
      await promisify((cb) => req.session.save(cb));
      res.cookie(LAST_PROVIDER_COOKIE, key, { httpOnly: false, sameSite: 'lax', path: '/', secure: config.session.secureCookie, maxAge: ONE_YEAR_MS });
      logger.info({ provider: key, identityId: outcome.identityId, keep: outcome.keep }, 'signed in');
      deps.onSignInOutcome?.(key, 'ok');
      res.redirect(303, outcome.returnTo);
    } catch (error) {
      logger.error({ err: error, provider: key }, 'sign-in failed unexpectedly');
      if (!res.headersSent) toSignInPage(res, 'server');
    }
  });

  router.post('/auth/sign-out', express.urlencoded({ extended: false, limit: '4kb' }), express.json({ limit: '4kb' }), async (req, res) => {
    if (!isSameOrigin(req, config.publicUrl)) {
      logger.warn({ origin: req.get('origin'), site: req.get('sec-fetch-site') }, 'cross-origin sign-out refused');
      res.status(403).type('text/plain').send('Cross-origin sign-out refused');
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const returnTo = safeReturnTo(body.returnTo ?? req.query.returnTo, config.publicUrl);
    const identityId = req.session.identityId;
    await promisify((cb) => req.session.destroy(cb));
    res.clearCookie(cookieName, sessionCookieOptions(config));
    if (identityId) logger.info({ identityId }, 'signed out');
    if (req.get('accept')?.includes('application/json')) res.status(200).json({ signedOut: true });
    else res.redirect(303, returnTo);
  });

  return router;
}
