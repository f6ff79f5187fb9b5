// A session's answer to the viewer is kept and sent again whole (graphql/viewer-responses.ts): the same bytes and
// headers a fresh answer has, to that session only, and only for a query that needed nothing the viewer cache does
// not hold. The causes that drop a kept answer are the viewer cache's own and are tested in viewer-cache.test.ts.
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViewerCache } from '../../server/cache/viewer-cache.js';
import { validUntil } from '../../server/graphql/viewer-responses.js';
import type { ViewerSnapshot } from '../../server/modules/viewer/load.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DEMO, globalId } from '../helpers/factories.js';
import type { HttpClient } from '../helpers/http-client.js';

const FULL = 'signedIn identity { email } currentProfile { displayName organization { name servicePlans { name endsOn } } } profiles { id displayName usable organization { name hasActiveServicePlan } }';
const VIEWER = `{ viewer { ${FULL} } }`;
/** Over the compression threshold (1 KB) for Casey's three profiles. */
const LARGE = `{ viewer { ${FULL} } again: viewer { ${FULL} } third: viewer { ${FULL} } }`;
const SMALL = '{ viewer { signedIn } }';

interface Raw { status: number; headers: http.IncomingHttpHeaders; body: Buffer; text: string }

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

/** A POST exactly as given (no client adds or decodes anything), its body decoded for comparison. */
function post(headers: Record<string, string>, query: string): Promise<Raw> {
  const body = JSON.stringify({ query });
  return new Promise((resolve, reject) => {
    const request = http.request(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const raw = Buffer.concat(chunks);
        const encoding = response.headers['content-encoding'];
        const text = (encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        resolve({ status: response.statusCode!, headers: response.headers, body: raw, text });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Asks until the answer comes from the cache (a statement running beside a request keeps it from being kept). */
async function untilKept(headers: Record<string, string>, query: string): Promise<{ fresh: Raw; kept: Raw }> {
  const fresh = await post(headers, query);
  for (let tries = 0; tries < 10; tries++) {
    const hits = app.viewerCache!.stats.responseHits;
    const again = await post(headers, query);
    if (app.viewerCache!.stats.responseHits > hits) return { fresh, kept: again };
  }
  throw new Error('the answer was never kept');
}

// Per response, or framing: a compressed fresh answer is chunked, a kept one has its length.
const PER_RESPONSE = new Set(['x-request-id', 'date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
const lasting = (headers: http.IncomingHttpHeaders) => Object.fromEntries(Object.entries(headers).filter(([name]) => !PER_RESPONSE.has(name)));

async function cookieOf(email: string): Promise<{ client: HttpClient; cookie: string }> {
  const client = await app.signedIn(email);
  return { client, cookie: await client.cookieHeader() };
}

describe('kept viewer answers', () => {
  it.each([
    ['a small answer', SMALL, undefined],
    ['a large answer, brotli', LARGE, 'gzip, deflate, br'],
    ['a large answer, gzip', LARGE, 'gzip'],
    ['a large answer, not compressed', LARGE, undefined],
  ])('sends %s with the bytes and headers of a fresh one', async (_name, query, acceptEncoding) => {
    const { cookie } = await cookieOf('casey@shared.example');
    const headers = { cookie, accept: 'application/graphql-response+json', ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) };
    const { fresh, kept } = await untilKept(headers, query);
    expect(kept.status).toBe(200);
    expect(kept.text).toBe(fresh.text);
    expect(JSON.parse(kept.text).data.viewer.signedIn).toBe(true);
    expect(lasting(kept.headers)).toEqual(lasting(fresh.headers));
    expect(kept.headers['x-request-id']).toMatch(/^[\w-]{36}$/);
    expect(kept.headers['x-request-id']).not.toBe(fresh.headers['x-request-id']);
    if (query === LARGE) expect(kept.text.length).toBeGreaterThan(1024);
    expect(kept.headers['content-encoding']).toBe(acceptEncoding?.includes('br') ? 'br' : acceptEncoding ? 'gzip' : undefined);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(Number(/portico_graphql_cached_responses_total\{outcome="hit"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(Number(/portico_graphql_cached_responses_total\{outcome="stored"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
  });

  it('keeps each session its own answer', async () => {
    const casey = await cookieOf('casey@shared.example');
    const jamie = await cookieOf('jamie@fabrikam.example');
    const caseys = await untilKept({ cookie: casey.cookie }, VIEWER);
    const jamies = await untilKept({ cookie: jamie.cookie }, VIEWER);
    expect(JSON.parse(caseys.kept.text).data.viewer.identity.email).toBe('casey@shared.example');
    expect(JSON.parse(jamies.kept.text).data.viewer.identity.email).toBe('jamie@fabrikam.example');
  });

  it('keeps one signed-out answer for everybody signed out, and never gives it to a session', async () => {
    const signedOut = await untilKept({}, SMALL);
    expect(JSON.parse(signedOut.kept.text).data.viewer.signedIn).toBe(false);
    const { client, cookie } = await cookieOf('casey@shared.example');
    expect(JSON.parse((await post({ cookie }, SMALL)).text).data.viewer.signedIn).toBe(true);
    // A cookie whose session has ended is signed out like no cookie at all (looking its row up is a statement, so
    // that answer is not kept).
    await client.postForm('/auth/sign-out', { returnTo: '/account/signed-out' }, { follow: false });
    expect(JSON.parse((await post({ cookie }, SMALL)).text).data.viewer.signedIn).toBe(false);
  });

  it('keeps the CORS headers of the origin that asked, apart from an answer without', async () => {
    const { cookie } = await cookieOf('casey@shared.example');
    const origin = new URL(app.url).origin;
    const withOrigin = await untilKept({ cookie, origin }, SMALL);
    const without = await untilKept({ cookie }, SMALL);
    expect(withOrigin.kept.headers['access-control-allow-origin']).toBe(origin);
    expect(withOrigin.kept.headers['access-control-allow-credentials']).toBe('true');
    expect(without.kept.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('stops sending a kept answer once an invitation in it expires, with no write to tell it', async () => {
    const { cookie } = await cookieOf('casey@shared.example');
    const QUERY = '{ viewer { profiles { id latestInvitation { state } } } }';
    const identity = await app.db.identity.findFirstOrThrow({ where: { email: 'casey@shared.example' } });
    const profile = await app.db.profile.findFirstOrThrow({ where: { identityId: identity.id, status: 'ACTIVE' } });
    // A newer link for one of Casey's profiles that expires in a minute, written before the answer is kept.
    await app.db.invitation.create({ data: { profileId: profile.id, purpose: 'SELF_SERVICE', tokenHash: `expiring-${Date.now()}`, sentTo: profile.email, expiresAt: new Date(app.services.now().getTime() + 60_000) } });
    const stateOf = (raw: Raw) => JSON.parse(raw.text).data.viewer.profiles.find((p: any) => p.id === globalId('Profile', profile.id)).latestInvitation.state;
    expect(stateOf((await untilKept({ cookie }, QUERY)).kept)).toBe('PENDING');
    app.travelDays(90 / 86_400);
    try {
      const hits = app.viewerCache!.stats.responseHits;
      expect(stateOf(await post({ cookie }, QUERY))).toBe('EXPIRED');
      expect(app.viewerCache!.stats.responseHits).toBe(hits);
    } finally {
      app.travelDays(-90 / 86_400);
    }
  });

  it('answers a query that reads more than the viewer fresh every time', async () => {
    const { cookie } = await cookieOf('alex@fabrikam.example');
    const AUDIT = '{ viewer { currentProfile { organization { auditEvents(first: 1) { totalCount } } } } }';
    const fabrikam = await app.db.organization.findFirstOrThrow({ where: { name: DEMO.fabrikam } });
    const hits = app.viewerCache!.stats.responseHits;
    const count = async () => JSON.parse((await post({ cookie }, AUDIT)).text).data.viewer.currentProfile.organization.auditEvents.totalCount as number;
    const before = await count();
    await count();
    await count();
    // An audit event changes nothing the viewer cache holds, so only the rule about statements keeps this fresh.
    await app.db.auditEvent.create({ data: { action: 'test.note', actorRole: 'SUPPORT', organizationId: fabrikam.id, summary: 'A note from the test' } });
    expect(await count()).toBe(before + 1);
    expect(app.viewerCache!.stats.responseHits).toBe(hits);
  });
});

describe('how long a kept answer may be sent', () => {
  const now = new Date('2026-03-10T15:00:00Z');
  const snapshot = (expiresAt: Date | null) => ({
    identity: { id: 'i', createdAt: new Date('2020-01-01T00:00:00Z'), lastSignInAt: now },
    profiles: [{ id: 'p', createdAt: new Date('2021-01-01T00:00:00Z'), latestInvitation: expiresAt ? { id: 'n', expiresAt, acceptedAt: null } : null }],
  }) as unknown as ViewerSnapshot;

  it('until the next midnight (UTC) when nothing in the rows comes sooner', () => {
    expect(new Date(validUntil(snapshot(null), now)).toISOString()).toBe('2026-03-11T00:00:00.000Z');
    expect(new Date(validUntil(null, now)).toISOString()).toBe('2026-03-11T00:00:00.000Z');
  });

  it('until an invitation in the rows expires, when that comes first', () => {
    expect(new Date(validUntil(snapshot(new Date('2026-03-10T17:30:00Z')), now)).toISOString()).toBe('2026-03-10T17:30:00.000Z');
    expect(new Date(validUntil(snapshot(new Date('2026-03-12T09:00:00Z')), now)).toISOString()).toBe('2026-03-11T00:00:00.000Z');
    expect(new Date(validUntil(snapshot(new Date('2026-03-09T09:00:00Z')), now)).toISOString()).toBe('2026-03-11T00:00:00.000Z');
  });
});

describe('what the viewer cache holds at most', () => {
  const snapshotOf = (profiles: number) => ({ identity: { id: 'i' }, profiles: Array.from({ length: profiles }, (_, i) => ({ id: `p${i}` })) }) as unknown as ViewerSnapshot;
  const session = { identityId: 'i', currentProfileId: null, expiresAt: new Date(Date.now() + 60_000), signedInAt: Date.now(), keep: false };

  it('counts a cached viewer once per profile it holds, dropping the oldest to stay within the bound', () => {
    const cache = new ViewerCache({ ttlMs: 60_000, maxEntries: 10 });
    const now = Date.now();
    cache.storeViewer('six', snapshotOf(6), cache.begin(), now);
    cache.storeViewer('three', snapshotOf(3), cache.begin(), now);
    expect(cache.getViewer('six', now)).toBeDefined();
    cache.storeViewer('four', snapshotOf(4), cache.begin(), now); // 6 + 3 + 4 > 10: the oldest goes
    expect(cache.getViewer('six', now)).toBeUndefined();
    expect(cache.getViewer('three', now)?.profiles).toHaveLength(3);
    expect(cache.getViewer('four', now)?.profiles).toHaveLength(4);
    cache.storeViewer('eleven', snapshotOf(11), cache.begin(), now); // larger than the bound: not kept at all
    expect(cache.getViewer('eleven', now)).toBeUndefined();
    expect(cache.getViewer('four', now)).toBeDefined();
    for (let i = 0; i < 10; i++) cache.storeSession(`s${i}`, session, cache.begin(), now);
    expect(cache.getViewer('four', now)).toBeDefined(); // sessions are bounded apart from viewers
    cache.storeSession('s10', session, cache.begin(), now);
    expect(cache.getSession('s0', now)).toBeUndefined();
    expect(cache.getSession('s10', now)).toBeDefined();
  });

  it('keeps no answer larger than 256 KB', () => {
    const cache = new ViewerCache({ ttlMs: 60_000, maxEntries: 10 });
    const now = Date.now();
    const answer = (bytes: number) => ({ status: 200, headers: [], body: Buffer.alloc(bytes, 'x'), encoded: {}, validUntil: now + 60_000 });
    expect(cache.storeResponse('large', answer(300 * 1024), cache.begin(), now)).toBe(false);
    expect(cache.getResponse('large', now, now)).toBeUndefined();
    expect(cache.storeResponse('small', answer(1024), cache.begin(), now)).toBe(true);
    expect(cache.getResponse('small', now, now)?.body.length).toBe(1024);
  });
});
