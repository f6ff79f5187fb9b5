// R8: "e-mail me my links" answers the same for every address, sends one link per active profile, and is
// limited per address and per client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { tokenFrom } from '../../helpers/mail.js';

const REQUEST = `mutation ($email: String!) { requestAssociationEmails(email: $email) {
  __typename ... on RequestAssociationEmailsSuccess { message } ... on RateLimitedError { code retryAfterSeconds } ... on Error { code message } } }`;

describe('requestAssociationEmails', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { OUTBOX_POLL_MS: '50', LINK_REQUEST_MIN_MS: '120', LINK_REQUESTS_PER_ADDRESS_PER_HOUR: '1000', LINK_REQUESTS_PER_CLIENT_PER_HOUR: '1000' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('sends one e-mail per active profile with the address, each with its own link and organization', async () => {
    const anonymous = app.client();
    const result = await anonymous.graphql<any>(REQUEST, { email: '  Casey@Shared.Example ' });
    expect(result.data.requestAssociationEmails.__typename).toBe('RequestAssociationEmailsSuccess');
    await app.outbox.drain();
    const deadline = Date.now() + 5000;
    while (app.mailCatcher!.messages().filter((m) => m.to.includes('casey@shared.example')).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const mails = app.mailCatcher!.messages().filter((m) => m.to.includes('casey@shared.example'));
    expect(mails.map((m) => m.subject.replace(/.* for /, '')).sort()).toEqual(['Fabrikam Ltd', 'Tailspin Toys', 'Wide World Importers']);
    expect(new Set(mails.map(tokenFrom)).size).toBe(3);
  });

  it('answers a known and an unknown address identically in body and status', async () => {
    const known = await app.client().post('/graphql', { query: REQUEST, variables: { email: 'jamie@fabrikam.example' } });
    const unknown = await app.client().post('/graphql', { query: REQUEST, variables: { email: 'nobody-here@fabrikam.example' } });
    expect(unknown.status).toBe(known.status);
    expect(unknown.text).toBe(known.text);
  });

  it('takes the same time for known and unknown addresses (medians of 50 calls within 20 %)', async () => {
    const client = app.client();
    const time = async (email: string) => {
      const started = performance.now();
      await client.graphql(REQUEST, { email });
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 50; i++) {
      known.push(await time('alex@fabrikam.example'));
      unknown.push(await time(`nobody${i}@fabrikam.example`));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const [k, u] = [median(known), median(unknown)];
    expect(Math.abs(k - u) / Math.max(k, u)).toBeLessThan(0.2);
  }, 60_000);

  it('refuses an address list or a malformed address with INVALID_INPUT, the same for any address', async () => {
    for (const email of ['alex@fabrikam.example, jamie@fabrikam.example', 'not an address', 'a@b.example\r\nBcc: x@y.example']) {
      const { data } = await app.client().graphql<any>(REQUEST, { email });
      expect(data.requestAssociationEmails.code).toBe('INVALID_INPUT');
    }
  });
});

describe('rate limits of requestAssociationEmails', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { LINK_REQUEST_MIN_MS: '0', LINK_REQUESTS_PER_ADDRESS_PER_HOUR: '3', LINK_REQUESTS_PER_CLIENT_PER_HOUR: '8' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('limit one address, count aliased mutations one by one, and reset when the window ends', async () => {
    const client = app.client();
    const aliased = `mutation { a: requestAssociationEmails(email: "robin@wideworld.example") { __typename }
      b: requestAssociationEmails(email: "robin@wideworld.example") { __typename }
      c: requestAssociationEmails(email: "robin@wideworld.example") { __typename }
      d: requestAssociationEmails(email: "robin@wideworld.example") { __typename ... on RateLimitedError { retryAfterSeconds } } }`;
    const { data } = await client.graphql<any>(aliased);
    expect([data.a, data.b, data.c].map((r: { __typename: string }) => r.__typename)).toEqual(Array(3).fill('RequestAssociationEmailsSuccess'));
    expect(data.d.__typename).toBe('RateLimitedError');
    expect(data.d.retryAfterSeconds).toBeGreaterThan(3000);
    // Another address is still fine from this client.
    expect((await client.graphql<any>(REQUEST, { email: 'pat@blueyonder.example' })).data.requestAssociationEmails.__typename).toBe('RequestAssociationEmailsSuccess');
    // The hour passes.
    await app.db.rateLimit.updateMany({ data: { expire: new Date(Date.now() - 1000) } });
    expect((await client.graphql<any>(REQUEST, { email: 'robin@wideworld.example' })).data.requestAssociationEmails.__typename).toBe('RequestAssociationEmailsSuccess');
  });

  it('limit one client across addresses', async () => {
    await app.db.rateLimit.deleteMany();
    const client = app.client();
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) outcomes.push((await client.graphql<any>(REQUEST, { email: `spray${i}@x.example` })).data.requestAssociationEmails.__typename);
    expect(outcomes.slice(0, 8)).toEqual(Array(8).fill('RequestAssociationEmailsSuccess'));
    expect(outcomes.slice(8)).toEqual(['RateLimitedError', 'RateLimitedError']);
  });
});
