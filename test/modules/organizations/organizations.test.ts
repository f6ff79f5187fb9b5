// Vendor support's organization changes (flow 7): create, update, service plans; each validated and audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { DEMO, localIdOf, organizationId } from '../../helpers/factories.js';
import type { HttpClient } from '../../helpers/http-client.js';

const CREATE = `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) {
  __typename ... on Error { code message } ... on InvalidInputError { field }
  ... on CreateOrganizationSuccess { organization { id name kind accountNumber region partner { name } hasActiveServicePlan } } } }`;
const UPDATE = `mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) {
  __typename ... on Error { code message } ... on InvalidInputError { field } ... on UpdateOrganizationSuccess { organization { name region partner { name } } } } }`;
const PLAN = `mutation($input: SetServicePlanInput!) { setServicePlan(input: $input) {
  __typename ... on Error { code message } ... on InvalidInputError { field }
  ... on SetServicePlanSuccess { organization { hasActiveServicePlan servicePlans { name startsOn endsOn isActive } } } } }`;

type Data = { [field: string]: Record<string, unknown> };

let app: TestApp;
let support: HttpClient;
let partner: string;

beforeAll(async () => {
  app = await startTestApp();
  support = await app.signedIn('support@northwind.example');
  partner = await organizationId(app.db, DEMO.partner);
});
afterAll(async () => {
  await app?.close();
});

describe('createOrganization', () => {
  it('creates a customer served by a partner, audited', async () => {
    const res = await support.graphql<Data>(CREATE, { input: { name: ' Adatum  Corp ', kind: 'CUSTOMER', accountNumber: '500001', region: 'EU', partnerId: partner } });
    expect(res.data?.createOrganization!.organization).toMatchObject({ name: 'Adatum Corp', kind: 'CUSTOMER', accountNumber: '500001', region: 'EU', partner: { name: DEMO.partner }, hasActiveServicePlan: false });
    const id = localIdOf((res.data!.createOrganization!.organization as { id: string }).id);
    expect(await app.db.auditEvent.findFirst({ where: { organizationId: id }, select: { action: true, actorRole: true } })).toEqual({ action: 'organization.create', actorRole: 'SUPPORT' });
  });

  it('refuses a taken account number, a partner that is not a partner, and a partner for a non-customer', async () => {
    const fabrikam = await organizationId(app.db, DEMO.fabrikam);
    const taken = await support.graphql<Data>(CREATE, { input: { name: 'Copy', kind: 'CUSTOMER', accountNumber: '100001' } });
    const notPartner = await support.graphql<Data>(CREATE, { input: { name: 'X', kind: 'CUSTOMER', partnerId: fabrikam } });
    const partnerOfPartner = await support.graphql<Data>(CREATE, { input: { name: 'Y', kind: 'PARTNER', partnerId: partner } });
    const garbage = await support.graphql<Data>(CREATE, { input: { name: 'Z', kind: 'CUSTOMER', partnerId: 'garbage' } });
    expect([taken, notPartner, partnerOfPartner, garbage].map((r) => r.data?.createOrganization!.field)).toEqual(['accountNumber', 'partnerId', 'partnerId', 'partnerId']);
    expect(await app.db.organization.count({ where: { name: { in: ['Copy', 'X', 'Y', 'Z'] } } })).toBe(0);
  });
});

describe('createOrganization with its first administrator', () => {
  const withAdmin = (accountNumber: string, firstAdministrator: Record<string, unknown>) =>
    support.graphql<Data>(CREATE, { input: { name: `Zephyr Works ${accountNumber}`, kind: 'CUSTOMER', accountNumber, firstAdministrator } });

  it('creates both in one step, audited, and queues the invitation', async () => {
    const res = await withAdmin('510001', { givenName: ' Fern ', familyName: 'Fabricator', email: ' Fern@Fabricators.example ' });
    const id = localIdOf((res.data!.createOrganization!.organization as { id: string }).id);
    const admin = await app.db.profile.findFirstOrThrow({ where: { organizationId: id }, select: { givenName: true, email: true, isAdministrator: true, status: true } });
    expect(admin).toEqual({ givenName: 'Fern', email: 'fern@fabricators.example', isAdministrator: true, status: 'ACTIVE' });
    expect(await app.db.invitation.count({ where: { profile: { organizationId: id } } })).toBe(1);
    const actions = await app.db.auditEvent.findMany({ where: { organizationId: id }, select: { action: true }, orderBy: { at: 'asc' } });
    expect(actions.map((a) => a.action).sort()).toEqual(['invitation.send', 'organization.create', 'profile.add'].sort());
  });

  it('writes nothing when the administrator is invalid, naming the field; sendInvitation false sends nothing', async () => {
    const badEmail = await withAdmin('510002', { givenName: 'Gil', familyName: 'Garcia', email: 'gil at example' });
    const noName = await withAdmin('510003', { givenName: '  ', familyName: 'Garcia', email: 'gil@example.com' });
    expect([badEmail, noName].map((r) => r.data?.createOrganization!.field)).toEqual(['firstAdministrator.email', 'firstAdministrator.givenName']);
    expect(await app.db.organization.count({ where: { accountNumber: { in: ['510002', '510003'] } } })).toBe(0);
    const quiet = await withAdmin('510004', { givenName: 'Gil', familyName: 'Garcia', email: 'gil@example.com', sendInvitation: false });
    const id = localIdOf((quiet.data!.createOrganization!.organization as { id: string }).id);
    expect(await app.db.profile.count({ where: { organizationId: id, isAdministrator: true } })).toBe(1);
    expect(await app.db.invitation.count({ where: { profile: { organizationId: id } } })).toBe(0);
  });
});

