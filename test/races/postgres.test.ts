// Races, where they can happen: PostgreSQL runs transactions side by side (SQLite's adapter runs them one at a
// time, so the same tests on SQLite are smoke tests only). With CI=true these fail when PostgreSQL is missing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createPostgresDatabase, describeOnPostgres } from '../helpers/db.js';
import { DEMO, organizationId, professional } from '../helpers/factories.js';
import type { HttpClient } from '../helpers/http-client.js';
import { mailTo, tokenFrom } from '../helpers/mail.js';

await describeOnPostgres('R5 races on PostgreSQL', () => {
  let app: TestApp;
  let alex: HttpClient;
  beforeAll(async () => {
    app = await startTestApp({ database: await createPostgresDatabase(), env: { OUTBOX_POLL_MS: '50' } });
    alex = await app.signedIn('alex@fabrikam.example');
  });
  afterAll(async () => {
    await app?.close();
  });

  async function addPerson(): Promise<{ id: string; email: string; token: string }> {
    const person = professional();
    const mail = mailTo(app.mailCatcher!, person.email);
    const added = await alex.graphql<any>('mutation ($input: AddProfessionalInput!) { addProfessional(input: $input) { ... on AddProfessionalSuccess { profile { id } } } }', {
      input: { organizationId: await organizationId(app.db, DEMO.fabrikam), ...person },
    });
    return { id: added.data.addProfessional.profile.id, email: person.email, token: tokenFrom(await mail) };
  }

  it('twenty simultaneous resends for one profile leave exactly one link that works', async () => {
    const person = await addPerson();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => alex.graphql<any>('mutation ($id: ID!) { resendInvitation(profileId: $id) { __typename ... on Error { code } } }', { id: person.id })),
    );
    expect(results.map((r) => r.errors?.[0]?.message ?? r.data.resendInvitation.__typename)).toEqual(Array(20).fill('ResendInvitationSuccess'));
    const local = Buffer.from(person.id, 'base64').toString().split(':')[1]!;
    expect(await app.db.invitation.count({ where: { profileId: local, acceptedAt: null, revokedAt: null, replacedAt: null } })).toBe(1);
    expect(await app.db.invitation.count({ where: { profileId: local } })).toBe(21);
  });

  it('twenty simultaneous redemptions of one link: exactly one wins', async () => {
    const person = await addPerson();
    const racers = await Promise.all(Array.from({ length: 4 }, (_, i) => app.signedIn(`pg-racer${i}@race.example`)));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => racers[i % 4]!.graphql<any>('mutation ($token: String!) { associateIdentity(token: $token) { __typename ... on Error { code } } }', { token: person.token })),
    );
    const outcomes = results.map((r) => r.errors?.[0]?.message ?? (r.data.associateIdentity.__typename === 'AssociateIdentitySuccess' ? 'won' : r.data.associateIdentity.code));
    expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
    expect(new Set(outcomes.filter((o) => o !== 'won'))).toEqual(new Set(['INVITATION_USED']));
  });
});
