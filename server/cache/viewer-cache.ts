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

interface Entry<T> { value: T; storedAt: number }

export interface ViewerCacheStats { hits: number; misses: number; invalidations: number }

export class ViewerCache {
  private sessions = new Map<string, Entry<CachedSession>>();
  private viewers = new Map<string, Entry<ViewerSnapshot | null>>();
  private generation = 0;
  /** False while invalidations from other instances may be missed (the LISTEN connection is down). */
  private connected = true;
  readonly stats: ViewerCacheStats = { hits: 0, misses: 0, invalidations: 0 };
  /** Told of every local invalidation, to pass it on to other instances. */
  onInvalidate: (() => void) | null = null;
  /** Asked before every lookup and load: whether the database changed in a way no listener heard. */
  changedElsewhere: (() => boolean) | null = null;

  constructor(private readonly options: { ttlMs: number; maxEntries: number }) {}

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

  private catchUp(): void {
    if (this.changedElsewhere?.()) this.clear();
  }

  private fresh<T>(map: Map<string, Entry<T>>, key: string, nowMs: number): T | undefined {
    this.catchUp();
    const entry = this.connected ? map.get(key) : undefined;
    if (!entry || nowMs - entry.storedAt >= this.options.ttlMs) {
      if (entry) map.delete(key);
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    return entry.value;
  }

  private store<T>(map: Map<string, Entry<T>>, key: string, entry: Entry<T>, generation: number): void {
    if (!this.connected || generation !== this.generation) return;
    if (map.size >= this.options.maxEntries) map.delete(map.keys().next().value as string);
    map.set(key, entry);
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
