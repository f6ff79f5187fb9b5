// Scale-out: two instances share one PostgreSQL database. Nothing they share may be lost or done twice.
import { spawn } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.js';
import { createSmtpMailer } from '../../server/mail/mailer.js';
import { startOutboxWorker } from '../../server/mail/outbox.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createPostgresDatabase, describeOnPostgres, type TestDatabase } from '../helpers/db.js';
import type { HttpClient } from '../helpers/http-client.js';
import { mailTo, tokenFrom } from '../helpers/mail.js';

await describeOnPostgres('two instances on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let alex: HttpClient;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const env = { OUTBOX_POLL_MS: '50', LINK_REQUEST_MIN_MS: '0', LINK_REQUESTS_PER_ADDRESS_PER_HOUR: '3' };
    // The database outlives the apps: it is dropped below, not by them.
    const shared = { ...database, drop: async () => {} };
    a = await startTestApp({ database: shared, env });
    // Behind a load balancer every instance has the same public URL; B is reached at its own address.
    b = await startTestApp({ database: shared, env: { ...env, PUBLIC_URL: a.url } });
    alex = await a.signedIn('alex@fabrikam.example');
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  const urlOf = (app: TestApp) => `${app.listenUrl}/graphql`;


  it('lets exactly one of twenty redemptions win when they are spread over both instances', async () => {
    const morgan = await a.db.profile.findFirstOrThrow({ where: { email: 'morgan@fabrikam.example' } });
    const arrived = mailTo(a.mailCatcher!, 'morgan@fabrikam.example', /invited/);
    const arrivedB = mailTo(b.mailCatcher!, 'morgan@fabrikam.example', /invited/);
    await alex.graphql(`mutation ($id: ID!) { resendInvitation(profileId: $id) { __typename } }`, { id: Buffer.from(`Profile:${morgan.id}`).toString('base64') });
    const token = tokenFrom(await Promise.any([arrived, arrivedB]));
    const racers = await Promise.all([0, 1, 2, 3].map((i) => a.signedIn(`pg-racer${i}@race.example`)));
    const mutation = `mutation ($token: String!) { associateIdentity(token: $token) { __typename ... on Error { code } } }`;
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const app = i % 2 === 0 ? a : b;
        const response = await racers[i % 4]!.post(urlOf(app), { query: mutation, variables: { token } });
        return response.json<{ data: { associateIdentity: { __typename: string; code?: string } } }>().data.associateIdentity;
      }),
    );
    expect(results.filter((r) => r.__typename === 'AssociateIdentitySuccess')).toHaveLength(1);
    expect(new Set(results.filter((r) => r.__typename !== 'AssociateIdentitySuccess').map((r) => r.code))).toEqual(new Set(['INVITATION_USED']));
  });

  it('delivers every queued e-mail exactly once between the two outbox workers', async () => {
    await a.db.outboxEmail.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({ messageId: `<pg-${i}@portico.example>`, kind: 'test', to: `pg${i}@x.example`, subject: `pg ${i}`, text: 't', html: 't' })),
    });
    a.services.mailQueued();
    b.services.mailQueued();
    const end = Date.now() + 20_000;
    while ((await a.db.outboxEmail.count({ where: { kind: 'test', status: 'SENT' } })) < 60 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    const received = [...a.mailCatcher!.messages(), ...b.mailCatcher!.messages()].map((m) => m.subject).filter((s) => s.startsWith('pg '));
    expect(received).toHaveLength(60);
    expect(new Set(received).size).toBe(60);
    const byInstance = [a, b].map((app) => app.mailCatcher!.messages().filter((m) => m.subject.startsWith('pg ')).length);
    expect(byInstance[0]! + byInstance[1]!).toBe(60);
  });

  it('delivers 200 invitations added through both instances, each exactly once', async () => {
    const me = await alex.graphql<{ viewer: { currentProfile: { organization: { id: string } } } }>('{ viewer { currentProfile { organization { id } } } }');
    const organizationId = me.data!.viewer.currentProfile.organization.id;
    const addMany = `mutation($id: ID!, $list: [NewProfessionalInput!]!) { addProfessionals(organizationId: $id, professionals: $list) { __typename ... on AddProfessionalsSuccess { addedCount } } }`;
    const batch = (from: number) => Array.from({ length: 100 }, (_, i) => ({ givenName: 'Bulk', familyName: `N${from + i}`, email: `bulk${from + i}@scale.example` }));
    const added = await Promise.all([
      alex.post(urlOf(a), { query: addMany, variables: { id: organizationId, list: batch(0) } }),
      alex.post(urlOf(b), { query: addMany, variables: { id: organizationId, list: batch(100) } }),
    ]);
    for (const response of added) expect(response.json<{ data: { addProfessionals: { addedCount: number } } }>().data.addProfessionals.addedCount).toBe(100);
    const received = () => [...a.mailCatcher!.messages(), ...b.mailCatcher!.messages()].filter((m) => m.to.some((to) => to.endsWith('@scale.example')));
    const end = Date.now() + 60_000;
    while (received().length < 200 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 500));
    const recipients = received().map((m) => m.to.join(','));
    expect(recipients).toHaveLength(200);
    expect(new Set(recipients).size).toBe(200);
    expect(await a.db.outboxEmail.count({ where: { to: { endsWith: '@scale.example' }, status: { not: 'SENT' } } })).toBe(0);
  }, 90_000);

  it('lets B finish, once each, what A claimed when A is killed (SIGKILL) mid-delivery', async () => {
    // A's mail server accepts connections and never answers: A dies in the middle of an SMTP transaction.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    await b.outbox.stop();
    await a.outbox.stop();
    await a.db.outboxEmail.createMany({
      data: Array.from({ length: 10 }, (_, i) => ({ messageId: `<killed-${i}@portico.example>`, kind: 'test', to: `killed${i}@x.example`, subject: `killed ${i}`, text: 't', html: 't' })),
    });
    const fixture = path.join(import.meta.dirname, '../fixtures/outbox-worker-process.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, database.url, String((silent.address() as AddressInfo).port), '2000'], { stdio: 'ignore' });
    try {
      const end = Date.now() + 30_000;
      while ((await a.db.outboxEmail.count({ where: { kind: 'test', status: 'SENDING', subject: { startsWith: 'killed' } } })) === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((resolve) => child.once('exit', resolve));
    for (const socket of sockets) socket.destroy();
    silent.close();
    expect(await a.db.outboxEmail.count({ where: { subject: { startsWith: 'killed' }, lockedBy: { not: null } } })).toBeGreaterThan(0);

    const mailer = createSmtpMailer({ host: b.mailCatcher!.host, port: b.mailCatcher!.port, secure: false, user: null, password: null, from: 'b@portico.example' });
    const worker = startOutboxWorker({ db: b.db, mailer, logger: createLogger({ logLevel: 'silent' }), options: { pollMs: 100 } });
    try {
      const end = Date.now() + 30_000;
      while ((await b.db.outboxEmail.count({ where: { subject: { startsWith: 'killed' }, status: 'SENT' } })) < 10 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      const subjects = b.mailCatcher!.messages().map((m) => m.subject).filter((s) => s.startsWith('killed '));
      expect(subjects.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `killed ${i}`).sort());
    } finally {
      await worker.stop();
      await mailer.close();
    }
  }, 90_000);

  it('shares rate limits: the fourth request for one address is refused whichever instance gets it', async () => {
    const query = `mutation { requestAssociationEmails(email: "jamie@fabrikam.example") { __typename } }`;
    const outcomes: string[] = [];
    for (const app of [a, b, a, b]) {
      const response = await app.client().post(urlOf(app), { query });
      outcomes.push(response.json<{ data: { requestAssociationEmails: { __typename: string } } }>().data.requestAssociationEmails.__typename);
    }
    expect(outcomes).toEqual(['RequestAssociationEmailsSuccess', 'RequestAssociationEmailsSuccess', 'RequestAssociationEmailsSuccess', 'RateLimitedError']);
  });

  it('keeps one session valid on both instances (sessions live in the database)', async () => {
    const response = await alex.post(urlOf(b), { query: '{ viewer { currentProfile { displayName } } }' });
    expect(response.json<{ data: { viewer: { currentProfile: { displayName: string } } } }>().data.viewer.currentProfile.displayName).toBe('Alex Admin');
  });
});
