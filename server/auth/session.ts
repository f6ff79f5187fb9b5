// Browser sessions: express-session on /auth/* with its rows in the database, and a lean reader for GraphQL.
// A row's id is the SHA-256 of the session id, so a copy of the table yields no usable cookie. `identityId` and
// `currentProfileId` are columns (the GraphQL context reads them without parsing `data`, and removing a profile can
// end the sessions acting as it); when a row is loaded the columns win over the copy inside `data`.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import session, { type SessionData } from 'express-session';
import { viewerCacheOf } from '../cache/viewer-cache.js';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/client.js';

declare module 'express-session' {
  interface SessionData {
    identityId?: string;
    /** Account provider key used to sign in. */
    provider?: string;
    /** Epoch milliseconds of the sign-in; the absolute timeout counts from here. */
    signedInAt?: number;
    /** "Keep me signed in": a persistent cookie, and the keep period replaces the idle and absolute timeouts. */
    keep?: boolean;
    currentProfileId?: string | null;
  }
}

export interface SessionInfo {
  /** Session row id (the hashed session id). */
  key: string;
  identityId: string;
  currentProfileId: string | null;
}

/** A session that has not signed in yet only carries an OIDC round trip, which never takes this long. */
const PENDING_SIGN_IN_MS = 30 * 60_000;
/** readSession extends the idle deadline only when that gains at least this much, so most reads stay one query. */
const EXTEND_AFTER_MS = 60_000;
const SWEEP_EVERY_MS = 10 * 60_000;
const MAX_KEEP_DAYS = 30;

type Client = Db | Tx;
type StoredSession = Pick<SessionData, 'identityId' | 'signedInAt' | 'keep'>;

export function sessionRowId(sid: string): string {
  return createHash('sha256').update(sid).digest('hex');
}

export function keepSignedInMs(config: Config): number {
  return Math.min(config.session.keepSignedInDays, MAX_KEEP_DAYS) * 86_400_000;
}

/** When the session ends if nothing happens before: the idle deadline, capped by the absolute one. */
export function sessionDeadline(config: Config, data: StoredSession, now = Date.now()): Date {
  if (!data.identityId || typeof data.signedInAt !== 'number') return new Date(now + PENDING_SIGN_IN_MS);
  const idle = data.keep ? keepSignedInMs(config) : config.session.idleTimeoutMinutes * 60_000;
  const absolute = data.keep ? keepSignedInMs(config) : config.session.absoluteTimeoutHours * 3_600_000;
  return new Date(Math.min(now + idle, data.signedInAt + absolute));
}

function isLive(config: Config, row: { expiresAt: Date }, data: StoredSession, now: number): boolean {
  if (row.expiresAt.getTime() <= now) return false;
  if (data.identityId && typeof data.signedInAt === 'number') {
    const absolute = data.keep ? keepSignedInMs(config) : config.session.absoluteTimeoutHours * 3_600_000;
    if (data.signedInAt + absolute <= now) return false;
  }
  return true;
}

function parseData(text: string): SessionData | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as SessionData) : null;
  } catch {
    return null;
  }
}

function callbackify<T>(promise: Promise<T>, callback: ((err: unknown, value?: T) => void) | undefined) {
  promise.then(
    (value) => callback?.(null, value),
    (error: unknown) => callback?.(error),
  );
}

