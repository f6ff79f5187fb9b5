// OpenID Connect sign-in, one passport-openidconnect strategy per account provider, hardened where that library
// (0.1.2) is not: it has no discovery, no PKCE, never verifies the ID token's signature, never compares the UserInfo
// `sub` with the ID token's, and crashes on a non-JSON UserInfo body. So:
// - endpoints come from the issuer's discovery document, fetched on first use (the demo issuer is served by this
//   very app and does not listen yet when the app is built) and cached;
// - our own state store keeps state, nonce and the PKCE verifier together, single-use, in the session;
// - the token request is ours, not the library's (which has no timeout and only posts the secret): it sends
//   `code_verifier`, authenticates as configured (client_secret_basic or client_secret_post), and verifies the ID
//   token with jose (signature, alg, iss, aud, azp, exp, iat, nonce) before the library's weaker checks ever see it;
// - UserInfo is fetched by us (the library's own fetch is switched off) and its `sub` must be the ID token's;
// - every request to a provider is bounded by OIDC_HTTP_TIMEOUT_MS, and a provider that cannot be reached is
//   reported by `providerHealth` (for /readyz) while the other one keeps working.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { createRemoteJWKSet, decodeProtectedHeader, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import passport from 'passport';
import OpenIDConnectStrategy from 'passport-openidconnect';
import type { OAuth2 } from 'oauth';
import { z } from 'zod';
import type { AccountProviderKey, Config, OidcProviderConfig } from '../config.js';
import type { Db } from '../db/client.js';
import { upsertIdentity } from './identity.js';

/** Short, stable codes for `/account/sign-in?error=<code>`; the reason itself is only logged. */
export type SignInFailureCode = 'state' | 'access_denied' | 'provider' | 'token' | 'id_token' | 'userinfo' | 'callback' | 'server';

export class SignInFailure extends Error {
  constructor(
    readonly code: SignInFailureCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SignInFailure';
  }
}

export interface SignInRequest {
  /** Already checked to be a same-origin relative path. */
  returnTo: string;
  keep: boolean;
  prompt: 'login' | 'select_account' | null;
}

export type StartOutcome = { ok: true } | { ok: false; failure: SignInFailure };
export type FinishOutcome = { ok: true; identityId: string; returnTo: string; keep: boolean } | { ok: false; failure: SignInFailure };

export interface OidcSignIn {
  has(key: string): key is AccountProviderKey;
  /** Redirects the browser to the provider (outcome ok), or reports why it cannot (nothing sent then). */
  start(req: Request, res: Response, key: AccountProviderKey, request: SignInRequest): Promise<StartOutcome>;
  /** Checks the provider's answer on the callback and upserts the identity; never writes the response. */
  finish(req: Request, res: Response, key: AccountProviderKey): Promise<FinishOutcome>;
  /** Each provider as last seen; providers not known to be available are checked again (bounded wait). */
  health(): Promise<ProviderHealth[]>;
}

/** The sign-in built for each configuration, so /readyz reports what sign-in itself has seen. */
const signInByConfig = new WeakMap<Config, OidcSignIn>();

/**
 * Which providers can be reached, for /readyz. An unreachable provider does not make Portico unready: every
 * instance shares the outage, and taking them all out of the load balancer would stop the other provider and the
 * API too. Empty until the auth routes are built for this configuration.
 */
export async function providerHealth(config: Config): Promise<ProviderHealth[]> {
  return (await signInByConfig.get(config)?.health()) ?? [];
}

/** Seconds of clock difference tolerated between us and the provider for `exp` and `iat`: two minutes either way. */
const CLOCK_TOLERANCE_S = 120;
/** An authorization request older than this is refused on return. */
const PENDING_TTL_MS = 15 * 60_000;
/** Parallel sign-ins kept per provider per session (several tabs); older ones are dropped. */
const MAX_PENDING = 5;
/** /readyz waits this long at most for a provider check, so a hanging provider never makes the probe itself hang. */
const HEALTH_WAIT_MS = 2_000;
/** The placeholder a multi-tenant discovery document (Entra ID's `common`, `organizations`) puts in its issuer. */
const TENANT_PLACEHOLDER = '{tenantid}';
/** Never `none` nor a MAC algorithm keyed with the client secret, whatever the discovery document offers. */
const ASYMMETRIC_ALGS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);

