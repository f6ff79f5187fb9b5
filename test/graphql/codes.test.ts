// Codes are enums client apps can switch on exhaustively: every code the server can emit is a value of its enum,
// and every value has a description.
import { GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as errors from '../../server/errors.js';
import { buildSchema } from '../../server/graphql/schema.js';
import { AUDIT_ACTIONS } from '../../server/modules/audit/service.js';
import { ACCESS_FINDING_CODES } from '../../server/modules/diagnosis/service.js';

const enumOf = (name: string) => {
  const type = buildSchema().getType(name);
  expect(type, name).toBeInstanceOf(GraphQLEnumType);
  return type as GraphQLEnumType;
};

describe('codes as enums', () => {
  it('ErrorCode has every code a DomainError carries, each described', () => {
    const classes = Object.values(errors).filter((value): value is new (...args: unknown[]) => errors.DomainError => typeof value === 'function' && value.prototype instanceof errors.DomainError);
    expect(classes.length).toBeGreaterThan(12);
    const emitted = new Set(classes.map((Class) => new Class(new Date(), new Date()).code));
    const values = enumOf('ErrorCode').getValues();
    expect([...emitted].filter((code) => !values.some((v) => v.name === code))).toEqual([]);
    expect(values.map((v) => v.name).sort()).toEqual(Object.keys(errors.ERROR_CODES).sort());
    expect(values.filter((v) => !v.description)).toEqual([]);
  });

  it('AccessFindingCode, AuditAction and ActorRole are the lists the server writes from', () => {
    expect(enumOf('AccessFindingCode').getValues().map((v) => v.name).sort()).toEqual(Object.keys(ACCESS_FINDING_CODES).sort());
    expect(enumOf('AuditAction').getValues().map((v) => v.value).sort()).toEqual(Object.values(AUDIT_ACTIONS).map((a) => a.value).sort());
    expect(enumOf('ActorRole').getValues().map((v) => v.name).sort()).toEqual(['ADMIN', 'PARTNER', 'SELF', 'SUPPORT', 'SYSTEM']);
    for (const name of ['AccessFindingCode', 'AuditAction', 'ActorRole']) expect(enumOf(name).getValues().filter((v) => !v.description), name).toEqual([]);
  });
});
