// The per-session cache of the hot path: a session's row (who, acting as which profile, until when) and the viewer
// snapshot of its identity (modules/viewer/load.ts). It is dropped as a whole on every committed write to a table
// either was read from (db/write-watch.ts sees every client of this process), so what it serves is what the
// database would answer. Writes are rare next to `viewer` reads, which makes the blunt rule cheap and the proof easy.
//
// Writes by another process reach it too: on SQLite, every lookup first asks `changedElsewhere`
// (cache/sqlite-watch.ts, PRAGMA data_version) and clears everything when the file changed; across instances on
// PostgreSQL, each write is announced with NOTIFY and every instance LISTENs (cache/notify.ts), and while that
// connection is down the cache serves nothing. Besides writes, an entry ends when its session's deadlines pass
// (checked on every hit) and after `ttlMs`, a bound on memory rather than on staleness. The day needs no rule of its
// own: a snapshot holds every plan's dates, not today's verdict, and R1 is decided on it per request.
//
// A load that started before an invalidation must not store what it read: `generation` tells. A change seen through
// `changedElsewhere` is an invalidation like any other, so a load that read before a foreign commit either finds the
// generation moved at store time or has its entry cleared at the next lookup, the first to see the new version.
//
// It also keeps the session's finished answers to queries that needed nothing else (graphql/viewer-responses.ts),
// under the same rules: whatever drops the snapshots drops them too.
import type { ViewerSnapshot } from '../modules/viewer/load.js';

/** What the cache keeps of a session row. */
export interface CachedSession {
  identityId: string;
  currentProfileId: string | null;
  expiresAt: Date;
  /** From the row's data: the absolute timeout counts from signedInAt. */
  signedInAt: number | undefined;
  keep: boolean | undefined;
}

/** The tables the cached rows come from. */
const SOURCES = new Set(['Session', 'Identity', 'Profile', 'Organization', 'ServicePlan', 'Invitation']);

/** A GraphQL response as Yoga wrote it, kept to be sent again byte for byte. */
export interface CachedResponse {
  status: number;
  /** Yoga's headers (content type, CORS), without Content-Length and Set-Cookie. */
  headers: [string, string][];
  body: Buffer;
  /** Compressed copies, made on first demand. */
  encoded: Partial<Record<'br' | 'gzip', Buffer>>;
  /** On the application clock: the first instant at which the answer could differ (midnight, an expiry in the rows). */
  validUntil: number;
}

/** Answers larger than this are not kept; all of them together stay under RESPONSE_BUDGET_BYTES. */
export const MAX_RESPONSE_BYTES = 256 * 1024;
const RESPONSE_BUDGET_BYTES = 32 * 1024 * 1024;

interface Entry<T> { value: T; storedAt: number }

/**
 * Entries in the order they were stored, the oldest dropped first while their weights together would pass the bound.
 * A snapshot weighs one per profile it holds (about 2.7 KB of heap each) and a kept answer its bytes, so the bounds
 * are bounds on memory.
 */
class Bounded<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private total = 0;

  constructor(
    private readonly weigh: (value: T, key: string) => number,
    private readonly bound: number,
  ) {}

  get(key: string): Entry<T> | undefined {
    return this.entries.get(key);
  }

  /** False when the entry alone weighs more than the bound (then it is not kept). */
  set(key: string, entry: Entry<T>): boolean {
    this.delete(key);
    const weight = this.weigh(entry.value, key);
    if (weight > this.bound) return false;
    for (const oldest of this.entries.keys()) {
      if (this.total + weight <= this.bound) break;
      this.delete(oldest);
    }
    this.entries.set(key, entry);
    this.total += weight;
    return true;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= this.weigh(entry.value, key);
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}

/** A kept answer's share of the budget: its key (which holds the request), its body and its compressed copies. */
const costOf = (response: CachedResponse, key: string) => key.length + 2 * response.body.length;

export interface ViewerCacheStats { hits: number; misses: number; invalidations: number; /** Of the hits, answers sent again whole. */ responseHits: number }