interface PendingAuthorization {
  handle: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  keep: boolean;
  createdAt: number;
}

declare module 'express-session' {
  interface SessionData {
    /** Authorization requests under way, per account provider key. */
    oidcPending?: Record<string, PendingAuthorization[]>;
  }
}

interface AppState {
  returnTo: string;
  keep: boolean;
}

interface IdTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
}

const discoverySchema = z.object({
  issuer: z.string().min(1),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  userinfo_endpoint: z.url().optional(),
  id_token_signing_alg_values_supported: z.array(z.string()).default(['RS256']),
  prompt_values_supported: z.array(z.string()).optional(),
});
type Discovery = z.infer<typeof discoverySchema>;

type RemoteJwks = ReturnType<typeof createRemoteJWKSet>;

interface ResolvedProvider {
  config: OidcProviderConfig;
  discovery: Discovery;
  /** Answers key lookups; a JWKS that cannot be fetched becomes a SignInFailure('provider') and an outage report. */
  jwks: JWTVerifyGetKey;
  remoteJwks: RemoteJwks;
  algorithms: string[];
  timeoutMs: number;
  reportOutage(reason: string): void;
}

export interface ProviderHealth {
  key: AccountProviderKey;
  /** `unknown` until a first check or sign-in has finished. */
  status: 'available' | 'unavailable' | 'unknown';
  /** Why it is unavailable (logged reason, no secrets). */
  reason?: string;
  since?: string;
}

const stripSlash = (url: string) => url.replace(/\/+$/, '');

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const describeError = (error: unknown) => {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } } | null;
  if (e?.name === 'TimeoutError' || e?.code === 'ERR_JWKS_TIMEOUT') return 'no answer within the timeout';
  return [e?.message ?? String(error), e?.cause?.code ?? e?.cause?.message].filter(Boolean).join(': ');
};

/** JWKS lookups that fail for want of the key set itself (unreachable, timeout, not JSON) are provider outages. */
function guardJwks(remote: RemoteJwks, jwksUri: string, reportOutage: (reason: string) => void): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') throw error;
      const reason = `JWKS ${jwksUri} unavailable: ${describeError(error)}`;
      reportOutage(reason);
      throw new SignInFailure('provider', reason, { cause: error });
    }
  };
}

async function discover(provider: OidcProviderConfig, timeoutMs: number, reportOutage: (reason: string) => void): Promise<ResolvedProvider> {
  const url = `${stripSlash(provider.issuer)}/.well-known/openid-configuration`;
  let body: unknown;
  try {
    const res = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = await res.json();
  } catch (cause) {
    throw new SignInFailure('provider', `discovery document ${url} unavailable: ${describeError(cause)}`, { cause });
  }
  const parsed = discoverySchema.safeParse(body);
  if (!parsed.success) throw new SignInFailure('provider', `discovery document ${url} is malformed: ${parsed.error.issues[0]?.message}`);
  const discovery = parsed.data;
  // A multi-tenant discovery document names a templated issuer; then issuerPattern decides instead.
  if (!provider.issuerPattern && stripSlash(discovery.issuer) !== stripSlash(provider.issuer)) {
    throw new SignInFailure('provider', `discovery document ${url} names issuer ${discovery.issuer}, expected ${provider.issuer}`);
  }
  const algorithms = discovery.id_token_signing_alg_values_supported.filter((alg) => ASYMMETRIC_ALGS.has(alg));
  if (algorithms.length === 0) throw new SignInFailure('provider', `issuer ${provider.issuer} offers no acceptable ID token signing algorithm`);
  const remoteJwks = createRemoteJWKSet(new URL(discovery.jwks_uri), { timeoutDuration: timeoutMs });
  const jwks = guardJwks(remoteJwks, discovery.jwks_uri, reportOutage);
  return { config: provider, discovery, jwks, remoteJwks, algorithms, timeoutMs, reportOutage };
}

