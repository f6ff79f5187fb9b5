// A tiny standalone OpenID provider for tests (node:http on 127.0.0.1, random port) that can be told to lie: its
// token endpoint issues forged ID tokens and its UserInfo endpoint can answer for someone else or with garbage.
// Its discovery document even offers `none` and HS256, which a relying party must refuse anyway.
// The authorization endpoint answers at once (no login page) with a code for `behaviour.subject`.
// It can also behave as real providers do: sign with RS256, PS256 or ES256, rotate its keys, demand
// client_secret_basic, run a clock ahead or behind, be down or hang, and (with `multiTenant`) publish a templated
// issuer as Entra ID's common endpoint does.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export type IdTokenForgery =
  | 'honest'
  /** Unsigned: `alg: none`, empty signature. */
  | 'alg-none'
  /** HS256 keyed with the client secret, the classic algorithm-confusion forgery. */
  | 'hs256-client-secret'
  /** Signed by a key that is not in the JWKS, under the published key's `kid`. */
  | 'other-key'
  /** Signed by a key whose `kid` the JWKS does not list. */
  | 'unknown-kid'
  | 'wrong-aud'
  /** Another client among several audiences, without `azp`. */
  | 'extra-aud-no-azp'
  | 'wrong-azp'
  | 'wrong-iss'
  | 'expired'
  | 'issued-in-future'
  | 'wrong-nonce'
  | 'no-nonce';

export type UserInfoForgery = 'honest' | 'other-sub' | 'no-sub' | 'not-json' | 'json-array' | 'http-500';

export interface RogueBehaviour {
  idToken: IdTokenForgery;
  userInfo: UserInfoForgery;
  subject: string;
  email: string;
  name: string;
  /** The `iss` put in ID tokens; the issuer itself by default (multi-tenant tests set a tenant's issuer). */
  tokenIssuer: string | null;
  /** A `tid` claim in ID tokens (multi-tenant providers name the tenant with it). */
  tid: string | null;
  signingAlg: SigningAlg;
  /** The client authentication the token endpoint demands. */
  tokenAuth: 'client_secret_basic' | 'client_secret_post';
  /** Endpoints that read the request and never answer. */
  hang: Array<'discovery' | 'jwks' | 'token' | 'userinfo'>;
  /** Endpoints that answer 503. */
  down: Array<'discovery' | 'jwks'>;
  /** How far the provider's clock is ahead of ours (negative: behind), in seconds. */
  clockOffsetS: number;
  idTokenLifetimeS: number;
  /** `prompt_values_supported` in its discovery document; absent when null. */
  promptValues: string[] | null;
}

export type SigningAlg = 'RS256' | 'PS256' | 'ES256';
const SIGNING_ALGS: SigningAlg[] = ['RS256', 'PS256', 'ES256'];

export interface RogueIdpOptions {
  /** Discovery names `${issuer}/{tenantid}/v2.0`, as a multi-tenant endpoint does. */
  multiTenant?: boolean;
}

export interface RogueIdp {
  /** Its issuer (also its origin): discovery at `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /** Mutable: change it between sign-ins. */
  behaviour: RogueBehaviour;
  /** Query of the last authorization request received. */
  lastAuthorization: URLSearchParams | null;
  /** Form body of the last token request received. */
  lastTokenRequest: URLSearchParams | null;
  /** How the last token request authenticated, whether accepted or not. */
  lastTokenAuth: 'client_secret_basic' | 'client_secret_post' | 'none' | null;
  /** Requests to the JWKS endpoint since the start (not reset). */
  jwksRequests: number;
  /** The key ids currently published (one per algorithm). */
  kids(): string[];
  /** Replaces every signing key with a new one under a new `kid`, as a provider's key rollover does. */
  rotateKeys(): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  nonce: string | undefined;
  codeChallenge: string | undefined;
}

