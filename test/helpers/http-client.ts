// A scripted browser for tests: a cookie jar (tough-cookie) and redirects followed by hand, so a test can walk the
// real sign-in redirect chain (Portico → provider → login form → callback → returnTo) and inspect every hop.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CookieJar, type Cookie } from 'tough-cookie';
import { CSRF_HEADER } from '../../server/graphql/yoga.js';

export interface HttpResponse {
  status: number;
  /** The URL this response came from (after any redirects followed). */
  url: string;
  headers: Headers;
  /** Location header resolved against `url`, or null. */
  location: string | null;
  /** Raw Set-Cookie headers of this response. */
  setCookies: string[];
  text: string;
  /** Every URL requested for this call, in order, starting with the first (redirect hops included). */
  chain: string[];
  json<T = unknown>(): T;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Follow redirects (default true). Redirects to origins not in `client.followOrigins` are never followed. */
  follow?: boolean;
}

export interface GraphqlResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface HttpClient {
  baseUrl: string;
  jar: CookieJar;
  /** Origins redirects may be followed to; the app's own by default (add a test provider's). */
  followOrigins: Set<string>;
  get(pathOrUrl: string, options?: RequestOptions): Promise<HttpResponse>;
  /** POST with a JSON body, sent with our own Origin as a browser would. */
  post(pathOrUrl: string, body?: unknown, options?: RequestOptions): Promise<HttpResponse>;
  /** POST an HTML form (application/x-www-form-urlencoded), sent with our own Origin. */
  postForm(pathOrUrl: string, fields: Record<string, string>, options?: RequestOptions): Promise<HttpResponse>;
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<GraphqlResult<T>>;
  /** A cookie from the jar as it would be sent to `pathOrUrl` (default: the app's root). */
  cookie(name: string, pathOrUrl?: string): Promise<Cookie | undefined>;
  /** The Cookie header the jar would send to `pathOrUrl`. */
  cookieHeader(pathOrUrl?: string): Promise<string>;
}

const MAX_REDIRECTS = 20;

export function createHttpClient(baseUrl: string): HttpClient {
  const base = baseUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  const jar = new CookieJar();
  const followOrigins = new Set([origin]);
  const resolve = (pathOrUrl: string) => new URL(pathOrUrl, `${base}/`).toString();

  async function send(method: string, url: string, body: string | undefined, headers: Record<string, string>, options: RequestOptions, chain: string[]): Promise<HttpResponse> {
    chain.push(url);
    const cookie = await jar.getCookieString(url);
    const res = await fetch(url, { method, body, headers: { ...headers, ...(cookie ? { cookie } : {}) }, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const header of setCookies) await jar.setCookie(header, url, { ignoreError: true });
    const text = await res.text();
    const locationHeader = res.headers.get('location');
    const location = locationHeader === null ? null : new URL(locationHeader, url).toString();
    const response: HttpResponse = {
      status: res.status,
      url,
      headers: res.headers,
      location,
      setCookies,
      text,
      chain,
      json: <T>() => JSON.parse(text) as T,
    };
    const follow = options.follow ?? true;
    if (!follow || !location || res.status < 300 || res.status > 399 || !followOrigins.has(new URL(location).origin)) return response;
    if (chain.length > MAX_REDIRECTS) throw new Error(`too many redirects: ${chain.join(' → ')}`);
    // 307/308 repeat the request as it was; the others become a GET, as browsers do.
    if (res.status === 307 || res.status === 308) return send(method, location, body, headers, options, chain);
    return send('GET', location, undefined, { ...options.headers }, options, chain);
  }

  const client: HttpClient = {
    baseUrl: base,
    jar,
    followOrigins,
    get: (pathOrUrl, options = {}) => send('GET', resolve(pathOrUrl), undefined, { ...options.headers }, options, []),
    post: (pathOrUrl, body, options = {}) =>
      send('POST', resolve(pathOrUrl), body === undefined ? undefined : JSON.stringify(body), { origin, 'content-type': 'application/json', ...options.headers }, options, []),
    postForm: (pathOrUrl, fields, options = {}) =>
      send('POST', resolve(pathOrUrl), new URLSearchParams(fields).toString(), { origin, 'content-type': 'application/x-www-form-urlencoded', ...options.headers }, options, []),
    async graphql<T>(query: string, variables?: Record<string, unknown>, options: RequestOptions = {}) {
      // The CSRF-prevention header the server requires of simple requests (JSON POSTs pass without it).
      const res = await client.post('/graphql', { query, variables }, { ...options, headers: { accept: 'application/json', [CSRF_HEADER]: 'test', ...options.headers } });
      let body: Omit<GraphqlResult<T>, 'status'>;
      try {
        body = res.json();
      } catch {
        throw new Error(`/graphql answered ${res.status} with a non-JSON body: ${res.text.slice(0, 300)}`);
      }
      return { status: res.status, ...body };
    },
    async cookie(name, pathOrUrl = '/') {
      const cookies = await jar.getCookies(resolve(pathOrUrl));
      return cookies.find((c) => c.key === name);
    },
    cookieHeader: (pathOrUrl = '/') => jar.getCookieString(resolve(pathOrUrl)),
  };
  return client;
}

export interface SignInOptions {
  returnTo?: string;
  keep?: boolean;
  prompt?: 'login' | 'select_account';
}

/** The final response (after the callback's redirect to returnTo, or on /account/sign-in?error=…); `chain` holds every URL visited. */
export interface SignInResult extends HttpResponse {
  /** The provider's authorization request URL, as Portico built it. */
  authorizationUrl: string;
}

/** The `action` of the first form in an HTML page, resolved against the page's URL. */
export function formAction(html: string, pageUrl: string): string | null {
  const match = /<form\b[^>]*\baction="([^"]*)"/i.exec(html);
  return match ? new URL(decodeEntities(match[1]!), pageUrl).toString() : null;
}