/**
 * The issuer an ID token must name. A single-issuer provider: its discovery issuer. A multi-tenant one (discovery
 * issuer with `{tenantid}`): that template filled with the token's own `tid`, which must also match issuerPattern,
 * so a tenant cannot pass itself off as another.
 */
function expectedIssuer(provider: ResolvedProvider, idToken: string): string | undefined {
  const { issuer } = provider.discovery;
  if (!provider.config.issuerPattern) return issuer;
  if (!issuer.includes(TENANT_PLACEHOLDER)) return undefined;
  const tid = decodeJwt(idToken).tid;
  return typeof tid === 'string' && /^[A-Za-z0-9._-]+$/.test(tid) ? issuer.replace(TENANT_PLACEHOLDER, tid) : '(no usable tid claim)';
}

async function verifyIdToken(provider: ResolvedProvider, idToken: unknown, nonce: string): Promise<IdTokenClaims> {
  const refuse = (why: string, cause?: unknown) => new SignInFailure('id_token', `ID token refused: ${why}`, { cause });
  if (typeof idToken !== 'string') throw refuse('absent from the token response');
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(idToken).alg;
  } catch (cause) {
    throw refuse('not a JWS', cause);
  }
  if (!alg || !provider.algorithms.includes(alg)) throw refuse(`alg ${String(alg)} is not allowed`);
  const { clientId, issuerPattern } = provider.config;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, provider.jwks, {
      algorithms: provider.algorithms,
      audience: clientId,
      issuer: expectedIssuer(provider, idToken),
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
    }));
  } catch (cause) {
    if (cause instanceof SignInFailure) throw cause;
    const code = cause instanceof joseErrors.JOSEError ? cause.code : 'ERR_UNKNOWN';
    throw refuse(`${code}: ${(cause as Error).message}`, cause);
  }
  if (typeof payload.iss !== 'string' || (issuerPattern && !issuerPattern.test(payload.iss))) throw refuse(`iss ${String(payload.iss)} does not match`);
  if (typeof payload.sub !== 'string' || payload.sub === '') throw refuse('sub is missing');
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (audiences.length > 1 && payload.azp === undefined) throw refuse('several audiences and no azp');
  if (payload.azp !== undefined && payload.azp !== clientId) throw refuse(`azp ${String(payload.azp)} is not this client`);
  if (typeof payload.iat !== 'number' || payload.iat > Date.now() / 1000 + CLOCK_TOLERANCE_S) throw refuse('iat is in the future');
  if (typeof payload.nonce !== 'string' || !safeEqual(payload.nonce, nonce)) throw refuse('nonce does not match this sign-in');
  return payload as IdTokenClaims;
}

async function fetchUserInfo(url: string, accessToken: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const refuse = (why: string, cause?: unknown) => new SignInFailure('userinfo', `UserInfo refused: ${why}`, { cause });
  let text: string;
  try {
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  } catch (cause) {
    throw refuse(`request failed: ${describeError(cause)}`, cause);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw refuse('the body is not JSON', cause);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw refuse('the body is not a JSON object');
  return body as Record<string, unknown>;
}

/** application/x-www-form-urlencoded, as RFC 6749 §2.3.1 wants each half of the Basic credentials encoded. */
const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  [name: string]: unknown;
}

