// A throwaway glewlwyd (Debian package `glewlwyd`, an independent single-sign-on server in C) for interoperability
// tests: its own SQLite database made from the schema the package ships, its web pages copied next to a config.json
// of ours, listening on a free loopback port, configured through its admin REST API (the default administrator the
// schema creates): an OpenID Connect plugin instance signing with RS256, a confidential client, a user.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { exportJWK, generateKeyPair } from 'jose';

/** Overridable like PORTICO_CHROMIUM, e.g. to see the suite skip (or, with CI=true, fail) without the package. */
const BINARY = process.env.PORTICO_GLEWLWYD ?? '/usr/bin/glewlwyd';
const SCHEMA = '/usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz';
const WEBAPP = '/usr/share/glewlwyd/webapp';
const LIBRARIES = '/usr/lib/glewlwyd';
/** The administrator and password the shipped schema creates. */
const ADMIN = { username: 'admin', password: 'password' };
const START_TIMEOUT_MS = 20_000;

/** Why glewlwyd cannot run here, or null when the package is installed. */
export function glewlwydMissing(): string | null {
  for (const path of [BINARY, SCHEMA, WEBAPP]) if (!existsSync(path)) return `glewlwyd is not installed (${path} is missing; apt-get install glewlwyd)`;
  return null;
}

export interface GlewlwydUser {
  username: string;
  password: string;
  name: string;
  email: string;
}

