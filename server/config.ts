// All configuration, read once from the environment, validated, typed. Every problem is reported together.
// A disabled feature is null, never an empty string. Secrets are masked whenever the configuration is printed.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';

export type AccountProviderKey = 'personal' | 'work';

export interface OidcProviderConfig {
  key: AccountProviderKey;
  displayName: string;
  description: string;
  /** The issuer whose discovery document (`/.well-known/openid-configuration`) gives the endpoints. */
  issuer: string;
  /**
   * Multi-tenant work-account endpoints put the tenant in `iss`; when set, an ID token's `iss` must match this
   * pattern instead of equalling `issuer`. Identities are keyed by the token's own `iss`.
   */
  issuerPattern: RegExp | null;
  clientId: string;
  clientSecret: string;
  /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1 basic, or the secret in the form body). */
  tokenAuth: TokenEndpointAuth;
}

export type TokenEndpointAuth = 'client_secret_basic' | 'client_secret_post';

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
}

export interface Config {
  mode: 'demo' | 'production';
  host: string;
  port: number;
  /** The origin people use, without a trailing slash; links in e-mails and OIDC redirect URIs are built from it. */
  publicUrl: string;
  databaseUrl: string;
  /**
   * Which proxies' X-Forwarded-* headers to believe: false (none), a hop count, or their addresses/ranges. Never
   * "everything": then any client could pick its own address and walk out of its rate-limit bucket.
   */
  trustProxy: false | number | string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** pretty: readable lines for a person at a terminal (the demo); json: one object per line for a log pipeline. */
  logFormat: 'pretty' | 'json';
  /** Take the request id from the X-Request-Id header (set by our own proxy) instead of generating one. */
  trustRequestId: boolean;
  metrics: {
    /**
     * Serve /metrics on this port only (not on the app's); null: on the app's port, where production serves it only
     * with a token (a public /metrics tells anyone the traffic and error rates).
     */
    port: number | null;
    /** Require `Authorization: Bearer <token>` for /metrics; null: no token. */
    token: string | null;
  };
  session: {
    secret: string;
    cookieName: string;
    secureCookie: boolean;
    idleTimeoutMinutes: number;
    absoluteTimeoutHours: number;
    keepSignedInDays: number;
  };
  /** In demo mode, the built-in provider's two issuers under /dev/idp (see DEMO_CLIENTS). */
  oidcProviders: OidcProviderConfig[];
  /** Bound on every request Portico makes to a provider (discovery, token, JWKS, UserInfo). */
  oidcHttpTimeoutMs: number;
  /** null in demo mode: the in-process mail catcher is used. */
  smtp: SmtpConfig | null;
  mailFrom: string;
  invitationTtlHours: number;
  corsOrigins: string[];
  rateLimits: { linkRequestsPerAddressPerHour: number; linkRequestsPerClientPerHour: number; apiTokenRequestsPerMinute: number };
  vendor: { name: string; supportEmail: string };
  /** Where the help site lives; typed errors link to pages below it. */
  helpUrl: string;
  graphql: { maxDepth: number; maxAliases: number; maxTokens: number };
  outbox: {
    pollMs: number;
    retryBaseMs: number;
    /** Temporary failures are retried until an e-mail has waited this long, like a mail server's queue. */
    retryHorizonHours: number;
  };
  database: {
    /** SQLite: how long a write waits for another connection's lock. It blocks the event loop, so keep it short. */
    busyTimeoutMs: number;
    /** PostgreSQL: connections per instance, and how long a query waits for one (or for a new connection). */
    poolMax: number;
    poolTimeoutMs: number;
    /** PostgreSQL: a statement running longer is cancelled, so a lock never holds a request for good. */
    statementTimeoutMs: number;
  };
  /** What is purged, and when; audit events are kept. */
  retention: { intervalMinutes: number; sessionsDays: number; rateLimitsHours: number; deliveredMailDays: number };
  shutdown: {
    /** After SIGTERM, /readyz answers 503 this long while requests are still served, so a load balancer can stop sending. */
    delayMs: number;
    /** Requests still running after this long are cut off. */
    timeoutMs: number;
  };
  /** requestAssociationEmails answers after at least this long, found or not, so timing tells nothing (R8). */
  linkRequestMinMs: number;
  /**
   * The per-session cache of the session row and the viewer (server/cache/viewer-cache.ts); null when off. Every
   * writer is heard (another process on SQLite through the file's data_version), so `ttlMs` only bounds how long an
   * entry of an idle session stays in memory. `maxEntries` bounds sessions, and the profiles the cached viewers hold
   * (one per profile, about 2.7 KB each: the default 15,000 stays near 40 MB, inside the 160 MB old space
   * start:production gives Node); kept answers have a byte budget of their own (cache/viewer-cache.ts).
   */
  viewerCache: { ttlMs: number; maxEntries: number } | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Portico cannot start; the configuration has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());