/** The authorization-code exchange, bounded by the timeout and authenticated the way the provider is configured for. */
async function requestTokens(provider: ResolvedProvider, form: Record<string, string>): Promise<TokenResponse> {
  const url = provider.discovery.token_endpoint;
  const { clientId, clientSecret, tokenAuth } = provider.config;
  const body = new URLSearchParams(form);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (tokenAuth === 'client_secret_basic') {
    headers.authorization = `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
  } else {
    body.set('client_id', clientId);
    body.set('client_secret', clientSecret);
  }
  let status: number;
  let raw: string;
  try {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.timeout(provider.timeoutMs) });
    status = res.status;
    raw = await res.text();
  } catch (cause) {
    const reason = `token endpoint ${url} unavailable: ${describeError(cause)}`;
    provider.reportOutage(reason);
    throw new SignInFailure('token', reason, { cause });
  }
  let parsed: Record<string, unknown> | null = null;
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === 'object' && !Array.isArray(value)) parsed = value as Record<string, unknown>;
  } catch {
    // Reported below with the status.
  }
  if (status !== 200 || !parsed) {
    const error = parsed ? [parsed.error, parsed.error_description].filter((v) => typeof v === 'string').join(': ') : 'a body that is not a JSON object';
    throw new SignInFailure('token', `token endpoint answered HTTP ${status} with ${error || 'no error code'}`);
  }
  if (typeof parsed.access_token !== 'string') throw new SignInFailure('token', 'the token response carries no access_token');
  return parsed as TokenResponse;
}

const text = (value: unknown, max = 320): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : null);

function describePerson(claims: Record<string, unknown>): { email: string | null; displayName: string | null } {
  const given = text(claims.given_name, 200);
  const family = text(claims.family_name, 200);
  return {
    email: text(claims.email),
    displayName: text(claims.name, 200) ?? ([given, family].filter(Boolean).join(' ') || null),
  };
}

/** The state store: state, nonce and PKCE verifier of one authorization request, single-use, in the session. */
class PendingAuthorizationStore {
  constructor(
    private readonly key: AccountProviderKey,
    private readonly onVerified: WeakMap<Request, PendingAuthorization>,
  ) {}

  store(req: Request, ctx: { nonce?: string }, appState: unknown, _meta: unknown, cb: (err: Error | null, handle?: string) => void): void {
    const app = appState as AppState & { codeVerifier: string };
    if (!req.session) return cb(new Error('OpenID Connect sign-in needs the session middleware'));
    if (!ctx.nonce || !app?.codeVerifier) return cb(new Error('nonce and PKCE verifier are required'));
    const now = Date.now();
    const pending: PendingAuthorization = {
      handle: randomBytes(32).toString('base64url'),
      nonce: ctx.nonce,
      codeVerifier: app.codeVerifier,
      returnTo: app.returnTo,
      keep: app.keep,
      createdAt: now,
    };
    const all = (req.session.oidcPending ??= {});
    all[this.key] = [...(all[this.key] ?? []).filter((p) => now - p.createdAt < PENDING_TTL_MS), pending].slice(-MAX_PENDING);
    cb(null, pending.handle);
  }

  verify(req: Request, handle: unknown, cb: (err: Error | null, ctx?: false | { nonce: string }, state?: unknown) => void): void {
    const refuse = (why: string) => cb(null, false, new SignInFailure('state', why));
    if (typeof handle !== 'string' || handle === '') return refuse('the callback carries no state');
    const list = req.session?.oidcPending?.[this.key] ?? [];
    const index = list.findIndex((p) => safeEqual(p.handle, handle));
    // Not in this session: issued to another browser, already used (entries are removed on use), or dropped.
    if (index < 0) return refuse('the state is unknown to this session (foreign, replayed or expired)');
    const [pending] = list.splice(index, 1);
    if (list.length === 0) delete req.session.oidcPending?.[this.key];
    if (!pending || Date.now() - pending.createdAt > PENDING_TTL_MS) return refuse('the authorization request has expired');
    this.onVerified.set(req, pending);
    cb(null, { nonce: pending.nonce }, { returnTo: pending.returnTo, keep: pending.keep } satisfies AppState);
  }
}

type VerifyDone = (err: Error | null, user?: Express.User | false, info?: unknown) => void;

interface StrategyInternals {
  _oauth2: OAuth2;
  _issuer: string;
  redirect(url: string, status?: number): void;
  error(err: Error): void;
}

/**
 * passport runs `authenticate` on a per-request object created with Object.create(strategy), so what is assigned to
 * `this` there (the token-request wrapper, the verified issuer) stays with this one request.
 */
class HardenedStrategy extends OpenIDConnectStrategy {
  constructor(
    private readonly resolved: ResolvedProvider,
    private readonly pendingByRequest: WeakMap<Request, PendingAuthorization>,
    private readonly claimsByRequest: WeakMap<Request, IdTokenClaims>,
    private readonly redirectHooks: WeakMap<Request, () => void>,
    callbackURL: string,
    verify: OpenIDConnectStrategy.VerifyFunction,
  ) {
    const { config, discovery } = resolved;
    super(
      {
        issuer: discovery.issuer,
        authorizationURL: discovery.authorization_endpoint,
        tokenURL: discovery.token_endpoint,
        userInfoURL: discovery.userinfo_endpoint ?? '',
        clientID: config.clientId,
        clientSecret: config.clientSecret,
        callbackURL,
        scope: ['email', 'profile'],
        nonce: 'true',
        passReqToCallback: true,
        skipUserProfile: true,
        store: new PendingAuthorizationStore(config.key, pendingByRequest) as unknown as OpenIDConnectStrategy.SessionStore,
      },
      verify,
    );
  }

  override authenticate(req: Request, options: OpenIDConnectStrategy.AuthenticateOptions = {}): void {
    const self = this as unknown as StrategyInternals;
    const query = req.query as Record<string, unknown>;
    if (query.code) {
      self._oauth2 = this.tokenRequestFor(req, self);
    } else if (!query.error) {
      const hook = this.redirectHooks.get(req);
      const redirect = self.redirect.bind(self);
      self.redirect = (url, status) => {
        hook?.();
        redirect(url, status);
      };
      options = { ...options, state: { ...(options.state ?? {}), codeVerifier: randomBytes(32).toString('base64url') } };
    }
    super.authenticate(req, options);
  }

  override authorizationParams(options: OpenIDConnectStrategy.AuthenticateOptions): object {
    const verifier = (options.state as { codeVerifier?: string } | undefined)?.codeVerifier;
    if (!verifier) throw new Error('PKCE verifier missing');
    return { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' };
  }

  /**
   * The library re-reads `id_token` after us and checks `exp` with no clock tolerance at all. It gets the claims we
   * verified with `exp` widened by our tolerance, unsigned (it never checks signatures; nothing else sees this copy).
   */
  private forLibrary(req: Request): string {
    const claims = this.claimsByRequest.get(req)!;
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${part({ alg: 'none' })}.${part({ ...claims, exp: (claims.exp ?? 0) + CLOCK_TOLERANCE_S })}.`;
  }

  private tokenRequestFor(req: Request, self: StrategyInternals): OAuth2 {
    const perRequest: OAuth2 = Object.create(self._oauth2);
    perRequest.getOAuthAccessToken = ((code: string, params: Record<string, string>, callback: (...args: unknown[]) => void) => {
      const pending = this.pendingByRequest.get(req);
      if (!pending) return callback(new SignInFailure('state', 'token request without a verified state'));
      requestTokens(this.resolved, { ...params, code, code_verifier: pending.codeVerifier })
        .then(async (tokens) => {
          const claims = await verifyIdToken(this.resolved, tokens.id_token, pending.nonce);
          this.claimsByRequest.set(req, claims);
          // The library then compares `iss` with this; for an issuerPattern provider it is the tenant's issuer.
          self._issuer = claims.iss;
          return tokens;
        })
        .then(
          (tokens) => callback(null, tokens.access_token, tokens.refresh_token, { ...tokens, id_token: this.forLibrary(req) }),
          (failure: unknown) => callback(failure),
        )
        .catch((error: unknown) => self.error(error as Error));
    }) as OAuth2['getOAuthAccessToken'];
    return perRequest;
  }
}

