// urql with Graphcache against a running Portico, with the operations of the Client apps page: queries go as GET
// with the CSRF header, and after each mutation the normalized cache answers the people page by itself.
import { Client, fetchExchange, gql, type AnyVariables, type DocumentInput } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DEMO, organizationId, professional, profileId } from '../helpers/factories.js';
import { clientAppOperations, graphcacheKeys, graphcacheSchema, sessionFetch, type SentRequest } from './support.js';

const ops = clientAppOperations();
const Q = Object.fromEntries(Object.entries(ops).map(([name, text]) => [name, gql(text)])) as Record<keyof typeof ops, DocumentInput<any, AnyVariables>>;

let app: TestApp;
let cookie: string;
let fabrikam: string;

beforeAll(async () => {
  app = await startTestApp();
  cookie = await (await app.signedIn('alex@fabrikam.example')).cookieHeader();
  fabrikam = await organizationId(app.db, DEMO.fabrikam);
});
afterAll(async () => {
  await app?.close();
});

/** The client of the Client apps page; `headers` as its fetchOptions give them. */
function urqlClient(sent: SentRequest[], headers: Record<string, string>): Client {
  return new Client({
    url: `${app.url}/graphql`,
    fetch: sessionFetch(cookie, sent),
    fetchOptions: { headers },
    exchanges: [cacheExchange({ schema: graphcacheSchema, keys: graphcacheKeys() }), fetchExchange],
  });
}

describe('urql with Graphcache', () => {
  it('without the x-graphql-client header its GET queries are refused (CSRF prevention)', async () => {
    const sent: SentRequest[] = [];
    const result = await urqlClient(sent, {}).query(Q.Viewer, {}).toPromise();
    expect(sent[0]!.method).toBe('GET');
    expect(result.data).toBeUndefined();
    expect(result.error?.message).toMatch(/CSRF/);
  });

  it('runs the people page journey and keeps the cache right after every mutation without refetching', async () => {
    const sent: SentRequest[] = [];
    const client = urqlClient(sent, { 'x-graphql-client': 'urql-test' });
    const people = async () => {
      const cached = await client.query(Q.PeoplePage, { organizationId: fabrikam }, { requestPolicy: 'cache-only' }).toPromise();
      return new Map<string, any>(cached.data.organization.profiles.edges.map((e: any) => [e.node.email, e.node]));
    };

    const viewer = await client.query(Q.Viewer, {}).toPromise();
    expect(viewer.error).toBeUndefined();
    expect(viewer.data.viewer).toMatchObject({ signedIn: true, currentProfile: { displayName: 'Alex Admin' } });
    const page = await client.query(Q.PeoplePage, { organizationId: fabrikam }).toPromise();
    expect(page.data.organization.profiles.edges.length).toBe(page.data.organization.profiles.totalCount);
    const morganBefore = (await people()).get('morgan@fabrikam.example');

    const person = professional();
    const added = await client.mutation(Q.AddPerson, { input: { organizationId: fabrikam, ...person } }).toPromise();
    const newProfile = added.data.addProfessional.profile;
    expect(newProfile).toMatchObject({ email: person.email.toLowerCase(), associationStatus: 'INVITED', latestInvitation: { state: 'PENDING' } });

    const morgan = await profileId(app.db, DEMO.fabrikam, 'morgan@fabrikam.example');
    const resent = await client.mutation(Q.ResendInvitation, { profileId: morgan }).toPromise();
    const invitation = resent.data.resendInvitation.invitation;
    expect(invitation.id).not.toBe(morganBefore.latestInvitation.id);
    expect((await people()).get('morgan@fabrikam.example').latestInvitation).toMatchObject({ id: invitation.id, state: 'PENDING' });

    const jamie = await profileId(app.db, DEMO.fabrikam, 'jamie@fabrikam.example');
    const promoted = await client.mutation(Q.Promote, { profileId: jamie }).toPromise();
    expect(promoted.data.setAdministrator).toMatchObject({ __typename: 'SetAdministratorSuccess', profile: { id: jamie, isAdministrator: true } });
    expect((await people()).get('jamie@fabrikam.example').isAdministrator).toBe(true);

    const robin = await profileId(app.db, DEMO.wideWorld, 'robin@wideworld.example');
    const refused = await client.mutation(Q.Promote, { profileId: robin }).toPromise();
    expect(refused.error).toBeUndefined();
    expect(refused.data.setAdministrator).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });

    const diagnosis = await client.query(Q.Diagnose, { email: 'morgan@fabrikam.example' }).toPromise();
    expect(diagnosis.data.diagnoseAccess.profiles).toEqual([expect.objectContaining({ id: morgan, displayName: 'Morgan Lee' })]);

    // Queries went as GET (with the header), mutations as POST, one request each: the cache was never refetched.
    expect(sent.map((r) => r.method)).toEqual(['GET', 'GET', 'POST', 'POST', 'POST', 'POST', 'GET']);
  });
});
