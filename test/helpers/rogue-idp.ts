// A tiny standalone OpenID provider for tests (node:http on 127.0.0.1, random port) that can be told to lie: its
// token endpoint issues forged ID tokens and its UserInfo endpoint can answer for someone else or with garbage.
// Its discovery document even offers `none` and HS256, which a relying party must refuse anyway.
// The authorization endpoint answers at once (no login page) with a code for `behaviour.subject`.
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
  /** `prompt_values_supported` in its discovery document; absent when null. */
  promptValues: string[] | null;
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
  promptValues: null,
});

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startRogueIdp(client: { clientId: string; clientSecret: string }): Promise<RogueIdp> {
  const kid = 'rogue-key-1';
  const published = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256');
  const publicJwk: JWK = { ...(await exportJWK(published.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Set<string>();

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const idp: RogueIdp = {
    issuer,
    behaviour: defaults(),
    lastAuthorization: null,
    lastTokenRequest: null,
    reset() {
      idp.behaviour = defaults();
      idp.lastAuthorization = null;
      idp.lastTokenRequest = null;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  async function idToken(issued: IssuedCode): Promise<string> {
    const b = idp.behaviour;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: b.tokenIssuer ?? issuer,
      sub: b.subject,
      aud: issued.clientId,
      iat: now,
      exp: now + 300,
      nonce: issued.nonce,
      email: b.email,
      name: b.name,
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
    if (b.idToken === 'hs256-client-secret') {
      return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode(client.clientSecret));
    }
    let key: CryptoKey = published.privateKey;
    let keyId = kid;
    if (b.idToken === 'other-key') key = stranger.privateKey;
    if (b.idToken === 'unknown-kid') {
      key = stranger.privateKey;
      keyId = 'not-in-the-jwks';
    }
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: keyId }).sign(key);
  }

  function json(res: http.ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        userinfo_endpoint: `${issuer}/userinfo`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'HS256', 'none'],
        code_challenge_methods_supported: ['S256'],
        ...(idp.behaviour.promptValues ? { prompt_values_supported: idp.behaviour.promptValues } : {}),
      });
    }
    if (url.pathname === '/jwks') return json(res, 200, { keys: [publicJwk] });
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
      const issued = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!issued || form.get('client_id') !== client.clientId || form.get('client_secret') !== client.clientSecret) return json(res, 400, { error: 'invalid_grant' });
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
      const b = idp.behaviour;
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
