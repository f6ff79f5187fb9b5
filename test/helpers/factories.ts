// Small builders of test data and look-ups into the demo data (server/dev/seed.ts), in the API's terms: Relay ids.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import type { Db } from '../../server/db/client.js';
import type { GraphqlResult } from './http-client.js';

export const DEMO = {
  vendor: 'Northwind Software',
  partner: 'Blue Yonder Consulting',
  fabrikam: 'Fabrikam Ltd',
  wideWorld: 'Wide World Importers',
  tailspin: 'Tailspin Toys',
} as const;

export function globalId(typename: string, id: string): string {
  return encodeGlobalID(typename, id);
}

/** The Relay id of a demo organization, by name. */
export async function organizationId(db: Db, name: string): Promise<string> {
  const org = await db.organization.findFirstOrThrow({ where: { name }, select: { id: true } });
  return globalId('Organization', org.id);
}

/** The Relay id of the ACTIVE profile with this e-mail in the named organization. */
export async function profileId(db: Db, organizationName: string, email: string): Promise<string> {
  const profile = await db.profile.findFirstOrThrow({ where: { email, organization: { name: organizationName }, status: 'ACTIVE' }, select: { id: true } });
  return globalId('Profile', profile.id);
}

export function localIdOf(relayId: string): string {
  return Buffer.from(relayId, 'base64').toString('utf8').split(':').slice(1).join(':');
}

let counter = 0;
/** A professional with a unique address. */
export function professional(overrides: Partial<{ givenName: string; familyName: string; email: string; isAdministrator: boolean }> = {}) {
  counter += 1;
  return { givenName: 'Pro', familyName: `Fessional ${counter}`, email: `pro${counter}.${Date.now().toString(36)}@example.org`, ...overrides };
}

/** A customer organization with an active plan and the given people, written straight to the database. */
export async function createCustomer(
  db: Db,
  options: { name?: string; people?: { email: string; isAdministrator?: boolean; status?: 'ACTIVE' | 'REMOVED' }[]; partnerId?: string | null } = {},
): Promise<{ id: string; relayId: string; profiles: Record<string, string> }> {
  counter += 1;
  const org = await db.organization.create({
    data: {
      name: options.name ?? `Customer ${counter}`,
      kind: 'CUSTOMER',
      partnerId: options.partnerId ?? null,
      servicePlans: { create: { name: 'Support plan', startsOn: '2000-01-01', endsOn: '2999-12-31' } },
    },
  });
  const profiles: Record<string, string> = {};
  for (const person of options.people ?? []) {
    const status = person.status ?? 'ACTIVE';
    const created = await db.profile.create({
      data: {
        organizationId: org.id,
        givenName: person.email.split('@')[0]!,
        familyName: 'Test',
        email: person.email,
        activeEmail: status === 'ACTIVE' ? person.email : null,
        status,
        isAdministrator: person.isAdministrator ?? false,
      },
    });
    profiles[person.email] = globalId('Profile', created.id);
  }
  return { id: org.id, relayId: globalId('Organization', org.id), profiles };
}

/** The GraphQL error code of the first error, or 'OK' when there is none. */
export function outcome(result: GraphqlResult): string {
  const code = result.errors?.[0]?.extensions?.code;
  return result.errors?.length ? String(code ?? 'ERROR') : 'OK';
}

/** The code of a refusal answered in a mutation's result union, by its __typename; null for any other type. */
export function refusalCode(typename: unknown): string | null {
  return typename === 'ForbiddenError' ? 'FORBIDDEN' : typename === 'UnauthenticatedError' ? 'UNAUTHENTICATED' : typename === 'ServicePlanInactiveError' ? 'SERVICE_PLAN_INACTIVE' : null;
}

/** The `__typename` of a mutation's result union. */
export function typename(result: GraphqlResult, field: string): string | undefined {
  return (result.data?.[field] as { __typename?: string } | null | undefined)?.__typename;
}

export function expectNoErrors(result: GraphqlResult): void {
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
}