const int = (fallback: number, min: number, max: number) => z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
const bool = (fallback: boolean) =>
  z.preprocess(blankToUndefined, z.enum(['true', 'false', '1', '0', 'yes', 'no']).default(fallback ? 'true' : 'false')).transform((v) => ['true', '1', 'yes'].includes(v));

const envSchema = z.object({
  NODE_ENV: optionalString,
  HOST: optionalString,
  PORT: int(3000, 0, 65535),
  PUBLIC_URL: z.preprocess(blankToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  DATABASE_URL: optionalString,
  TRUST_PROXY: optionalString,
  PORTICO_DEMO: bool(false),
  LOG_FORMAT: z.preprocess(blankToUndefined, z.enum(['pretty', 'json']).optional()),
  TRUST_REQUEST_ID: bool(false),
  METRICS_PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).optional()),
  METRICS_TOKEN: optionalString,
  LOG_LEVEL: z.preprocess(blankToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional()),
  SESSION_SECRET: optionalString,
  SESSION_IDLE_MINUTES: int(120, 5, 24 * 60),
  SESSION_ABSOLUTE_HOURS: int(12, 1, 24 * 7),
  KEEP_SIGNED_IN_DAYS: int(30, 1, 30),
  OIDC_PERSONAL_ISSUER: optionalString,
  OIDC_PERSONAL_CLIENT_ID: optionalString,
  OIDC_PERSONAL_CLIENT_SECRET: optionalString,
  OIDC_WORK_ISSUER: optionalString,
  OIDC_WORK_ISSUER_PATTERN: optionalString,
  OIDC_WORK_CLIENT_ID: optionalString,
  OIDC_WORK_CLIENT_SECRET: optionalString,
  OIDC_PERSONAL_TOKEN_AUTH: z.preprocess(blankToUndefined, z.enum(['client_secret_basic', 'client_secret_post']).optional()),
  OIDC_WORK_TOKEN_AUTH: z.preprocess(blankToUndefined, z.enum(['client_secret_basic', 'client_secret_post']).optional()),
  OIDC_HTTP_TIMEOUT_MS: int(10_000, 100, 120_000),
  SMTP_HOST: optionalString,
  SMTP_PORT: int(587, 1, 65535),
  SMTP_SECURE: bool(false),
  SMTP_USER: optionalString,
  SMTP_PASSWORD: optionalString,
  MAIL_FROM: optionalString,
  INVITATION_TTL_HOURS: int(7 * 24, 1, 90 * 24),
  CORS_ORIGINS: optionalString,
  LINK_REQUESTS_PER_ADDRESS_PER_HOUR: int(5, 1, 1000),
  LINK_REQUESTS_PER_CLIENT_PER_HOUR: int(30, 1, 100000),
  API_TOKEN_REQUESTS_PER_MINUTE: int(120, 1, 100000),
  VENDOR_NAME: optionalString,
  SUPPORT_EMAIL: optionalString,
  HELP_URL: z.preprocess(blankToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  GRAPHQL_MAX_DEPTH: int(12, 3, 50),
  GRAPHQL_MAX_ALIASES: int(20, 1, 500),
  GRAPHQL_MAX_TOKENS: int(2000, 100, 100000),
  OUTBOX_POLL_MS: int(1000, 20, 60000),
  OUTBOX_RETRY_BASE_MS: int(2000, 10, 3600000),
  OUTBOX_RETRY_HORIZON_HOURS: int(24, 1, 24 * 14),
  DB_BUSY_TIMEOUT_MS: int(2000, 10, 60000),
  DB_POOL_MAX: int(10, 1, 500),
  DB_POOL_TIMEOUT_MS: int(5000, 100, 120000),
  DB_STATEMENT_TIMEOUT_MS: int(15000, 100, 600000),
  VIEWER_CACHE: bool(true),
  VIEWER_CACHE_TTL_SECONDS: int(60, 1, 86400),
  VIEWER_CACHE_MAX_ENTRIES: int(15000, 100, 10000000),
  SHUTDOWN_DELAY_MS: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(120000).optional()),
  SHUTDOWN_TIMEOUT_MS: int(10000, 100, 600000),
  RETENTION_INTERVAL_MINUTES: int(60, 1, 24 * 60),
  RETENTION_SESSIONS_DAYS: int(7, 0, 3650),
  RETENTION_RATE_LIMITS_HOURS: int(1, 0, 24 * 365),
  RETENTION_DELIVERED_MAIL_DAYS: int(30, 0, 3650),
  LINK_REQUEST_MIN_MS: int(400, 0, 10000),
});