/** The hidden inputs of an HTML page (name → value). */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [input] of html.matchAll(/<input\b[^>]*>/gi)) {
    if (!/\btype="hidden"/i.test(input)) continue;
    const name = /\bname="([^"]*)"/i.exec(input)?.[1];
    if (name) fields[decodeEntities(name)] = decodeEntities(/\bvalue="([^"]*)"/i.exec(input)?.[1] ?? '');
  }
  return fields;
}

const decodeEntities = (value: string) =>
  value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * Signs in through the real redirect flow: /auth/sign-in/<provider> → the provider's authorization endpoint →
 * its login form (skipped by the provider when its own session already exists and no prompt forces it) →
 * /auth/callback/<provider> → returnTo. Pages that a browser submits by script (oidc-provider's "end the previous
 * account's session" step when another account signs in) are submitted as the script would.
 */
export async function signIn(client: HttpClient, providerKey: string, email: string, options: SignInOptions = {}): Promise<SignInResult> {
  const query = new URLSearchParams();
  if (options.returnTo !== undefined) query.set('returnTo', options.returnTo);
  if (options.keep) query.set('keep', '1');
  if (options.prompt) query.set('prompt', options.prompt);
  const start = await client.get(`/auth/sign-in/${providerKey}${query.size ? `?${query}` : ''}`, { follow: false });
  if (!start.location || start.status < 300 || start.status > 399) throw new Error(`sign-in did not redirect to the provider: ${start.status} ${start.text.slice(0, 200)}`);
  const authorizationUrl = start.location;
  client.followOrigins.add(new URL(authorizationUrl).origin);
  let response = await client.get(authorizationUrl);
  const chain = [start.url, ...response.chain];
  for (let step = 0; step < 3 && response.status === 200; step++) {
    const action = formAction(response.text, response.url);
    const isLoginForm = /<input\b[^>]*\bname="email"/i.test(response.text);
    const submitsItself = /\.submit\(\)/.test(response.text);
    if (!action || (!isLoginForm && !submitsItself)) break;
    const fields = { ...hiddenFields(response.text), ...(isLoginForm ? { email } : {}) };
    response = await client.postForm(action, fields, { headers: { origin: new URL(action).origin } });
    chain.push(...response.chain);
  }
  return { ...response, authorizationUrl, chain };
}

/**
 * An HTTP server on 127.0.0.1 and a free port whose handler is built once the URL is known (the configuration's
 * publicUrl must be the real listening URL, and OIDC redirect URIs are built from it).
 */
export async function listenThenServe(build: (url: string) => Promise<http.RequestListener> | http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  let handler: http.RequestListener | null = null;
  const server = http.createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  handler = await build(url);
  return {
    url,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
