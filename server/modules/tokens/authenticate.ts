// `Authorization: Bearer <secret>` on /graphql: the API token becomes the request's actor, acting for its
// organization with its role. Refused, for the whole request: a secret that is unknown, revoked or expired; a
// token whose creator no longer holds its role in the organization (policy.mayHoldTokenRole, at every use); any
// request that also carries cookies (a token belongs in scripts and servers, never in a browser, where a page
// could borrow it alongside the person's session); and a token past its rate limit. R1 applies as to a session:
// a customer whose plan ended gets SERVICE_PLAN_INACTIVE from every field that needs the organization.
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { DomainError, UnauthenticatedError, type RateLimitedError } from '../../errors.js';
import { formatDate } from '../../format.js';
import type { Logger } from '../../logger.js';
import { apiTokenDisplayName } from '../audit/service.js';
import { hasAccessToday, isoDay, lastEndedPlan, PLAN_FIELDS } from '../organizations/plans.js';
import { databaseLimit } from '../rate-limit.js';
import { API_TOKEN_ROLES, mayHoldTokenRole, roleOf, type Actor, type ApiTokenRole } from '../policy.js';
import { hashApiTokenSecret, isWellFormedApiTokenSecret } from './secret.js';

/** lastUsedAt is written at most this often per token, so busy integrations do not write on every request. */
const LAST_USED_EVERY_MS = 60_000;

export interface ApiTokenRequestLimiter {
  /** Counts one request of this token; a RateLimitedError when its budget for the minute is spent. */
  consume(apiTokenId: string): Promise<RateLimitedError | null>;
}

export function createApiTokenRequestLimiter(db: Db, config: Config): ApiTokenRequestLimiter {
  return { consume: databaseLimit(db, 'api-token', config.rateLimits.apiTokenRequestsPerMinute, 60) };
}

/** The secret of an `Authorization: Bearer …` header; null when the request has no such header. */
export function bearerSecret(headers: Headers): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '');
  return match ? match[1]! : null;
}

export interface BearerDeps {
  db: Db;
  logger: Logger;
  limiter: ApiTokenRequestLimiter;
  now: Date;
}

/**
 * The actor of a request with `Authorization: Bearer`, or null when it has none (the session decides). Throws the
 * refusal otherwise: UNAUTHENTICATED with the reason, or RATE_LIMITED.
 */
export async function authenticateBearer(deps: BearerDeps, headers: Headers): Promise<Actor | null> {
  const secret = bearerSecret(headers);
  if (secret === null) return null;
  try {
    return await tokenActor(deps, secret, headers.get('cookie') !== null);
  } catch (error) {
    // Refusals are logged (never the secret: the reason names the token at most); they have no actor to audit.
    if (error instanceof DomainError) deps.logger.warn({ code: error.code, reason: error.message }, 'API token refused');
    throw error;
  }
}

async function tokenActor(deps: BearerDeps, secret: string, withCookies: boolean): Promise<Actor> {
  if (withCookies) {
    throw new UnauthenticatedError('API tokens are not accepted from a browser: this request carried cookies as well as a token. Send the token from a script or a server, without cookies.');
  }
  const token = isWellFormedApiTokenSecret(secret)
    ? await deps.db.apiToken.findUnique({
        where: { secretHash: hashApiTokenSecret(secret) },
        select: {
          id: true,
          name: true,
          role: true,
          expiresAt: true,
          revokedAt: true,
          lastUsedAt: true,
          organizationId: true,
          organization: { select: { name: true, kind: true, servicePlans: { select: PLAN_FIELDS } } },
          createdBy: { select: { status: true, isAdministrator: true, organizationId: true } },
        },
      })
    : null;
  if (!token) throw new UnauthenticatedError('This API token is not valid. Check that the whole token was copied, or ask an administrator for a new one.');
  if (token.revokedAt) throw new UnauthenticatedError(`This API token («${token.name}») was revoked on ${formatDate(token.revokedAt)}. Ask an administrator for a new one.`);
  if (token.expiresAt.getTime() <= deps.now.getTime()) throw new UnauthenticatedError(`This API token («${token.name}») expired on ${formatDate(token.expiresAt)}. Ask an administrator for a new one.`);
  const creator = token.createdBy;
  const kind = token.organization.kind;
  if (creator.status !== 'ACTIVE' || creator.organizationId !== token.organizationId || !mayHoldTokenRole(roleOf({ isAdministrator: creator.isAdministrator, organizationKind: kind }), kind, token.role as ApiTokenRole)) {
    throw new UnauthenticatedError(`The person who created this API token («${token.name}») no longer has the rights it was given in ${token.organization.name}. Ask an administrator for a new one.`);
  }
  const limited = await deps.limiter.consume(token.id);
  if (limited) throw limited;
  if (!token.lastUsedAt || deps.now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_EVERY_MS) {
    await deps.db.apiToken.updateMany({
      where: { id: token.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: new Date(deps.now.getTime() - LAST_USED_EVERY_MS) } }] },
      data: { lastUsedAt: deps.now },
    });
  }
  const today = isoDay(deps.now);
  const displayName = apiTokenDisplayName(token.name);
  const covered = hasAccessToday(kind, token.organization.servicePlans, today);
  const role = API_TOKEN_ROLES[token.role as ApiTokenRole].role;
  return {
    identityId: '',
    sessionKey: '',
    identityDisplayName: displayName,
    profile: covered
      ? { id: '', organizationId: token.organizationId, organizationName: token.organization.name, organizationKind: kind, isAdministrator: role !== 'SELF', displayName }
      : null,
    role: covered ? role : null,
    lostProfile: covered
      ? null
      : { reason: 'SERVICE_PLAN_INACTIVE', organizationName: token.organization.name, planEndedOn: lastEndedPlan(token.organization.servicePlans, today)?.endsOn ?? null },
    token: { id: token.id, name: token.name, role: token.role as ApiTokenRole },
  };
}
