// Quality bar: the viewer query with current profile, organization, plan and all profiles runs a fixed number of
// SQL statements whatever the number of profiles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { createSqlCounter, type SqlCounter } from '../../helpers/sql-count.js';

let app: TestApp;
let counter: SqlCounter;
beforeAll(async () => {
  app = await startTestApp();
  counter = createSqlCounter(app);
});
afterAll(async () => {
  await counter?.close();
  await app?.close();
});

const VIEWER = `{ viewer { signedIn isSupport identity { email provider { key displayName } }
  currentProfile { displayName isAdministrator organization { name kind hasActiveServicePlan servicePlans { name endsOn } } }
  profiles { id displayName usable unusableReason isAdministrator organization { name hasActiveServicePlan } latestInvitation { state } } } }`;

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

describe('the viewer query', () => {
  it('runs the same number of SQL statements for 3 profiles as for 40', async () => {
    const casey = await app.signedIn('casey@shared.example');
    const few = await counter.graphql<any>(casey, VIEWER);
    expect(few.result.data.viewer.profiles).toHaveLength(3);
    await giveCaseyProfiles(37);
    const many = await counter.graphql<any>(casey, VIEWER);
    expect(many.result.data.viewer.profiles).toHaveLength(40);
    expect(many.statements.length).toBe(few.statements.length);
    // session, identity, current profile (+ organization, plans), profiles (+ organizations, plans, invitations), support
    expect(few.statements.length).toBeLessThanOrEqual(10);
  });

  it('costs one statement signed out', async () => {
    const { result, statements } = await counter.graphql<any>(app.client(), '{ viewer { signedIn currentProfile { id } profiles { id } } }');
    expect(result.data.viewer.signedIn).toBe(false);
    expect(statements.length).toBeLessThanOrEqual(1);
  });
});
