// The demo's real OpenID Connect provider (oidc-provider, in-process): two issuers, one per account type, under
// /dev/idp. Demo mode only: any e-mail address signs in. Each address has a stable subject per issuer, so signing
// in again is the same identity, and the seed links the demo people to exactly these subjects.
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import type { AccountProviderKey, Config, OidcProviderConfig } from '../config.js';
import { demoSubject } from './demo-subject.js';
import { escapeHtml } from '../mail/templates/layout.js';

// oidc-provider ships no type declarations and @types/oidc-provider is not installed: the few parts used here.
interface OidcInteraction {
  uid: string;
  prompt: { name: string; details: Record<string, unknown> };
  params: Record<string, unknown>;
  session?: { accountId?: string };
  grantId?: string;
}
interface OidcGrant {
  accountId: string;
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  save(): Promise<string>;
}
interface OidcContext {
  oidc: {
    client: { clientId: string };
    session: { accountId?: string; grantIdFor(clientId: string): string | undefined };
    result?: { consent?: { grantId?: string } };
    provider: OidcProvider;
  };
}
interface OidcProvider {
  proxy: boolean;
  callback(): (req: Request, res: Response) => void;
  interactionDetails(req: Request, res: Response): Promise<OidcInteraction>;
  interactionFinished(req: Request, res: Response, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  Grant: { new (init: { clientId: string; accountId: string }): OidcGrant; find(id: string): Promise<OidcGrant | undefined> };
}
interface OidcProviderModule {
  default: new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;
  interactionPolicy: {
    base(): unknown[] & { add(prompt: unknown, index?: number): void };
    Prompt: new (options: { name: string; requestable: boolean }) => unknown;
  };
}

export interface DemoIdp {
  /** Mounted by the app at /dev/idp. */
  router: Router;
  close(): Promise<void>;
}

const ACCOUNT_TYPE: Record<AccountProviderKey, string> = { personal: 'personal account', work: 'work or school account' };
const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,255}$/;