class DatabaseSessionStore extends session.Store {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
  ) {
    super();
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    callbackify(this.read(sid), callback);
  }

  override set(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    const id = sessionRowId(sid);
    const columns = {
      identityId: sess.identityId ?? null,
      currentProfileId: sess.identityId ? (sess.currentProfileId ?? null) : null,
      data: JSON.stringify(sess),
      expiresAt: sessionDeadline(this.config, sess),
    };
    callbackify(this.db.session.upsert({ where: { id }, create: { id, ...columns }, update: columns, select: { id: true } }), callback);
  }

  override touch(sid: string, sess: SessionData, callback?: () => void): void {
    // updateMany, not upsert: touching must never resurrect a row that a sign-out deleted meanwhile.
    const touched = this.db.session.updateMany({
      where: { id: sessionRowId(sid), expiresAt: { gt: new Date() } },
      data: { expiresAt: sessionDeadline(this.config, sess) },
    });
    callbackify(touched, callback ? () => callback() : undefined);
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    callbackify(this.db.session.deleteMany({ where: { id: sessionRowId(sid) } }), callback);
  }

  // Not `load`: express-session's Store already has a `load` of its own.
  private async read(sid: string): Promise<SessionData | null> {
    const id = sessionRowId(sid);
    const row = await this.db.session.findUnique({ where: { id } });
    if (!row) return null;
    const data = parseData(row.data);
    if (!data || !isLive(this.config, row, data, Date.now())) {
      await this.db.session.deleteMany({ where: { id } });
      return null;
    }
    if (row.identityId) {
      data.identityId = row.identityId;
      data.currentProfileId = row.currentProfileId;
    } else {
      delete data.identityId;
      delete data.currentProfileId;
    }
    return data;
  }
}

/** The session cookie's name: `__Host-` whenever the cookie is Secure, so it cannot be set by a sibling subdomain. */
export function sessionCookieName(config: Config): string {
  const name = config.session.cookieName;
  return config.session.secureCookie && !name.startsWith('__Host-') ? `__Host-${name}` : name;
}

export function sessionCookieOptions(config: Config) {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: config.session.secureCookie } as const;
}

export function createSessionMiddleware(config: Config, db: Db): RequestHandler {
  const sessions = session({
    name: sessionCookieName(config),
    secret: config.session.secret,
    store: new DatabaseSessionStore(db, config),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    unset: 'destroy',
    // No `proxy` of its own: express-session then follows the app's "trust proxy" setting (config.trustProxy).
    proxy: undefined,
    // No maxAge: a browser-session cookie unless the sign-in asked to be kept (routes.ts sets it then).
    cookie: { ...sessionCookieOptions(config), maxAge: undefined },
  });
  let nextSweep = Date.now() + SWEEP_EVERY_MS;
  return (req, res, next) => {
    if (Date.now() >= nextSweep) {
      nextSweep = Date.now() + SWEEP_EVERY_MS;
      db.session.deleteMany({ where: { expiresAt: { lte: new Date() } } }).catch(() => {
        // Best effort: expired rows are refused on read anyway; the next sweep retries.
      });
    }
    sessions(req, res, next);
  };
}

function cookieValue(header: string, name: string): string | null {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return null;
    }
  }
  return null;
}

/** The session id inside express-session's signed cookie value (`s:<sid>.<base64 HMAC-SHA256>`), or null. */
function unsignSessionId(value: string, secret: string): string | null {
  if (!value.startsWith('s:')) return null;
  const signed = value.slice(2);
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return null;
  const sid = signed.slice(0, dot);
  const mac = Buffer.from(signed.slice(dot + 1));
  const expected = Buffer.from(signSessionId(sid, secret).slice(`s:${sid}.`.length));
  return mac.length === expected.length && timingSafeEqual(mac, expected) ? sid : null;
}