export class ViewerCache {
  private readonly sessions: Bounded<CachedSession>;
  private readonly viewers: Bounded<ViewerSnapshot | null>;
  private readonly responses = new Bounded<CachedResponse>(costOf, RESPONSE_BUDGET_BYTES);
  private generation = 0;
  /** False while invalidations from other instances may be missed (the LISTEN connection is down). */
  private connected = true;
  readonly stats: ViewerCacheStats = { hits: 0, misses: 0, invalidations: 0, responseHits: 0 };
  /** Told of every local invalidation, to pass it on to other instances. */
  onInvalidate: (() => void) | null = null;
  /** Asked before every lookup and load: whether the database changed in a way no listener heard. */
  changedElsewhere: (() => boolean) | null = null;

  constructor(private readonly options: { ttlMs: number; maxEntries: number }) {
    this.sessions = new Bounded(() => 1, options.maxEntries);
    this.viewers = new Bounded((snapshot) => Math.max(1, snapshot?.profiles.length ?? 0), options.maxEntries);
  }

  /** The generation a load starts under, once any change made elsewhere is taken in; pass it back to `store*`. */
  begin(): number {
    this.catchUp();
    return this.generation;
  }

  /** A committed write to these tables by a client of this process. */
  written(tables: ReadonlySet<string>): void {
    if (![...tables].some((t) => SOURCES.has(t))) return;
    this.clear();
    this.onInvalidate?.();
  }

  /** Drops everything (and keeps loads under way from storing what they read). */
  clear(): void {
    this.generation++;
    this.stats.invalidations++;
    this.sessions.clear();
    this.viewers.clear();
    this.responses.clear();
  }

  /** Whether invalidations from everywhere reach this cache; while not, it serves and keeps nothing. */
  setConnected(connected: boolean): void {
    this.connected = connected;
    this.clear();
  }

  getSession(key: string, nowMs: number): CachedSession | undefined {
    return this.fresh(this.sessions, key, nowMs);
  }

  storeSession(key: string, value: CachedSession, generation: number, nowMs: number): void {
    this.store(this.sessions, key, { value, storedAt: nowMs }, generation);
  }

  getViewer(identityId: string, nowMs: number): ViewerSnapshot | null | undefined {
    return this.fresh(this.viewers, identityId, nowMs);
  }

  storeViewer(identityId: string, value: ViewerSnapshot | null, generation: number, nowMs: number): void {
    this.store(this.viewers, identityId, { value, storedAt: nowMs }, generation);
  }

  /**
   * `key` names the session and the request (see graphql/viewer-responses.ts); `appNowMs` is the application's clock,
   * which `validUntil` is on.
   */
  getResponse(key: string, nowMs: number, appNowMs: number): CachedResponse | undefined {
    const kept = this.fresh(this.responses, key, nowMs, (response) => appNowMs < response.validUntil);
    if (kept) this.stats.responseHits++;
    return kept;
  }

  /** Whether the answer was kept (not when an invalidation came since `generation`, or when it is too large). */
  storeResponse(key: string, value: CachedResponse, generation: number, nowMs: number): boolean {
    return value.body.length <= MAX_RESPONSE_BYTES && this.store(this.responses, key, { value, storedAt: nowMs }, generation);
  }

  private catchUp(): void {
    if (this.changedElsewhere?.()) this.clear();
  }

  /** The entry under `key` while it is within the TTL (and `valid`, when given); else it goes. */
  private fresh<T>(map: Bounded<T>, key: string, nowMs: number, valid: (value: T) => boolean = () => true): T | undefined {
    this.catchUp();
    const entry = this.connected ? map.get(key) : undefined;
    if (!entry || nowMs - entry.storedAt >= this.options.ttlMs || !valid(entry.value)) {
      if (entry) map.delete(key);
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    return entry.value;
  }

  private store<T>(map: Bounded<T>, key: string, entry: Entry<T>, generation: number): boolean {
    return this.connected && generation === this.generation && map.set(key, entry);
  }
}

const caches = new WeakMap<object, ViewerCache>();

/** The cache that serves requests made with this database client; none for clients without one (CLI, counters). */
export function viewerCacheOf(db: object): ViewerCache | undefined {
  return caches.get(db);
}

export function attachViewerCache(db: object, cache: ViewerCache): void {
  caches.set(db, cache);
}