/** "jamie.jones@fabrikam.example" → "Jamie Jones". */
export function displayNameFromEmail(email: string): string {
  const local = email.split('@')[0] ?? email;
  const words = local.split(/[._+-]+/).filter(Boolean);
  return words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ') || email;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1b1f24; }
  main { max-width: 26rem; margin: 4rem auto; padding: 2rem; background: #fff; border-radius: 8px; border: 1px solid #d0d4da; }
  h1 { font-size: 1.4rem; margin-top: 0; }
  label { display: block; font-weight: 600; margin-bottom: .25rem; }
  input { width: 100%; box-sizing: border-box; font: inherit; padding: .5rem; border: 1px solid #6b7280; border-radius: 4px; }
  button { margin-top: 1rem; font: inherit; padding: .5rem 1.25rem; background: #1d4ed8; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  button:focus-visible, input:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
  .note { color: #4b5563; font-size: .9rem; }
  .error { color: #b91c1c; font-weight: 600; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

function loginPage(key: AccountProviderKey, action: string, email: string, error: string | null): string {
  const type = ACCOUNT_TYPE[key];
  return page(
    `Sign in with your ${type} — demo provider`,
    `<h1>Sign in with your ${type}</h1>
<p class="note">This is Portico's demo sign-in service: any e-mail address signs in, no password needed.</p>
${error ? `<p class="error" id="email-error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
  <label for="email">E-mail address</label>
  <input type="email" name="email" id="email" required autocomplete="email" value="${escapeHtml(email)}"${error ? ' aria-invalid="true" aria-describedby="email-error"' : ''}>
  <button type="submit">Sign in</button>
</form>`,
  );
}

export async function createDemoIdp(config: Config): Promise<DemoIdp> {
  // A variable specifier keeps TypeScript from demanding declarations this package does not ship.
  const moduleName = 'oidc-provider';
  const oidc = (await import(moduleName)) as OidcProviderModule;
  const Provider = oidc.default;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const router = express.Router();

  for (const client of config.oidcProviders) {
    const key = client.key;
    const issuer = `${config.publicUrl}/dev/idp/${key}`;
    const basePath = new URL(issuer).pathname;
    const emails = new Map<string, string>();
    const provider = new Provider(issuer, providerConfiguration(config, client, basePath, signingKey, cookieKeys, emails, oidc));
    provider.proxy = config.trustProxy !== false;

    const showError = (res: Response, status: number, message: string) =>
      res
        .status(status)
        .type('html')
        .send(page('Sign-in problem — demo provider', `<h1>This sign-in cannot go on</h1><p>${escapeHtml(message)}</p><p><a href="/">Start again from Portico</a></p>`));

    router.get(`/${key}/interaction/:uid`, async (req, res) => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (details.prompt.name === 'consent') {
          // Portico's clients are pre-granted; a consent prompt still reaching here is granted the same way.
          const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ clientId: client.clientId, accountId: details.session!.accountId! });
          grant!.addOIDCScope('openid email profile');
          const grantId = await grant!.save();
          await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
          return;
        }
        const hint = typeof details.params.login_hint === 'string' && EMAIL.test(details.params.login_hint) ? details.params.login_hint : '';
        res.type('html').send(loginPage(key, `${basePath}/interaction/${details.uid}/login`, hint, null));
      } catch {
        showError(res, 400, 'This sign-in page has expired or was already used. Go back to Portico and sign in again.');
      }
    });

    router.post(`/${key}/interaction/:uid/login`, express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
      try {
        const details = await provider.interactionDetails(req, res);
        const email = String((req.body as Record<string, unknown> | undefined)?.email ?? '').trim().toLowerCase();
        if (!EMAIL.test(email)) {
          res.status(400).type('html').send(loginPage(key, `${basePath}/interaction/${details.uid}/login`, email, 'Enter an e-mail address such as name@example.com.'));
          return;
        }
        const accountId = demoSubject(issuer, email);
        emails.set(accountId, email);
        // select_account is resolved by the same form: choosing an address is selecting the account.
        await provider.interactionFinished(req, res, { select_account: {}, login: { accountId } }, { mergeWithLastSubmission: false });
      } catch {
        showError(res, 400, 'This sign-in page has expired or was already used. Go back to Portico and sign in again.');
      }
    });

    router.use(`/${key}`, provider.callback());
  }

  return {
    router,
    // State lives in oidc-provider's in-memory adapter, which holds no timers or sockets.
    async close() {},
  };
}

function providerConfiguration(
  config: Config,
  client: OidcProviderConfig,
  basePath: string,
  signingKey: Record<string, unknown>,
  cookieKeys: string[],
  emails: Map<string, string>,
  oidc: OidcProviderModule,
): Record<string, unknown> {
  const policy = oidc.interactionPolicy.base();
  // oidc-provider knows no select_account prompt by default; "use a different account" relies on it.
  policy.add(new oidc.interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);
  const cookiePrefix = `_idp_${client.key}`;
  return {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [`${config.publicUrl}/auth/callback/${client.key}`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [signingKey] },
    // Both issuers share one origin: distinct cookie names keep their sessions apart.
    cookies: { keys: cookieKeys, names: { session: `${cookiePrefix}_session`, interaction: `${cookiePrefix}_interaction`, resume: `${cookiePrefix}_resume` } },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    interactions: { policy, url: (_ctx: unknown, interaction: { uid: string }) => `${basePath}/interaction/${interaction.uid}` },
    async findAccount(_ctx: unknown, sub: string) {
      const email = emails.get(sub);
      if (!email) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, email, email_verified: true, name: displayNameFromEmail(email) };
        },
      };
    },
    async loadExistingGrant(ctx: OidcContext) {
      const { client: oidcClient, session, result, provider } = ctx.oidc;
      const accountId = session.accountId;
      if (!accountId) return undefined;
      const grantId = result?.consent?.grantId ?? session.grantIdFor(oidcClient.clientId);
      const existing = grantId ? await provider.Grant.find(grantId) : undefined;
      if (existing && existing.accountId === accountId) return existing;
      if (oidcClient.clientId !== client.clientId) return undefined;
      // Portico is this demo provider's own client: never ask the person to consent to it.
      const grant = new provider.Grant({ clientId: oidcClient.clientId, accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    // Stricter than the default (public clients only): the demo then proves that Portico sends PKCE.
    pkce: { required: () => true },
    ttl: { Interaction: 3600, Session: 14 * 86400, Grant: 14 * 86400, AccessToken: 600, AuthorizationCode: 60, IdToken: 3600 },
    renderError(ctx: { type: string; body: string }, out: Record<string, string>) {
      ctx.type = 'html';
      const detail = Object.entries(out).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(String(v))}</dd>`).join('');
      ctx.body = page('Sign-in error — demo provider', `<h1>The demo sign-in service refused this request</h1><dl>${detail}</dl><p><a href="/">Back to Portico</a></p>`);
    },
  };
}
