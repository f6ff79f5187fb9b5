import { spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../server/config.js';
import { startServer, type RunningServer } from '../server/server.js';
import { startMailCatcher, type MailCatcher } from '../server/dev/mail-catcher.js';
import { newApiTokenSecret } from '../server/modules/tokens/secret.js';
import { createSqliteDatabase, type TestDatabase } from './helpers/db.js';

const production = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://portal.example',
  DATABASE_URL: 'postgresql://portico:s3cret-password@db.internal:5432/portico',
  SESSION_SECRET: 'k7#Qp2!vX9zL0m@Wf4$Rt8^Yb1&Nc6*Hd3',
  OIDC_PERSONAL_ISSUER: 'https://login.personal.example',
  OIDC_PERSONAL_CLIENT_ID: 'portico',
  OIDC_PERSONAL_CLIENT_SECRET: 'client-secret-value',
  SMTP_HOST: 'smtp.example',
  SMTP_PASSWORD: 'smtp-secret-value',
  MAIL_FROM: 'Portico <no-reply@portal.example>',
  TRUST_PROXY: '1',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('configuration', () => {
  it('needs nothing in demo mode', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('demo');
    expect(config.databaseUrl).toBe('file:./data/portico.db');
    expect(config.oidcProviders.map((p) => p.key)).toEqual(['personal', 'work']);
  });

  it('reports every production problem together', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.join('\n')).toMatch(/OpenID Connect provider/);
    expect(problems.join('\n')).toMatch(/SMTP_HOST/);
    expect(problems.join('\n')).toMatch(/MAIL_FROM/);
    expect(problems.join('\n')).toMatch(/SESSION_SECRET/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL/);
    expect(problems.join('\n')).toMatch(/PUBLIC_URL/);
    expect(problems.join('\n')).toMatch(/TRUST_PROXY/);
    expect(problems.length).toBeGreaterThanOrEqual(7);
  });

  it.each([
    ['an http issuer', { OIDC_PERSONAL_ISSUER: 'http://login.personal.example' }, /https/],
    ['a short session secret', { SESSION_SECRET: 'short' }, /SESSION_SECRET/],
    ['a repetitive session secret', { SESSION_SECRET: 'a'.repeat(40) }, /SESSION_SECRET/],
    ['an http public URL', { PUBLIC_URL: 'http://portal.example' }, /https/],
    ['an issuer without its client secret', { OIDC_WORK_ISSUER: 'https://login.work.example', OIDC_WORK_CLIENT_ID: 'x' }, /OIDC_WORK_CLIENT_SECRET/],
    ['a bad issuer pattern', { OIDC_WORK_ISSUER: 'https://login.work.example', OIDC_WORK_CLIENT_ID: 'x', OIDC_WORK_CLIENT_SECRET: 'y', OIDC_WORK_ISSUER_PATTERN: '(' }, /PATTERN/],
    ['a port out of range', { PORT: '70000' }, /PORT/],
  ])('refuses %s in production', (_what, change, message) => {
    expect(problemsOf({ ...production, ...change }).join('\n')).toMatch(message);
  });

  it('accepts a complete production configuration, with secure __Host- cookies', () => {
    const config = loadConfig(production);
    expect(config.mode).toBe('production');
    expect(config.session.cookieName).toBe('__Host-portico.sid');
    expect(config.session.secureCookie).toBe(true);
  });

  it('never prints a secret', () => {
    const printed = JSON.stringify(describeConfig(loadConfig(production)));
    for (const secret of ['s3cret-password', production.SESSION_SECRET, 'client-secret-value', 'smtp-secret-value']) expect(printed).not.toContain(secret);
    expect(printed).toContain('login.personal.example');
  });

  it('stops `npm start` with every problem listed and a non-zero exit', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/index.ts'], { env: { PATH: process.env.PATH, NODE_ENV: 'production' }, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/SMTP_HOST/);
    expect(run.stderr).toMatch(/SESSION_SECRET/);
  }, 60_000);
});