const defaults = (): RogueBehaviour => ({
  idToken: 'honest',
  userInfo: 'honest',
  subject: 'rogue-subject-1',
  email: 'rogue.user@rogue.example',
  name: 'Rogue User',
  tokenIssuer: null,
  tid: null,
  signingAlg: 'RS256',
  tokenAuth: 'client_secret_post',
  hang: [],
  down: [],
  clockOffsetS: 0,
  idTokenLifetimeS: 300,
  promptValues: null,
});

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function signingKeys(generation: number): Promise<Map<SigningAlg, SigningKey>> {
  const keys = new Map<SigningAlg, SigningKey>();
  for (const alg of SIGNING_ALGS) {
    const pair = await generateKeyPair(alg, { extractable: true });
    const kid = `rogue-${alg.toLowerCase()}-${generation}`;
    keys.set(alg, { kid, privateKey: pair.privateKey, publicJwk: { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' } });
  }
  return keys;
}

export async function startRogueIdp(client: { clientId: string; clientSecret: string }, options: RogueIdpOptions = {}): Promise<RogueIdp> {
  let generation = 1;
  let keys = await signingKeys(generation);
  const stranger = await generateKeyPair('RS256');
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Set<string>();

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const discoveryIssuer = options.multiTenant ? `${issuer}/{tenantid}/v2.0` : issuer;

  const idp: RogueIdp = {
    issuer,
    behaviour: defaults(),
    lastAuthorization: null,
    lastTokenRequest: null,
    lastTokenAuth: null,
    jwksRequests: 0,
    kids: () => [...keys.values()].map((k) => k.kid),
    async rotateKeys() {
      generation += 1;
      keys = await signingKeys(generation);
    },
    reset() {
      idp.behaviour = defaults();
      idp.lastAuthorization = null;
      idp.lastTokenRequest = null;
      idp.lastTokenAuth = null;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  async function idToken(issued: IssuedCode): Promise<string> {
    const b = idp.behaviour;
    const now = Math.floor(Date.now() / 1000) + b.clockOffsetS;
    const claims: Record<string, unknown> = {
      iss: b.tokenIssuer ?? issuer,
      sub: b.subject,
      aud: issued.clientId,
      iat: now,
      exp: now + b.idTokenLifetimeS,
      nonce: issued.nonce,
      email: b.email,
      name: b.name,
      ...(b.tid ? { tid: b.tid } : {}),
    };
    switch (b.idToken) {
      case 'wrong-aud': claims.aud = 'someone-else'; break;
      case 'extra-aud-no-azp': claims.aud = [issued.clientId, 'someone-else']; break;
      case 'wrong-azp': claims.azp = 'someone-else'; break;
      case 'wrong-iss': claims.iss = 'https://evil.example'; break;
      case 'expired': claims.iat = now - 7200; claims.exp = now - 3600; break;
      case 'issued-in-future': claims.iat = now + 3600; claims.exp = now + 7200; break;
      case 'wrong-nonce': claims.nonce = randomBytes(16).toString('base64url'); break;
      case 'no-nonce': delete claims.nonce; break;
      default: break;
    }
    if (b.idToken === 'alg-none') return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    const signing = keys.get(b.signingAlg)!;
    if (b.idToken === 'hs256-client-secret') {
      return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: signing.kid }).sign(new TextEncoder().encode(client.clientSecret));
    }
    if (b.idToken === 'other-key') return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: keys.get('RS256')!.kid }).sign(stranger.privateKey);
    if (b.idToken === 'unknown-kid') return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'not-in-the-jwks' }).sign(stranger.privateKey);
    return new SignJWT(claims).setProtectedHeader({ alg: b.signingAlg, kid: signing.kid }).sign(signing.privateKey);
  }

  function json(res: http.ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', issuer);
    const b = idp.behaviour;
    const endpoint = url.pathname.endsWith('/.well-known/openid-configuration') ? 'discovery' : url.pathname.slice(1);
    if (endpoint === 'jwks') idp.jwksRequests += 1;
    if ((b.hang as string[]).includes(endpoint)) return;
    if ((b.down as string[]).includes(endpoint)) return json(res, 503, { error: 'temporarily_unavailable' });
    // Served below any path, as a multi-tenant provider serves it below each tenant's (and `organizations`') path.
    if (endpoint === 'discovery') {
      return json(res, 200, {
        issuer: discoveryIssuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        userinfo_endpoint: `${issuer}/userinfo`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: [...SIGNING_ALGS, 'HS256', 'none'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        code_challenge_methods_supported: ['S256'],
        ...(idp.behaviour.promptValues ? { prompt_values_supported: idp.behaviour.promptValues } : {}),
      });
    }
    if (url.pathname === '/jwks') {
      return json(res, 200, { keys: [...keys.values()].map((k) => k.publicJwk) });
    }
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      idp.lastAuthorization = q;
      const redirectUri = q.get('redirect_uri');
      if (q.get('client_id') !== client.clientId || !redirectUri) return json(res, 400, { error: 'invalid_request' });
      const code = randomBytes(24).toString('base64url');
      codes.set(code, { clientId: client.clientId, redirectUri, nonce: q.get('nonce') ?? undefined, codeChallenge: q.get('code_challenge') ?? undefined });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      if (q.get('state') !== null) back.searchParams.set('state', q.get('state')!);
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      idp.lastTokenRequest = form;
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      idp.lastTokenAuth = basic ? 'client_secret_basic' : form.has('client_secret') ? 'client_secret_post' : 'none';
      if (idp.lastTokenAuth !== b.tokenAuth) return json(res, 401, { error: 'invalid_client', error_description: `${b.tokenAuth} required` });
      const [id, secret] = basic
        ? Buffer.from(basic, 'base64').toString('utf8').split(':').map((part) => decodeURIComponent(part.replace(/\+/g, ' ')))
        : [form.get('client_id'), form.get('client_secret')];
      if (id !== client.clientId || secret !== client.clientSecret) return json(res, 401, { error: 'invalid_client' });
      const issued = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!issued) return json(res, 400, { error: 'invalid_grant' });
      if (form.get('redirect_uri') !== issued.redirectUri) return json(res, 400, { error: 'invalid_grant', error_description: 'redirect_uri' });
      const verifier = form.get('code_verifier');
      if (issued.codeChallenge && (!verifier || createHash('sha256').update(verifier).digest('base64url') !== issued.codeChallenge)) {
        return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
      }
      const accessToken = randomBytes(24).toString('base64url');
      accessTokens.add(accessToken);
      return json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 300, id_token: await idToken(issued) });
    }
    if (url.pathname === '/userinfo') {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !accessTokens.has(token)) return json(res, 401, { error: 'invalid_token' });
      switch (b.userInfo) {
        case 'other-sub': return json(res, 200, { sub: 'somebody-else', email: 'victim@rogue.example', name: 'Victim' });
        case 'no-sub': return json(res, 200, { email: b.email, name: b.name });
        case 'not-json':
          res.writeHead(200, { 'content-type': 'application/json' }).end('<html>definitely not json');
          return;
        case 'json-array': return json(res, 200, [{ sub: b.subject }]);
        case 'http-500': return json(res, 500, { error: 'server_error' });
        default: return json(res, 200, { sub: b.subject, email: b.email, name: b.name });
      }
    }
    json(res, 404, { error: 'not_found' });
  }

  return idp;
}