const PROVIDER_TEXT: Record<AccountProviderKey, { displayName: string; description: string }> = {
  personal: {
    displayName: 'Personal account',
    description: 'The account you use for your own e-mail, calendar or cloud storage.',
  },
  work: {
    displayName: 'Work or school account',
    description: 'The account your employer or school gave you.',
  },
};

/** The clients Portico is registered as at the demo provider's two issuers (demo mode only). */
export const DEMO_CLIENTS: Record<AccountProviderKey, { clientId: string; clientSecret: string }> = {
  personal: { clientId: 'portico-personal', clientSecret: 'demo-personal-secret-0123456789abcdef' },
  work: { clientId: 'portico-work', clientSecret: 'demo-work-secret-0123456789abcdef' },
};

/** A stable secret for demo mode only, so demo sessions survive a restart; production must set its own. */
const DEMO_SESSION_SECRET = 'portico-demo-session-secret-not-for-production';

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** TRUST_PROXY as express takes it, or a problem. */
function parseTrustProxy(raw: string | undefined): { value: Config['trustProxy'] } | { problem: string } {
  if (raw === undefined || ['false', '0', 'no'].includes(raw.toLowerCase())) return { value: false };
  if (/^\d+$/.test(raw)) return { value: Number(raw) };
  if (['true', 'yes'].includes(raw.toLowerCase())) {
    return { problem: 'TRUST_PROXY=true would believe any X-Forwarded-For a client sends; give the number of proxies in front of Portico (e.g. 1) or their addresses (e.g. 10.0.0.0/8)' };
  }
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  const bad = entries.filter((entry) => {
    if (NAMED_RANGES.has(entry)) return false;
    const [address, bits, ...rest] = entry.split('/');
    const version = isIP(address ?? '');
    if (version === 0 || rest.length > 0) return true;
    return bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
  });
  if (entries.length === 0 || bad.length > 0) return { problem: `TRUST_PROXY: ${bad.join(', ') || raw} is not a hop count, an address, a range (10.0.0.0/8) or loopback/linklocal/uniquelocal` };
  return { value: entries };
}

/** Whether anything names a real database, identity provider or mail server: then the demo needs PORTICO_DEMO. */
function namesRealServices(e: z.infer<typeof envSchema>): string[] {
  const named = ['DATABASE_URL', 'OIDC_PERSONAL_ISSUER', 'OIDC_WORK_ISSUER', 'SMTP_HOST'] as const;
  return named.filter((key) => e[key] !== undefined);
}

function demoProvider(publicUrl: string, key: AccountProviderKey): OidcProviderConfig {
  return {
    key,
    ...PROVIDER_TEXT[key],
    issuer: `${publicUrl}/dev/idp/${key}`,
    issuerPattern: null,
    ...DEMO_CLIENTS[key],
    // The demo provider registers its clients with this method (see server/dev/oidc-provider.ts).
    tokenAuth: 'client_secret_post',
  };
}