describe('production mode', () => {
  let server: RunningServer | undefined;
  let catcher: MailCatcher | undefined;
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await server?.close();
    await catcher?.stop();
    await database?.drop();
  });

  it('never mounts the demo provider, the mailbox or the demo data', async () => {
    database = await createSqliteDatabase();
    catcher = await startMailCatcher();
    server = await startServer({
      env: { ...production, HOST: '127.0.0.1', PORT: '0', DATABASE_URL: database.url, SMTP_HOST: catcher.host, SMTP_PORT: String(catcher.port), LOG_LEVEL: 'silent' },
    });
    const local = `http://127.0.0.1:${new URL(server.url).port || server.config.port}`;
    for (const path of ['/dev/mailbox', '/dev/mailbox.json', '/dev/idp/personal/.well-known/openid-configuration']) {
      expect((await fetch(`${local}${path}`)).status).toBe(404);
    }
    expect(await server.db.organization.count()).toBe(0);
    const { data } = (await (await fetch(`${local}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ accountProviders { key signInUrl } }' }) })).json()) as { data: { accountProviders: unknown } };
    expect(data.accountProviders).toEqual([{ key: 'personal', signInUrl: 'https://portal.example/auth/sign-in/personal' }]);
  });

  it('opens the schema and GraphiQL to signed-in support and administrators only', async () => {
    const local = `http://127.0.0.1:${server!.config.port}`;
    const introspect = (cookie?: string) =>
      fetch(`${local}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }) }).then((r) => r.json() as Promise<any>);
    const graphiql = (cookie?: string) => fetch(`${local}/graphql`, { headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } }).then(async (r) => (await r.text()).includes('Portico GraphiQL'));

    expect((await introspect()).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await graphiql()).toBe(false);

    // A session of vendor support, as a sign-in at the real provider would leave it (production has no demo provider).
    const db = server!.db;
    const vendor = await db.organization.create({ data: { name: 'Vendor', kind: 'VENDOR' } });
    const identity = await db.identity.create({ data: { provider: 'personal', issuer: 'https://login.personal.example', subject: 'sam' } });
    const profile = await db.profile.create({ data: { organizationId: vendor.id, givenName: 'Sam', familyName: 'Support', email: 'sam@vendor.example', activeEmail: 'sam@vendor.example', isAdministrator: true, identityId: identity.id } });
    const sid = 'support-session-id';
    await db.session.create({
      data: { id: createHash('sha256').update(sid).digest('hex'), identityId: identity.id, currentProfileId: profile.id, data: JSON.stringify({ identityId: identity.id, signedInAt: Date.now(), cookie: {} }), expiresAt: new Date(Date.now() + 3_600_000) },
    });
    const mac = createHmac('sha256', production.SESSION_SECRET).update(sid).digest('base64').replace(/=+$/, '');
    const cookie = `__Host-portico.sid=${encodeURIComponent(`s:${sid}.${mac}`)}`;
    expect((await introspect(cookie)).data?.__schema?.queryType?.name).toBe('Query');
    expect(await graphiql(cookie)).toBe(true);

    // GraphiQL's page revalidates (304) for whoever may open it, and only for them.
    const page = await fetch(`${local}/graphql`, { headers: { accept: 'text/html', cookie } });
    const etag = page.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const revalidate = (extra: Record<string, string>) => fetch(`${local}/graphql`, { headers: { accept: 'text/html', 'if-none-match': etag, ...extra } }).then((r) => r.status);
    expect(await revalidate({ cookie })).toBe(304);
    expect(await revalidate({})).not.toBe(304);

    // Their API tokens likewise: a SUPPORT token explores, a read-only MEMBER token does not.
    const withToken = async (role: 'SUPPORT' | 'MEMBER') => {
      const { secret, hash, prefix } = newApiTokenSecret();
      await db.apiToken.create({ data: { organizationId: vendor.id, name: `explorer ${role}`, role, secretHash: hash, prefix, createdById: profile.id, expiresAt: new Date(Date.now() + 86_400_000) } });
      const response = await fetch(`${local}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }) });
      return (await response.json()) as any;
    };
    expect((await withToken('SUPPORT')).data?.__schema?.queryType?.name).toBe('Query');
    expect((await withToken('MEMBER')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('masks unexpected errors: the answer says nothing about the database', async () => {
    const local = `http://127.0.0.1:${server!.config.port}`;
    // A validly signed session cookie makes the context read the Session table, which is gone.
    await server!.db.$executeRawUnsafe('DROP TABLE "Session"');
    const sid = 'some-session-id';
    const mac = createHmac('sha256', production.SESSION_SECRET).update(sid).digest('base64').replace(/=+$/, '');
    const response = await fetch(`${local}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `__Host-portico.sid=${encodeURIComponent(`s:${sid}.${mac}`)}` },
      body: JSON.stringify({ query: '{ viewer { signedIn } }' }),
    });
    const text = await response.text();
    expect(text).toContain('Unexpected error');
    expect(text).not.toMatch(/Session|table|sqlite|prisma|stack/i);
  });
});
