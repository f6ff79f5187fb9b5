// Scale-out: two instances share one PostgreSQL database. Nothing they share may be lost or done twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
