// `npm run portico -- <command>`: what a first deployment needs before anyone can sign in, and support's tools
// for a terminal. Reads the same configuration as the server; writes through the same services, audited.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, describeConfig, loadConfig, type Config } from '../config.js';
import { createDb, type Db } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import type { Deps } from '../modules/deps.js';
import type { Actor } from '../modules/policy.js';
import { createLogger } from '../logger.js';
import { createSmtpMailer } from '../mail/mailer.js';
import { startOutboxWorker } from '../mail/outbox.js';
import { SYSTEM_ACTOR, writeAudit } from '../modules/audit/service.js';
import { diagnoseAccess } from '../modules/diagnosis/service.js';
import { createLinkRequestLimiter } from '../modules/invitations/rate-limit.js';
import { createApiTokenRequestLimiter } from '../modules/tokens/authenticate.js';
import { issueInvitation } from '../modules/invitations/service.js';
import { importOrganizations } from '../modules/organizations/service.js';
import type { AppServices } from '../services.js';

const USAGE = `Usage: npm run portico -- <command>
  init-vendor --name <vendor name> --support-email <address> [--given-name <name>] [--family-name <name>]
      creates the vendor organization and its first support person (its administrator), prints their
      invitation link and sends it
  import-organizations <file.csv>   customers with plan and first administrator (the importOrganizations columns)
  config                            the configuration as Portico reads it, secrets masked
  diagnose <email>                  why a person cannot get in, and the fix`;

function servicesFor(db: Db, config: Config): AppServices {
  return { now: () => new Date(), mailQueued: () => {}, linkRequests: createLinkRequestLimiter(db, config), apiTokenRequests: createApiTokenRequestLimiter(db, config) };
}

/** Sends what the command queued, when a mail server is configured; otherwise the running server's worker will. */
async function sendQueued(db: Db, config: Config): Promise<boolean> {
  if (!config.smtp) return false;
  const mailer = createSmtpMailer({ ...config.smtp, from: config.mailFrom, pool: false });
  const worker = startOutboxWorker({ db, mailer, logger: createLogger({ logLevel: 'warn', logFormat: 'json' }), options: { pollMs: 60_000 } });
  try {
    await worker.drain();
  } finally {
    await worker.stop();
    await mailer.close();
  }
  return true;
}

/** Acts as vendor support, in the name of the vendor's first support profile (audit rows name "Portico CLI"). */
async function asSupport(db: Db, config: Config): Promise<{ deps: Deps; actor: Actor }> {
  const profile = await db.profile.findFirst({ where: { status: 'ACTIVE', organization: { kind: 'VENDOR' } }, orderBy: { createdAt: 'asc' }, include: { organization: { select: { name: true } } } });
  if (!profile) throw new Error('There is no vendor organization yet: run init-vendor first.');
  // A terminal on the server is trusted like a signed-in support session; no session row exists for it.
  const actor: Actor = {
    // The audit row's identity must exist or be null; the first support person may not have signed in yet.
    identityId: profile.identityId as string,
    sessionKey: 'cli',
    identityDisplayName: 'Portico CLI',
    profile: { id: profile.id, organizationId: profile.organizationId, organizationName: profile.organization.name, isAdministrator: true, displayName: 'Portico CLI', organizationKind: 'VENDOR' },
    role: 'SUPPORT',
    lostProfile: null,
  };
  return { deps: { db, config, logger: createLogger({ logLevel: 'warn', logFormat: 'json' }), services: servicesFor(db, config) }, actor };
}

async function initVendor(db: Db, config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { name: { type: 'string' }, 'support-email': { type: 'string' }, 'given-name': { type: 'string' }, 'family-name': { type: 'string' } } });
  const name = values.name?.trim();
  const email = values['support-email']?.trim().toLowerCase();
  if (!name || !email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new UsageError('init-vendor needs --name and a valid --support-email');
  const services = servicesFor(db, config);
  const invitationId = await db.$transaction(async (tx) => {
    if (await tx.organization.findFirst({ where: { kind: 'VENDOR' } })) throw new Error('A vendor organization exists already; init-vendor runs once. Use diagnose or GraphiQL from here on.');
    const organization = await tx.organization.create({ data: { name, kind: 'VENDOR' } });
    const profile = await tx.profile.create({
      data: { organizationId: organization.id, givenName: values['given-name'] ?? 'Vendor', familyName: values['family-name'] ?? 'Support', email, activeEmail: email, isAdministrator: true },
    });
    await writeAudit(tx, SYSTEM_ACTOR, { action: 'organization.create', organizationId: organization.id, targetType: 'Organization', targetId: organization.id, summary: `Portico CLI created the vendor organization ${name}`, after: { name, kind: 'VENDOR' } });
    await writeAudit(tx, SYSTEM_ACTOR, { action: 'profile.add', organizationId: organization.id, targetProfileId: profile.id, targetType: 'Profile', targetId: profile.id, summary: `Portico CLI added ${email} as the first support person`, after: { email, isAdministrator: true } });
    const issued = await issueInvitation(tx, { config, services }, { profile: { ...profile, organizationId: organization.id }, organizationName: name, purpose: 'INVITATION', actor: SYSTEM_ACTOR });
    return issued.invitationId;
  });
  const mail = await db.outboxEmail.findFirstOrThrow({ where: { invitationId } });
  const link = /https?:\/\/\S+#token=[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
  console.log(`Created the vendor organization "${name}" with ${email} as its first support person.`);
  console.log(`Invitation link (single use, personal to ${email}):\n  ${link}`);
  console.log((await sendQueued(db, config)) ? `Sent the invitation to ${email}.` : 'No mail server is configured here: the running Portico sends the invitation.');
}

async function importFile(db: Db, config: Config, args: string[]): Promise<void> {
  const file = args[0];
  if (!file) throw new UsageError('import-organizations needs a CSV file');
  const { deps, actor } = await asSupport(db, config);
  const results = await importOrganizations(deps, actor, { csv: readFileSync(file, 'utf8'), sendInvitations: true });
  for (const r of results) console.log(`line ${r.line}: ${r.status}${r.error ? ` — ${r.error.code}: ${r.error.message}` : ''}`);
  await sendQueued(db, config);
  if (results.some((r) => r.status === 'FAILED')) process.exitCode = 1;
}

async function diagnose(db: Db, config: Config, args: string[]): Promise<void> {
  const email = args[0];
  if (!email) throw new UsageError('diagnose needs an e-mail address');
  const { deps, actor } = await asSupport(db, config);
  const diagnosis = await diagnoseAccess(deps, actor, email);
  console.log(`${diagnosis.email}: ${diagnosis.profileIds.length} profile(s)`);
  for (const f of diagnosis.findings) console.log(`- ${f.code}: ${f.message}\n  fix: ${f.fix}`);
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const config = loadConfig(process.env);
  if (command === 'config') {
    console.log(JSON.stringify(describeConfig(config), null, 2));
    return 0;
  }
  const handlers: Record<string, (db: Db, config: Config, args: string[]) => Promise<void>> = { 'init-vendor': initVendor, 'import-organizations': importFile, diagnose };
  const handler = command ? handlers[command] : undefined;
  if (!handler) {
    console.error(USAGE);
    return 64;
  }
  await migrate(config.databaseUrl);
  const db = createDb(config.databaseUrl, config.database);
  try {
    await handler(db, config, args);
    return Number(process.exitCode ?? 0);
  } finally {
    await db.$disconnect();
  }
}

try {
  process.exit(await main(process.argv.slice(2)));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78);
  }
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(64);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