describe('updateOrganization', () => {
  it('changes only the fields given and records them before and after', async () => {
    const tailspin = await organizationId(app.db, DEMO.tailspin);
    const res = await support.graphql<Data>(UPDATE, { input: { organizationId: tailspin, region: 'APAC', partnerId: partner } });
    expect(res.data?.updateOrganization!.organization).toEqual({ name: DEMO.tailspin, region: 'APAC', partner: { name: DEMO.partner } });
    const event = await app.db.auditEvent.findFirstOrThrow({ where: { organizationId: localIdOf(tailspin), action: 'organization.update' } });
    expect(event.before).toEqual({ region: 'EU', partnerId: null });
    expect(event.after).toEqual({ region: 'APAC', partnerId: localIdOf(partner) });
    const cleared = await support.graphql<Data>(UPDATE, { input: { organizationId: tailspin, partnerId: null } });
    expect(cleared.data?.updateOrganization!.organization).toMatchObject({ partner: null, region: 'APAC' });
  });
});

describe('setServicePlan', () => {
  it('creates a plan, then changes its dates by name', async () => {
    const tailspin = await organizationId(app.db, DEMO.tailspin);
    const renewed = await support.graphql<Data>(PLAN, { input: { organizationId: tailspin, name: 'Support plan', startsOn: '2020-01-01', endsOn: '2999-12-31' } });
    expect(renewed.data?.setServicePlan!.organization).toMatchObject({ hasActiveServicePlan: true, servicePlans: [{ name: 'Support plan', endsOn: '2999-12-31', isActive: true }] });
    const events = await app.db.auditEvent.findMany({ where: { organizationId: localIdOf(tailspin), action: { startsWith: 'servicePlan.' } }, select: { action: true } });
    expect(events).toEqual([{ action: 'servicePlan.update' }]);
  });

  it('refuses a plan that ends before it starts, and plans for partners', async () => {
    const wideWorld = await organizationId(app.db, DEMO.wideWorld);
    const backwards = await support.graphql<Data>(PLAN, { input: { organizationId: wideWorld, name: 'P', startsOn: '2026-02-01', endsOn: '2026-01-31' } });
    const forPartner = await support.graphql<Data>(PLAN, { input: { organizationId: partner, name: 'P', startsOn: '2026-01-01', endsOn: '2026-12-31' } });
    expect([backwards.data?.setServicePlan!.field, forPartner.data?.setServicePlan!.field]).toEqual(['endsOn', 'organizationId']);
  });

  it('refuses a date that is not a calendar day', async () => {
    const wideWorld = await organizationId(app.db, DEMO.wideWorld);
    const res = await support.graphql(PLAN, { input: { organizationId: wideWorld, name: 'P', startsOn: '2026-02-30', endsOn: '2026-03-01' } });
    expect(res.errors?.[0]?.message).toMatch(/YYYY-MM-DD/);
  });
});

describe('organizations', () => {
  it('pages through what support sees, by name', async () => {
    const first = await support.graphql<{ organizations: { edges: { node: { name: string } }[]; pageInfo: { endCursor: string } } }>('{ organizations(first: 2) { edges { node { name } } pageInfo { endCursor } } }');
    const next = await support.graphql<{ organizations: { edges: { node: { name: string } }[] } }>('query($after: String) { organizations(first: 2, after: $after) { edges { node { name } } } }', {
      after: first.data!.organizations.pageInfo.endCursor,
    });
    expect([...first.data!.organizations.edges, ...next.data!.organizations.edges].map((e) => e.node.name)).toEqual(['Adatum Corp', DEMO.partner, DEMO.fabrikam, DEMO.vendor]);
  });

  it('finds organizations by part of the name, whatever the case', async () => {
    const res = await support.graphql<{ organizations: { edges: { node: { name: string } }[] } }>('{ organizations(search: "fabRIKAM") { edges { node { name } } } }');
    expect(res.data?.organizations.edges.map((e) => e.node.name)).toEqual([DEMO.fabrikam]);
  });
});
