// Page sizes: default 20, at most 100, said in the schema; more is a clear INVALID_INPUT naming the argument, never
// a silently shorter page nor the cost limit's "Syntax Error".
import { getNamedType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema } from '../../server/graphql/schema.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DEMO, organizationId } from '../helpers/factories.js';
import type { HttpClient } from '../helpers/http-client.js';

let app: TestApp;
let support: HttpClient;
beforeAll(async () => {
  app = await startTestApp();
  support = await app.signedIn('support@northwind.example');
});
afterAll(async () => {
  await app?.close();
});

describe('page sizes', () => {
  it('a literal first: 1000 is refused with INVALID_INPUT naming first', async () => {
    const res = await support.graphql<any>('{ organizations(first: 1000) { totalCount edges { node { name } } } }');
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'INVALID_INPUT', field: 'first' });
    expect(res.errors![0]!.message).toMatch(/^first may be at most 100/);
  });

  it('so is last: 101 given through a variable, on a nested connection', async () => {
    const fabrikam = await organizationId(app.db, DEMO.fabrikam);
    const res = await support.graphql<any>('query ($id: ID!, $n: Int) { organization(id: $id) { profiles(last: $n) { totalCount } } }', { id: fabrikam, n: 101 });
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'INVALID_INPUT', field: 'last' });
  });

  it('100 is allowed, and without first a page holds 20', async () => {
    const ok = await support.graphql<any>('{ organizations(first: 100) { totalCount edges { cursor } } }');
    expect(ok.errors).toBeUndefined();
    expect(ok.data.organizations.edges).toHaveLength(ok.data.organizations.totalCount);
    for (let i = 0; i < 21; i++) await app.db.organization.create({ data: { name: `Paging ${i}`, kind: 'PARTNER' } });
    const page = await support.graphql<any>('{ organizations { totalCount edges { cursor } pageInfo { hasNextPage } } }');
    expect(page.data.organizations.edges).toHaveLength(20);
    expect(page.data.organizations.pageInfo.hasNextPage).toBe(true);
  });

  it('every connection states the limits in its first and last arguments and has totalCount', () => {
    const schema = buildSchema();
    let connections = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (!getNamedType(field.type).name.endsWith('Connection')) continue;
        connections++;
        const connection = getNamedType(field.type);
        expect(isObjectType(connection) && connection.getFields().totalCount, `${connection.name}.totalCount`).toBeTruthy();
        expect(field.args.find((a) => a.name === 'first')?.description).toMatch(/Default 20, at most 100/);
        expect(field.args.find((a) => a.name === 'last')?.description).toMatch(/At most 100/);
      }
    }
    expect(connections).toBeGreaterThanOrEqual(3);
  });
});