/** The providers the environment names (OIDC_PERSONAL_*, OIDC_WORK_*); production insists on https issuers. */
function configuredProviders(e: z.infer<typeof envSchema>, production: boolean, problems: string[]): OidcProviderConfig[] {
  const providers: OidcProviderConfig[] = [];
  for (const key of ['personal', 'work'] as const) {
    const prefix = `OIDC_${key.toUpperCase()}` as 'OIDC_PERSONAL' | 'OIDC_WORK';
    const issuer = e[`${prefix}_ISSUER`];
    const clientId = e[`${prefix}_CLIENT_ID`];
    const clientSecret = e[`${prefix}_CLIENT_SECRET`];
    if (!issuer && !clientId && !clientSecret) continue;
    if (!issuer || !(production ? /^https:\/\// : /^https?:\/\//).test(issuer)) problems.push(`${prefix}_ISSUER must be an ${production ? 'https://' : 'http(s)://'} issuer URL`);
    if (!clientId) problems.push(`${prefix}_CLIENT_ID is required when ${prefix}_ISSUER is set`);
    if (!clientSecret) problems.push(`${prefix}_CLIENT_SECRET is required when ${prefix}_ISSUER is set`);
    let issuerPattern: RegExp | null = null;
    const pattern = key === 'work' ? e.OIDC_WORK_ISSUER_PATTERN : undefined;
    if (pattern) {
      try {
        issuerPattern = new RegExp(`^(?:${pattern})$`);
      } catch {
        problems.push('OIDC_WORK_ISSUER_PATTERN is not a valid regular expression');
      }
    }
    if (issuer && clientId && clientSecret) {
      providers.push({
        key,
        ...PROVIDER_TEXT[key],
        issuer: issuer.replace(/\/+$/, ''),
        issuerPattern,
        clientId,
        clientSecret,
        // OpenID Connect Core §9: client_secret_basic is what a provider supports when it says nothing else.
        tokenAuth: e[`${prefix}_TOKEN_AUTH`] ?? 'client_secret_basic',
      });
    }
  }
  return providers;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const problems: string[] = [];
  const trust = parseTrustProxy(e.TRUST_PROXY);
  if ('problem' in trust) problems.push(trust.problem);
  const trustProxy = 'value' in trust ? trust.value : false;
  // The demo signs in any e-mail address and shows every e-mail at /dev/mailbox: it must never face a real
  // database or real people by accident (DESIGN §6).
  const real = namesRealServices(e);
  if (!production && real.length > 0 && !e.PORTICO_DEMO) {
    problems.push(
      `${real.join(', ')} ${real.length > 1 ? 'are' : 'is'} set but NODE_ENV is not production, so Portico would run its demo (whose sign-in accepts any address and whose mailbox is open) against them. Set NODE_ENV=production for a real deployment, or PORTICO_DEMO=true to run the demo on purpose.`,
    );
  }

  const port = e.PORT;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const secureCookie = publicUrl.startsWith('https://');

  const configured = configuredProviders(e, production, problems);
  // Demo mode keeps the built-in issuer for each account type that names no issuer of its own, so a test or a local
  // trial can sign one account type in at a real provider and the other at the demo one.
  const oidcProviders: OidcProviderConfig[] = production
    ? configured
    : (['personal', 'work'] as const).map((key) => configured.find((p) => p.key === key) ?? demoProvider(publicUrl, key));
  let smtp: SmtpConfig | null = null;

  if (production) {
    if (oidcProviders.length === 0 && !problems.some((p) => p.startsWith('OIDC_'))) {
      problems.push('at least one OpenID Connect provider is required: set OIDC_PERSONAL_* and/or OIDC_WORK_* (issuer, client id, client secret)');
    }
    if (!e.SMTP_HOST) problems.push('SMTP_HOST is required in production (mail is how people get their links)');
    else smtp = { host: e.SMTP_HOST, port: e.SMTP_PORT, secure: e.SMTP_SECURE, user: e.SMTP_USER ?? null, password: e.SMTP_PASSWORD ?? null };
    if (!e.MAIL_FROM) problems.push('MAIL_FROM is required in production');
    if (!e.SESSION_SECRET || e.SESSION_SECRET.length < 32 || new Set(e.SESSION_SECRET).size < 10) {
      problems.push('SESSION_SECRET must be at least 32 random characters');
    }
    if (!e.DATABASE_URL) problems.push('DATABASE_URL is required in production');
    if (e.METRICS_TOKEN && e.METRICS_TOKEN.length < 16) problems.push('METRICS_TOKEN must be at least 16 characters');
    if (!e.PUBLIC_URL) problems.push('PUBLIC_URL is required in production');
    else if (!secureCookie) problems.push('PUBLIC_URL must be https:// in production');
    // Portico serves plain HTTP behind a TLS-terminating proxy; unless it trusts the proxy's X-Forwarded-Proto it
    // sees every request as http and never sets its Secure session cookie, so nobody could sign in.
    if (trustProxy === false && !('problem' in trust)) {
      problems.push('TRUST_PROXY is required in production: the number of proxies in front of Portico (e.g. 1) or their addresses (e.g. 10.0.0.0/8)');
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    mode: production ? 'production' : 'demo',
    host: e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    port,
    publicUrl,
    databaseUrl: e.DATABASE_URL ?? 'file:./data/portico.db',
    trustProxy,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    logFormat: e.LOG_FORMAT ?? (production ? 'json' : 'pretty'),
    trustRequestId: e.TRUST_REQUEST_ID,
    metrics: { port: e.METRICS_PORT ?? null, token: e.METRICS_TOKEN ?? null },
    session: {
      secret: e.SESSION_SECRET ?? (production ? randomBytes(32).toString('hex') : DEMO_SESSION_SECRET),
      cookieName: secureCookie ? '__Host-portico.sid' : 'portico.sid',
      secureCookie,
      idleTimeoutMinutes: e.SESSION_IDLE_MINUTES,
      absoluteTimeoutHours: e.SESSION_ABSOLUTE_HOURS,
      keepSignedInDays: e.KEEP_SIGNED_IN_DAYS,
    },
    oidcProviders,
    oidcHttpTimeoutMs: e.OIDC_HTTP_TIMEOUT_MS,
    smtp,
    mailFrom: e.MAIL_FROM ?? `"${(e.VENDOR_NAME ?? 'Northwind Software').replace(/["\\\r\n]/g, '')}" <no-reply@${new URL(publicUrl).hostname}>`,
    invitationTtlHours: e.INVITATION_TTL_HOURS,
    corsOrigins: (e.CORS_ORIGINS ?? '').split(',').map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean),
    rateLimits: {
      linkRequestsPerAddressPerHour: e.LINK_REQUESTS_PER_ADDRESS_PER_HOUR,
      linkRequestsPerClientPerHour: e.LINK_REQUESTS_PER_CLIENT_PER_HOUR,
      apiTokenRequestsPerMinute: e.API_TOKEN_REQUESTS_PER_MINUTE,
    },
    vendor: { name: e.VENDOR_NAME ?? 'Northwind Software', supportEmail: e.SUPPORT_EMAIL ?? 'support@northwind.example' },
    helpUrl: (e.HELP_URL ?? publicUrl).replace(/\/+$/, ''),
    graphql: { maxDepth: e.GRAPHQL_MAX_DEPTH, maxAliases: e.GRAPHQL_MAX_ALIASES, maxTokens: e.GRAPHQL_MAX_TOKENS },
    outbox: { pollMs: e.OUTBOX_POLL_MS, retryBaseMs: e.OUTBOX_RETRY_BASE_MS, retryHorizonHours: e.OUTBOX_RETRY_HORIZON_HOURS },
    database: {
      busyTimeoutMs: e.DB_BUSY_TIMEOUT_MS,
      poolMax: e.DB_POOL_MAX,
      poolTimeoutMs: e.DB_POOL_TIMEOUT_MS,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    },
    retention: {
      intervalMinutes: e.RETENTION_INTERVAL_MINUTES,
      sessionsDays: e.RETENTION_SESSIONS_DAYS,
      rateLimitsHours: e.RETENTION_RATE_LIMITS_HOURS,
      deliveredMailDays: e.RETENTION_DELIVERED_MAIL_DAYS,
    },
    // A demo stopped with Ctrl-C has no load balancer to wait for.
    shutdown: { delayMs: e.SHUTDOWN_DELAY_MS ?? (production ? 5000 : 0), timeoutMs: e.SHUTDOWN_TIMEOUT_MS },
    linkRequestMinMs: e.LINK_REQUEST_MIN_MS,
    viewerCache: e.VIEWER_CACHE ? { ttlMs: e.VIEWER_CACHE_TTL_SECONDS * 1000, maxEntries: e.VIEWER_CACHE_MAX_ENTRIES } : null,
  };
}

/** The configuration as it is safe to print: secrets masked, everything else as read. */
export function describeConfig(config: Config): Record<string, unknown> {
  const mask = (value: string | null) => (value ? '********' : null);
  return {
    ...config,
    databaseUrl: config.databaseUrl.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:********@'),
    session: { ...config.session, secret: '********' },
    metrics: { ...config.metrics, token: mask(config.metrics.token) },
    oidcProviders: config.oidcProviders.map((p) => ({ ...p, issuerPattern: p.issuerPattern?.source ?? null, clientSecret: mask(p.clientSecret) })),
    smtp: config.smtp ? { ...config.smtp, password: mask(config.smtp.password) } : 'demo mail catcher',
  };
}