/** The library's failures and errors, as one of our codes; our own SignInFailures come through wrapped. */
function asFailure(value: unknown, fallback: SignInFailureCode): SignInFailure {
  if (value instanceof SignInFailure) return value;
  const wrapped = (value as { oauthError?: unknown } | null)?.oauthError;
  if (wrapped instanceof SignInFailure) return wrapped;
  const name = (value as { name?: string } | null)?.name;
  const message = (value as { message?: string } | null)?.message ?? String(value);
  if (name === 'TokenError' || name === 'InternalOAuthError') return new SignInFailure('token', `token request failed: ${message}`, { cause: value });
  if (name === 'AuthorizationError') return new SignInFailure('provider', `the provider answered an error: ${message}`, { cause: value });
  return new SignInFailure(fallback, message || 'sign-in refused', { cause: value });
}

export function createOidcSignIn(config: Config, db: Db): OidcSignIn {
  const providers = new Map(config.oidcProviders.map((p) => [p.key, p]));
  const authenticator = new passport.Passport();
  const ready = new Map<AccountProviderKey, Promise<{ name: string; resolved: ResolvedProvider }>>();
  const pendingByRequest = new WeakMap<Request, PendingAuthorization>();
  const claimsByRequest = new WeakMap<Request, IdTokenClaims>();
  const redirectHooks = new WeakMap<Request, () => void>();
  const timeoutMs = config.oidcHttpTimeoutMs;
  const seen = new Map<AccountProviderKey, ProviderHealth>();
  const checks = new Map<AccountProviderKey, Promise<void>>();

  const reportOutage = (key: AccountProviderKey) => (reason: string) => {
    const previous = seen.get(key);
    const since = previous?.status === 'unavailable' ? previous.since : new Date().toISOString();
    seen.set(key, { key, status: 'unavailable', reason, since });
  };
  const reportAvailable = (key: AccountProviderKey) => {
    if (seen.get(key)?.status !== 'available') seen.set(key, { key, status: 'available', since: new Date().toISOString() });
  };

  /** Discovery done and a key set in hand: what a sign-in needs before the person is sent to the provider. */
  async function reachable(key: AccountProviderKey): Promise<{ name: string; resolved: ResolvedProvider }> {
    const found = await strategyFor(key);
    const { remoteJwks, discovery } = found.resolved;
    if (remoteJwks.jwks() === undefined) {
      try {
        await remoteJwks.reload();
      } catch (error) {
        const reason = `JWKS ${discovery.jwks_uri} unavailable: ${describeError(error)}`;
        reportOutage(key)(reason);
        throw new SignInFailure('provider', reason, { cause: error });
      }
    }
    reportAvailable(key);
    return found;
  }

  function check(key: AccountProviderKey): Promise<void> {
    let running = checks.get(key);
    if (!running) {
      running = reachable(key).then(
        () => undefined,
        () => undefined,
      );
      checks.set(key, running);
      void running.finally(() => checks.delete(key));
    }
    return running;
  }

  async function completeSignIn(req: Request, key: AccountProviderKey, resolved: ResolvedProvider, accessToken: string): Promise<{ identityId: string }> {
    const claims = claimsByRequest.get(req);
    if (!claims) throw new SignInFailure('id_token', 'no verified ID token for this request');
    let person = describePerson(claims);
    if (resolved.discovery.userinfo_endpoint) {
      const info = await fetchUserInfo(resolved.discovery.userinfo_endpoint, accessToken, timeoutMs);
      if (typeof info.sub !== 'string' || info.sub !== claims.sub) {
        throw new SignInFailure('userinfo', `UserInfo refused: its sub ${JSON.stringify(info.sub)} is not the ID token's`);
      }
      const fromUserInfo = describePerson(info);
      person = { email: fromUserInfo.email ?? person.email, displayName: fromUserInfo.displayName ?? person.displayName };
    }
    const identity = await upsertIdentity(db, { provider: key, issuer: claims.iss, subject: claims.sub, ...person });
    return { identityId: identity.id };
  }

  /** The passport strategy name, once the provider's discovery document has been read. */
  function strategyFor(key: AccountProviderKey): Promise<{ name: string; resolved: ResolvedProvider }> {
    let promise = ready.get(key);
    if (!promise) {
      const provider = providers.get(key)!;
      promise = discover(provider, timeoutMs, reportOutage(key)).then((resolved) => {
        const name = `oidc:${key}`;
        // The library passes the arguments it finds by counting these parameters: keep exactly nine.
        const verify = (
          req: Request,
          _issuer: string,
          _profile: unknown,
          _context: unknown,
          _idToken: unknown,
          accessToken: string,
          _refreshToken: unknown,
          _params: unknown,
          done: VerifyDone,
        ) => {
          completeSignIn(req, key, resolved, accessToken).then(
            (user) => done(null, user),
            (error: unknown) => (error instanceof SignInFailure ? done(null, false, error) : done(error as Error)),
          );
        };
        const callbackURL = `${config.publicUrl}/auth/callback/${key}`;
        authenticator.use(
          name,
          new HardenedStrategy(resolved, pendingByRequest, claimsByRequest, redirectHooks, callbackURL, verify as unknown as OpenIDConnectStrategy.VerifyFunction),
        );
        return { name, resolved };
      });
      // A provider that was down must be retried on the next sign-in, not remembered as down.
      promise.catch((error: unknown) => {
        ready.delete(key);
        reportOutage(key)(asFailure(error, 'provider').message);
      });
      ready.set(key, promise);
    }
    return promise;
  }

  const signIn: OidcSignIn = {
    has: (key: string): key is AccountProviderKey => providers.has(key as AccountProviderKey),

    async start(req, res, key, request) {
      let name: string;
      let resolved: ResolvedProvider;
      try {
        ({ name, resolved } = await reachable(key));
      } catch (error) {
        return { ok: false, failure: asFailure(error, 'provider') };
      }
      // "Use a different account": a provider whose discovery lists its prompts without select_account gets login.
      const offered = resolved.discovery.prompt_values_supported;
      const prompt = request.prompt === 'select_account' && offered && !offered.includes('select_account') ? 'login' : request.prompt;
      return new Promise<StartOutcome>((resolve) => {
        redirectHooks.set(req, () => resolve({ ok: true }));
        const state: AppState = { returnTo: request.returnTo, keep: request.keep };
        const options = { session: false, state, ...(prompt ? { prompt } : {}) } as unknown as passport.AuthenticateOptions;
        authenticator.authenticate(name, options, (err: unknown, _user: unknown, info: unknown) => {
          resolve({ ok: false, failure: asFailure(err ?? info, 'provider') });
        })(req, res, (err?: unknown) => resolve({ ok: false, failure: asFailure(err, 'provider') }));
      });
    },

    async finish(req, res, key) {
      const query = req.query as Record<string, unknown>;
      // Without these the library would start a new authorization request instead of finishing one.
      if (!query.code && !query.error) return { ok: false, failure: new SignInFailure('callback', 'the callback carries neither code nor error') };
      if (query.error === 'access_denied') {
        return { ok: false, failure: new SignInFailure('access_denied', `the provider denied access: ${String(query.error_description ?? '')}`) };
      }
      let name: string;
      let resolved: ResolvedProvider;
      try {
        ({ name, resolved } = await strategyFor(key));
      } catch (error) {
        return { ok: false, failure: asFailure(error, 'provider') };
      }
      // RFC 9207: a provider that names itself in the response must be the one this callback belongs to (mix-up).
      if (query.iss !== undefined) {
        const { issuerPattern } = resolved.config;
        const iss = String(query.iss);
        if (issuerPattern ? !issuerPattern.test(iss) && iss !== resolved.discovery.issuer : iss !== resolved.discovery.issuer) {
          return { ok: false, failure: new SignInFailure('provider', `the authorization response comes from issuer ${iss}`) };
        }
      }
      return new Promise<FinishOutcome>((resolve) => {
        authenticator.authenticate(name, { session: false }, (err: unknown, user: unknown, info: unknown) => {
          const identityId = (user as { identityId?: string } | false | undefined) && (user as { identityId: string }).identityId;
          // The library's own failures past our checks are all about the ID token.
          if (err || !identityId) return resolve({ ok: false, failure: asFailure(err ?? info, err ? 'server' : 'id_token') });
          const state = (info as { state?: AppState } | undefined)?.state;
          resolve({ ok: true, identityId, returnTo: state?.returnTo ?? '/', keep: state?.keep ?? false });
        })(req, res, (err?: unknown) => resolve({ ok: false, failure: asFailure(err, 'server') }));
      });
    },

    async health() {
      const keys = [...providers.keys()];
      const pending = keys.filter((key) => seen.get(key)?.status !== 'available').map(check);
      if (pending.length > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.all(pending), new Promise((resolve) => (timer = setTimeout(resolve, Math.min(timeoutMs, HEALTH_WAIT_MS))))]);
        clearTimeout(timer);
      }
      return keys.map((key) => seen.get(key) ?? { key, status: 'unknown' as const });
    },
  };
  signInByConfig.set(config, signIn);
  return signIn;
}
