// Quality bar: the viewer query with current profile, organization, plan and all profiles runs a fixed number of
// SQL statements whatever the number of profiles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createPostgresDatabase, describeOnPostgres, type TestDatabase } from '../../helpers/db.js';
import { createSqlCounter, type SqlCounter } from '../../helpers/sql-count.js';

const VIEWER = `{ viewer { signedIn isSupport identity { email provider { key displayName } }
  currentProfile { displayName isAdministrator organization { name kind hasActiveServicePlan servicePlans { name endsOn } } }
  profiles { id displayName usable unusableReason isAdministrator organization { name hasActiveServicePlan } latestInvitation { state } } } }`;

/** The same questions on each database: the viewer's statement is raw SQL that both must run alike. */
function viewerSuite(database: () => Promise<TestDatabase | undefined>) {
  let app: TestApp;
  let counter: SqlCounter;
  beforeAll(async () => {
    const db = await database();
    app = await startTestApp(db ? { database: db } : {});
    counter = createSqlCounter(app);
  }, 60_000);
  afterAll(async () => {
    await counter?.close();
    await app?.close();
  });

  async function giveCaseyProfiles(count: number) {
    const casey = await app.db.identity.findFirstOrThrow({ where: { email: 'casey@shared.example', provider: 'personal' } });
    for (let i = 0; i < count; i++) {
      await app.db.organization.create({
        data: {
          name: `Extra ${i}`,
          kind: 'CUSTOMER',
          servicePlans: { create: { name: 'Plan', startsOn: '2000-01-01', endsOn: '2999-12-31' } },
          profiles: { create: { givenName: 'Casey', familyName: 'Cole', email: 'casey@shared.example', activeEmail: 'casey@shared.example', identityId: casey.id } },
        },
      });
    }
  }

  async function personWithProfiles(email: string, count: number) {
    const client = await app.signedIn(email);
    const identity = await app.db.identity.findFirstOrThrow({ where: { email, provider: 'personal' } });
    for (let i = 0; i < count; i++) {
      await app.db.organization.create({
        data: {
          name: `${email} org ${i}`,
          kind: 'CUSTOMER',
          servicePlans: { create: [{ name: 'Old', startsOn: '2000-01-01', endsOn: '2001-12-31' }, { name: 'Plan', startsOn: '2002-01-01', endsOn: '2999-12-31' }] },
          profiles: { create: { givenName: 'P', familyName: String(i), email, activeEmail: email, identityId: identity.id } },
        },
      });
    }
    return client;
  }

  describe('the viewer query', () => {
    it('runs the same number of SQL statements for 3 profiles as for 40', async () => {
      const casey = await app.signedIn('casey@shared.example');
      const few = await counter.graphql<any>(casey, VIEWER);
      expect(few.result.data.viewer.profiles).toHaveLength(3);
      await giveCaseyProfiles(37);
      const many = await counter.graphql<any>(casey, VIEWER);
      expect(many.result.data.viewer.profiles).toHaveLength(40);
      expect(many.statements.length).toBe(few.statements.length);
      // the session, then the identity with its profiles, organizations, plans and latest invitations
      expect(few.statements.length).toBeLessThanOrEqual(2);
    });

    it('runs at most two statements, session included, for 1, 10 and 200 profiles, with the current profile chosen', async () => {
      const counts: Record<number, number> = {};
      for (const size of [1, 10, 200]) {
        const client = await personWithProfiles(`many-${size}@example.com`, size);
        const first = await counter.graphql<any>(client, '{ viewer { profiles { id } } }');
        const id = first.result.data.viewer.profiles[0].id;
        await client.graphql('mutation ($id: ID!) { selectProfile(profileId: $id) { __typename } }', { id });
        const { result, statements } = await counter.graphql<any>(client, VIEWER);
        expect(result.errors).toBeUndefined();
        expect(result.data.viewer.profiles).toHaveLength(size);
        expect(result.data.viewer.currentProfile.organization.hasActiveServicePlan).toBe(true);
        expect(result.data.viewer.profiles.every((p: any) => p.usable && p.organization.hasActiveServicePlan)).toBe(true);
        counts[size] = statements.length;
      }
      expect(counts).toEqual({ 1: counts[1], 10: counts[1], 200: counts[1] });
      expect(counts[1]).toBeLessThanOrEqual(2);
    });

    it('answers from the rows it loaded exactly what the ordinary queries answer', async () => {
      const casey = await app.signedIn('casey@shared.example');
      const listed = await counter.graphql<any>(casey, VIEWER);
      const usable = listed.result.data.viewer.profiles.find((p: any) => p.usable);
      await casey.graphql('mutation ($id: ID!) { selectProfile(profileId: $id) { __typename } }', { id: usable.id });
      const fromSnapshot = await counter.graphql<any>(casey, VIEWER);
      // a selection the snapshot cannot serve (delivery comes from the outbox) falls back to ordinary Prisma queries
      const deeper = await counter.graphql<any>(casey, `{ viewer { profiles { id displayName usable unusableReason isAdministrator
        organization { name hasActiveServicePlan } latestInvitation { state delivery { status } } } } }`);
      expect(deeper.result.errors).toBeUndefined();
      expect(deeper.statements.length).toBeGreaterThan(fromSnapshot.statements.length);
      expect(deeper.result.data.viewer.profiles.map((p: any) => [p.id, p.displayName, p.usable, p.unusableReason, p.organization.name, p.latestInvitation?.state]))
        .toEqual(fromSnapshot.result.data.viewer.profiles.map((p: any) => [p.id, p.displayName, p.usable, p.unusableReason, p.organization.name, p.latestInvitation?.state]));
    });

    it('costs one statement signed out', async () => {
      const { result, statements } = await counter.graphql<any>(app.client(), '{ viewer { signedIn currentProfile { id } profiles { id } } }');
      expect(result.data.viewer.signedIn).toBe(false);
      expect(statements.length).toBeLessThanOrEqual(1);
    });
  });
}

describe('on SQLite', () => viewerSuite(async () => undefined));
await describeOnPostgres('on PostgreSQL', () => viewerSuite(() => createPostgresDatabase()));
