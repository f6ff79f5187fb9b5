// The README's first deployment on PostgreSQL, step by step, through the same npm commands a person types:
// migrate, check the configuration, create the vendor and its first support person, import customers, diagnose.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMailCatcher, type MailCatcher } from '../../server/dev/mail-catcher.js';
import { createDb } from '../../server/db/client.js';
import { createPostgresDatabase, describeOnPostgres, type TestDatabase } from '../helpers/db.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

await describeOnPostgres('first deployment with the portico CLI', () => {
  let database: TestDatabase;
  let catcher: MailCatcher;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const SESSION_SECRET = 'a3f9c1e07b6d4e2f8a9b0c1d2e3f4a5b6c7d8e9f';
  const CLIENT_SECRET = 'personal-client-secret-of-the-deployment';

  beforeAll(async () => {
    database = await createPostgresDatabase({ migrated: false });
    catcher = await startMailCatcher();
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-first-'));
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      PUBLIC_URL: 'https://portico.example',
      TRUST_PROXY: '1',
      SESSION_SECRET,
      OIDC_PERSONAL_ISSUER: 'https://login.example',
      OIDC_PERSONAL_CLIENT_ID: 'portico',
      OIDC_PERSONAL_CLIENT_SECRET: CLIENT_SECRET,
      SMTP_HOST: catcher.host,
      SMTP_PORT: String(catcher.port),
      MAIL_FROM: 'Portico <no-reply@portico.example>',
      VENDOR_NAME: 'Northwind Software',
    };
  }, 60_000);
  afterAll(async () => {
    await catcher?.stop();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const npm = (...args: string[]) => run('npm', ['run', '--silent', ...args], { cwd: root, env, timeout: 120_000 });

  it('migrates, shows the configuration masked, creates the vendor, mails its link, imports customers and diagnoses', async () => {
    await npm('migrate');

    const shown = (await npm('portico', '--', 'config')).stdout;
    expect(shown).toContain('"mode": "production"');
    expect(shown).not.toContain(SESSION_SECRET);
    expect(shown).not.toContain(CLIENT_SECRET);

    const init = (await npm('portico', '--', 'init-vendor', '--name', 'Northwind Software', '--support-email', 'Sam@Northwind.example', '--given-name', 'Sam', '--family-name', 'Support')).stdout;
    const link = /https:\/\/portico\.example\/account\/associate\/#token=[A-Za-z0-9_-]{43}/.exec(init)?.[0];
    expect(link).toBeDefined();
    expect(init).toContain('Sent the invitation to sam@northwind.example');
    const mail = await catcher.waitFor((m) => m.to.includes('sam@northwind.example'));
    expect(mail.text).toContain(link);

    await expect(npm('portico', '--', 'init-vendor', '--name', 'Again', '--support-email', 'x@northwind.example')).rejects.toMatchObject({ stderr: expect.stringContaining('exists already') });

    const csv = path.join(dir, 'customers.csv');
    writeFileSync(csv, 'name,account_number,region,plan_name,plan_starts_on,plan_ends_on,admin_given_name,admin_family_name,admin_email\nContoso Pharmaceuticals,200001,EU,Support plan,2020-01-01,2999-12-31,Chris,Contoso,chris@contoso.example\n');
    expect((await npm('portico', '--', 'import-organizations', csv)).stdout).toContain('line 2: CREATED');
    await catcher.waitFor((m) => m.to.includes('chris@contoso.example'));

    const diagnosis = (await npm('portico', '--', 'diagnose', 'sam@northwind.example')).stdout;
    expect(diagnosis).toContain('sam@northwind.example: 1 profile(s)');
    expect(diagnosis).toMatch(/fix: /);

    const db = createDb(database.url);
    try {
      const vendor = await db.organization.findFirstOrThrow({ where: { kind: 'VENDOR' }, include: { profiles: true } });
      expect(vendor.name).toBe('Northwind Software');
      expect(vendor.profiles.map((p) => ({ email: p.email, isAdministrator: p.isAdministrator }))).toEqual([{ email: 'sam@northwind.example', isAdministrator: true }]);
      expect(await db.auditEvent.count({ where: { organizationId: vendor.id } })).toBeGreaterThanOrEqual(3);
    } finally {
      await db.$disconnect();
    }
  }, 180_000);
});
