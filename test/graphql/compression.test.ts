// Text responses travel compressed, and GraphiQL's large page is revalidated rather than sent again.
import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes as they travelled. */
  body: Buffer;
}

/** One request with node:http, which neither asks for nor undoes compression by itself. */
function raw(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(path, app.url), { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

const GRAPHIQL = { accept: 'text/html', 'accept-encoding': 'br, gzip' };

describe('compression and caching', () => {
  it("GraphiQL's page transfers compressed, at most 3 MB, and a second visit revalidates to 304", async () => {
    const first = await raw('/graphql', { headers: GRAPHIQL });
    expect(first.status).toBe(200);
    expect(first.headers['content-encoding']).toBe('br');
    expect(first.body.length).toBeLessThanOrEqual(3 * 1024 * 1024);
    const html = zlib.brotliDecompressSync(first.body).toString('utf8');
    expect(html).toContain('Portico GraphiQL');
    expect(html.length).toBeGreaterThan(first.body.length * 2);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[\w-]+"$/);

    const second = await raw('/graphql', { headers: { ...GRAPHIQL, 'if-none-match': etag } });
    expect(second.status).toBe(304);
    expect(second.body.length).toBe(0);
    expect(second.headers.etag).toBe(etag);

    // A tag we never gave is not honoured.
    expect((await raw('/graphql', { headers: { ...GRAPHIQL, 'if-none-match': '"made-up"' } })).status).toBe(200);
  });

  it('GraphQL answers are compressed with gzip when that is what the client accepts', async () => {
    const res = await raw('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-encoding': 'gzip' },
      body: JSON.stringify({ query: '{ __schema { types { name description } } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(zlib.gunzipSync(res.body).toString('utf8')) as { data: { __schema: { types: unknown[] } } };
    expect(body.data.__schema.types.length).toBeGreaterThan(50);
  });

  it('other text responses are compressed too, and a client that accepts none gets them plain', async () => {
    const metrics = await raw('/metrics', { headers: { 'accept-encoding': 'gzip' } });
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-encoding']).toBe('gzip');
    const plain = await raw('/metrics');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString('utf8')).toContain('# HELP');
  });
});
