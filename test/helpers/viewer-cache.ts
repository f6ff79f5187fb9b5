// Asking the viewer until its whole answer comes back from the viewer cache (graphql/viewer-responses.ts), so that a
// test of what drops cached rows also proves the kept answer is dropped with them.
import { expect } from 'vitest';
import type { TestApp } from './app.js';
import type { HttpClient } from './http-client.js';

/**
 * The viewer `query` as `client` sees it. The second request finds the session and the snapshot cached and keeps its
 * answer, unless a statement ran beside it (the outbox polling), so a few tries are allowed; then one request must
 * have been answered from the cache, with the same data as the first.
 */
export async function keptViewer(app: TestApp, client: HttpClient, query: string) {
  const first = await client.graphql<any>(query);
  expect(first.errors).toBeUndefined();
  const hits = app.viewerCache!.stats.hits;
  const responseHits = app.viewerCache!.stats.responseHits;
  for (let tries = 0; tries < 10 && app.viewerCache!.stats.responseHits === responseHits; tries++) {
    const again = await client.graphql<any>(query);
    expect(again.data).toEqual(first.data);
  }
  expect(app.viewerCache!.stats.responseHits).toBe(responseHits + 1);
  expect(app.viewerCache!.stats.hits).toBeGreaterThanOrEqual(hits + 2); // the session, then the snapshot or the answer
  return first.data.viewer;
}