export interface Glewlwyd {
  /** The OpenID Connect issuer (discovery below it). */
  issuer: string;
  origin: string;
  /** Registers a confidential client for the authorization-code flow. */
  addClient(client: { clientId: string; clientSecret: string; redirectUri: string }): Promise<void>;
  addUser(user: GlewlwydUser): Promise<void>;
  /** What glewlwyd printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The package links the page's config.json to a directory holding it; glewlwyd serves no symlinks anyway. */
function shippedWebappConfig(): string {
  const target = realpathSync(join(WEBAPP, 'config.json'));
  return statSync(target).isDirectory() ? join(target, 'config.json') : target;
}

function configFile(dir: string, port: number): string {
  const mime = [
    ['.html', 'text/html'],
    ['.css', 'text/css'],
    ['.js', 'application/javascript'],
    ['.json', 'application/json'],
    ['.png', 'image/png'],
    ['.ico', 'image/x-icon'],
    ['.svg', 'image/svg+xml'],
    ['.woff', 'font/woff'],
    ['.woff2', 'font/woff2'],
    ['.ttf', 'font/ttf'],
  ];
  return `port=${port}
bind_address="127.0.0.1"
external_url="http://127.0.0.1:${port}"
login_url="login.html"
api_prefix="api"
static_files_path="${join(dir, 'webapp')}/"
allow_origin="http://127.0.0.1:${port}"
log_mode="console"
log_level="WARNING"
cookie_domain=""
cookie_secure=0
cookie_same_site="lax"
session_expiration=3600
session_key="GLEWLWYD2_SESSION_ID"
admin_session_authentication="cookie"
profile_session_authentication="cookie"
allow_multiple_user_per_session=false
login_api_enabled=true
add_x_frame_option_header_deny=true
max_post_size=1048576
admin_scope="g_admin"
profile_scope="g_profile"
user_module_path="${LIBRARIES}/user"
user_middleware_module_path="${LIBRARIES}/user_middleware"
client_module_path="${LIBRARIES}/client"
user_auth_scheme_module_path="${LIBRARIES}/scheme"
plugin_module_path="${LIBRARIES}/plugin"
hash_algorithm="SHA512"
database = { type = "sqlite3" path = "${join(dir, 'glewlwyd.db')}" };
static_files_mime_types = (
${mime.map(([extension, type]) => `  { extension = "${extension}" mime_type = "${type}" compress = 0 }`).join(',\n')}
)
`;
}

export async function startGlewlwyd(): Promise<Glewlwyd> {
  const missing = glewlwydMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'portico-glewlwyd-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const issuer = `${origin}/api/oidc`;

  const db = new Database(join(dir, 'glewlwyd.db'));
  db.exec(gunzipSync(readFileSync(SCHEMA)).toString('utf8'));
  db.close();
  cpSync(WEBAPP, join(dir, 'webapp'), { recursive: true, dereference: true, filter: (source) => source !== join(WEBAPP, 'config.json') });
  writeFileSync(join(dir, 'webapp', 'config.json'), readFileSync(shippedWebappConfig()));
  writeFileSync(join(dir, 'glewlwyd.conf'), configFile(dir, port));

  let printed = '';
  const child: ChildProcess = spawn(BINARY, ['-c', join(dir, 'glewlwyd.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  let spawnError: Error | null = null;
  child.once('error', (error) => (spawnError = error));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }

  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (spawnError) throw spawnError;
      if (child.exitCode !== null) throw new Error(`glewlwyd exited with ${child.exitCode}`);
      const answered = await fetch(`${origin}/config/`).then((r) => r.ok, () => false);
      if (answered) break;
      if (Date.now() > deadline) throw new Error(`glewlwyd did not answer on ${origin} within ${START_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const login = await fetch(`${origin}/api/auth/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    if (!login.ok || !cookie) throw new Error(`glewlwyd's administrator could not sign in: HTTP ${login.status}`);
    const admin = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${origin}/api${path}`, { method, headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`glewlwyd ${method} ${path} answered HTTP ${res.status}: ${await res.text()}`);
    };

    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(privateKey)), kid: 'interop-1', alg: 'RS256', use: 'sig' }] };
    await admin('POST', '/mod/plugin/', {
      module: 'oidc',
      name: 'oidc',
      display_name: 'OpenID Connect',
      enabled: true,
      parameters: {
        iss: issuer,
        'jwks-private': JSON.stringify(jwks),
        'default-kid': 'interop-1',
        'jwks-show': true,
        'subject-type': 'public',
        'access-token-duration': 3600,
        'refresh-token-duration': 1209600,
        'code-duration': 600,
        'refresh-token-rolling': false,
        'allow-non-oidc': false,
        'auth-type-code-enabled': true,
        'auth-type-token-enabled': false,
        'auth-type-id-token-enabled': false,
        'auth-type-none-enabled': false,
        'auth-type-password-enabled': false,
        'auth-type-client-enabled': false,
        'auth-type-refresh-enabled': true,
        'pkce-allowed': true,
        'pkce-method-plain-allowed': false,
        'email-claim': 'mandatory',
        'name-claim': 'mandatory',
        scope: [],
      },
    });
    // Relying parties ask for `email` and `profile` besides `openid`; each one asks for the user's password.
    for (const [name, displayName] of [
      ['email', 'E-mail address'],
      ['profile', 'Name'],
    ]) {
      await admin('POST', '/scope/', { name, display_name: displayName, description: displayName, password_required: true, password_max_age: 0, scheme: {} });
    }
    await admin('PUT', '/scope/openid', { display_name: 'Sign-in', description: 'Sign you in', password_required: true, password_max_age: 0, scheme: {} });

    return {
      issuer,
      origin,
      addClient: ({ clientId, clientSecret, redirectUri }) =>
        admin('POST', '/client/', {
          client_id: clientId,
          name: 'Portico',
          confidential: true,
          password: clientSecret,
          redirect_uri: [redirectUri],
          authorization_type: ['code'],
          // What Portico uses unless OIDC_<KEY>_TOKEN_AUTH says otherwise.
          token_endpoint_auth_method: ['client_secret_basic'],
          enabled: true,
          scope: [],
        }),
      addUser: (user) => admin('POST', '/user/', { ...user, scope: ['openid', 'email', 'profile'], enabled: true }),
      output: () => printed,
      stop,
    };
  } catch (error) {
    await stop();
    throw new Error(`glewlwyd could not be started and configured: ${(error as Error).message}\n${printed}`, { cause: error });
  }
}
