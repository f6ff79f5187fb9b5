// importOrganizations (flow 7): customers with their plan and first administrator from CSV, one result per line,
// bad lines named by line number, and a second import of the same file changing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import type { HttpClient } from '../../helpers/http-client.js';

const IMPORT = `mutation($csv: String!, $send: Boolean) { importOrganizations(csv: $csv, sendInvitations: $send) {
  __typename ... on Error { code message } ... on InvalidInputError { field }
  ... on ImportOrganizationsSuccess { results { line status error { code message ... on InvalidInputError { field } }
    organization { name accountNumber region hasActiveServicePlan servicePlans { name startsOn endsOn } administrators { email givenName } } } } } }`;

interface Line { line: number; status: string; error: { code: string; message: string; field: string } | null; organization: { name: string; administrators: { email: string }[] } | null }
type ImportResult = { importOrganizations: { __typename: string; code?: string; message?: string; results: Line[] } };

const HEADER = 'name,account_number,region,plan_name,plan_starts_on,plan_ends_on,admin_given_name,admin_family_name,admin_email';
const GOOD = `${HEADER}
Contoso Pharmaceuticals,200001,EU,Support plan,2020-01-01,2999-12-31,Chris,Contoso,Chris@Contoso.example
"Litware, Inc.",200002,US,,,,,,
`;

let app: TestApp;
let support: HttpClient;

beforeAll(async () => {
  app = await startTestApp();
  support = await app.signedIn('support@northwind.example');
});
afterAll(async () => {
  await app?.close();
});

describe('importOrganizations', () => {
  it('creates each organization with its plan and first administrator, one result per line', async () => {
    const res = await support.graphql<ImportResult>(IMPORT, { csv: GOOD });
    expect(res.errors).toBeUndefined();
    const [contoso, litware] = res.data!.importOrganizations.results;
    expect(contoso).toMatchObject({
      line: 2,
      status: 'CREATED',
      error: null,
      organization: {
        name: 'Contoso Pharmaceuticals',
        accountNumber: '200001',
        region: 'EU',
        hasActiveServicePlan: true,
        servicePlans: [{ name: 'Support plan', startsOn: '2020-01-01', endsOn: '2999-12-31' }],
        administrators: [{ email: 'chris@contoso.example', givenName: 'Chris' }],
      },
    });
    expect(litware).toMatchObject({ line: 3, status: 'CREATED', organization: { name: 'Litware, Inc.', administrators: [] } });
    const contosoId = (await app.db.organization.findUniqueOrThrow({ where: { accountNumber: '200001' } })).id;
    const actions = await app.db.auditEvent.findMany({ where: { organizationId: contosoId }, select: { action: true, actorRole: true } });
    expect(actions.map((a) => a.action).sort()).toEqual(['organization.create', 'profile.add', 'servicePlan.create']);
    expect(new Set(actions.map((a) => a.actorRole))).toEqual(new Set(['SUPPORT']));
    expect(await app.db.invitation.count({ where: { profile: { organizationId: contosoId } } })).toBe(0);
  });

  it('changes nothing and writes no audit event when the same file is imported again', async () => {
    const counts = async () => [await app.db.organization.count(), await app.db.servicePlan.count(), await app.db.profile.count(), await app.db.auditEvent.count()];
    const before = await counts();
    const res = await support.graphql<ImportResult>(IMPORT, { csv: GOOD });
    expect(res.data!.importOrganizations.results.map((r) => [r.line, r.status])).toEqual([
      [2, 'UNCHANGED'],
      [3, 'UNCHANGED'],
    ]);
    expect(await counts()).toEqual(before);
  });

  it('reports bad lines with their line number and field, and still imports the good ones', async () => {
    const csv = [
      HEADER,
      'Good One,300001,EU,Plan,2020-01-01,2999-12-31,Gina,Good,gina@good.example',
      ',300002,,,,,,,',
      'No Number,,,,,,,,',
      'Bad Date,300004,,Plan,2020-13-01,2999-12-31,,,',
      'Backwards,300005,,Plan,2021-01-01,2020-12-31,,,',
      'Bad Mail,300006,,,,,Bo,Bad,bo@@bad',
      'Half Admin,300007,,,,,Hal,,',
      'Short Line,300008',
      '',
      'Good One Twin,300001,,,,,,,',
      'Good Two,300010,,,,,,,',
    ].join('\n');
    const res = await support.graphql<ImportResult>(IMPORT, { csv });
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const lines = res.data!.importOrganizations.results.map((r) => [r.line, r.status, r.error?.field ?? null]);
    expect(lines).toEqual([
      [2, 'CREATED', null],
      [3, 'FAILED', 'name'],
      [4, 'FAILED', 'account_number'],
      [5, 'FAILED', 'plan_starts_on'],
      [6, 'FAILED', 'plan_ends_on'],
      [7, 'FAILED', 'admin_email'],
      [8, 'FAILED', 'admin_email'],
      [9, 'FAILED', 'csv'],
      [11, 'FAILED', 'account_number'],
      [12, 'CREATED', null],
    ]);
    expect(res.data!.importOrganizations.results[8]!.error!.message).toMatch(/Line 2 already has the account number 300001/);
    expect(await app.db.organization.count({ where: { accountNumber: { in: ['300002', '300004', '300005', '300006', '300007', '300008'] } } })).toBe(0);
  });

  it('refuses a line whose account number exists with different data, naming the differences', async () => {
    const csv = `${HEADER}\nContoso Pharma Renamed,200001,EU,Support plan,2020-01-01,2030-12-31,,,\n`;
    const res = await support.graphql<ImportResult>(IMPORT, { csv });
    const [line] = res.data!.importOrganizations.results;
    expect(line).toMatchObject({ line: 2, status: 'FAILED', error: { code: 'INVALID_INPUT', field: 'account_number' } });
    expect(line!.error!.message).toMatch(/its name is "Contoso Pharmaceuticals".*runs from 2020-01-01 to 2999-12-31/);
    expect((await app.db.organization.findUniqueOrThrow({ where: { accountNumber: '200001' } })).name).toBe('Contoso Pharmaceuticals');
  });

  it('refuses a file without the header line', async () => {
    const res = await support.graphql<ImportResult>(IMPORT, { csv: 'Contoso,200001,EU\n' });
    expect(res.data!.importOrganizations).toMatchObject({ __typename: 'InvalidInputError', code: 'INVALID_INPUT' });
    expect(res.data!.importOrganizations.message).toMatch(/Unknown: contoso, 200001, eu/);
  });

  it('refuses a file that is not CSV', async () => {
    const res = await support.graphql<ImportResult>(IMPORT, { csv: `${HEADER}\n"unclosed,1` });
    expect(res.data!.importOrganizations).toMatchObject({ __typename: 'InvalidInputError' });
  });

  it('sends the new administrators their invitation when asked', async () => {
    const csv = `${HEADER}\nFourth Coffee,400001,,,,,Fay,Fourth,fay@fourthcoffee.example\n`;
    await support.graphql<ImportResult>(IMPORT, { csv, send: true });
    expect(await app.db.outboxEmail.count({ where: { to: 'fay@fourthcoffee.example' } })).toBe(1);
  });
});