export async function readSession(db: Db, config: Config, cookieHeader: string | null | undefined): Promise<SessionInfo | null> {
  if (!cookieHeader) return null;
  const value = cookieValue(cookieHeader, sessionCookieName(config));
  const sid = value && unsignSessionId(value, config.session.secret);
  if (!sid) return null;
  const key = sessionRowId(sid);
  const now = Date.now();
  const cache = viewerCacheOf(db);
  let row = cache?.getSession(key, now);
  if (!row) {
    const generation = cache?.begin() ?? 0;
    const stored = await db.session.findUnique({ where: { id: key }, select: { identityId: true, currentProfileId: true, expiresAt: true, data: true } });
    const data = stored?.identityId ? parseData(stored.data) : null;
    if (!stored?.identityId || !data) return null;
    row = { identityId: stored.identityId, currentProfileId: stored.currentProfileId, expiresAt: stored.expiresAt, signedInAt: data.signedInAt, keep: data.keep };
    cache?.storeSession(key, row, generation, now);
  }
  const data = { identityId: row.identityId, signedInAt: row.signedInAt, keep: row.keep };
  if (!isLive(config, row, data, now)) return null;
  // GraphQL traffic is activity too: push the idle deadline, but write at most about once a minute per session.
  const deadline = sessionDeadline(config, data, now);
  if (deadline.getTime() - row.expiresAt.getTime() >= EXTEND_AFTER_MS) {
    await db.session.updateMany({ where: { id: key, expiresAt: { gt: new Date(now) } }, data: { expiresAt: deadline } });
    // Only the deadline moved, so the cached row stays (db/write-watch.ts does not report this write).
    row.expiresAt = deadline;
  }
  return { key, identityId: row.identityId, currentProfileId: row.currentProfileId };
}

const readFor = new WeakMap<object, Promise<SessionInfo | null>>();

/**
 * The session of a request, read once however many ask: the kept-answer lookup (graphql/viewer-responses.ts), then
 * the GraphQL context of the same request.
 */
export function requestSession(db: Db, config: Config, req: { headers: { cookie?: string } }): Promise<SessionInfo | null> {
  let read = readFor.get(req);
  if (!read) readFor.set(req, (read = readSession(db, config, req.headers.cookie)));
  return read;
}

export async function setCurrentProfile(db: Db | Tx, sessionKey: string, profileId: string | null): Promise<void> {
  const update = async (tx: Client) => {
    const row = await tx.session.findUnique({ where: { id: sessionKey }, select: { data: true } });
    if (!row) return;
    const data = parseData(row.data) ?? ({} as SessionData);
    data.currentProfileId = profileId;
    await tx.session.update({ where: { id: sessionKey }, data: { currentProfileId: profileId, data: JSON.stringify(data) } });
  };
  if ('$transaction' in db) await db.$transaction(update);
  else await update(db);
}

/** Signs out every session acting as the profile (e.g. when it is removed). */
export async function endSessionsActingAs(db: Db | Tx, profileId: string): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { currentProfileId: profileId } });
  return count;
}


/** The cookie value express-session expects for a session id: `s:<sid>.<base64 HMAC-SHA256 without padding>`. */
function signSessionId(sid: string, secret: string): string {
  return `s:${sid}.${createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Moves a session to a new id, keeping what it holds, and returns the Set-Cookie header that hands the new id to
 * the browser: a session id seen before a privilege change (a profile switch) is worth nothing after it.
 */
export async function rotateSession(db: Db, config: Config, sessionKey: string): Promise<string | null> {
  const sid = randomBytes(24).toString('base64url');
  const moved = await db.$transaction(async (tx) => {
    const row = await tx.session.findUnique({ where: { id: sessionKey } });
    if (!row) return null;
    await tx.session.delete({ where: { id: sessionKey } });
    await tx.session.create({ data: { id: sessionRowId(sid), identityId: row.identityId, currentProfileId: row.currentProfileId, data: row.data, expiresAt: row.expiresAt } });
    return row;
  });
  if (!moved) return null;
  const data = parseData(moved.data);
  const parts = [`${sessionCookieName(config)}=${encodeURIComponent(signSessionId(sid, config.session.secret))}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (config.session.secureCookie) parts.push('Secure');
  // A kept session keeps its persistent cookie; any other stays a browser-session cookie.
  if (data?.keep) parts.push(`Expires=${moved.expiresAt.toUTCString()}`);
  return parts.join('; ');
}

/** "Sign out everywhere": every session of the identity ends. */
export async function endSessionsOfIdentity(db: Db | Tx, identityId: string): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { identityId } });
  return count;
}
