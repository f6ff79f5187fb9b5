import { builder, ErrorInterface } from '../../graphql/builder.js';
import * as E from '../../errors.js';
import { idArg } from '../../graphql/ids.js';
import { can } from '../policy.js';
import { resultOf } from '../../graphql/results.js';
import { CSV_COLUMNS } from './csv.js';
import { activePlan, activePlanWhere, isoDay } from './plans.js';
import * as organizations from './service.js';

export const OrganizationKind = builder.enumType('OrganizationKind', {
  values: {
    CUSTOMER: { description: "A vendor's customer: access needs an active service plan." },
    PARTNER: { description: 'A reseller that serves customers.' },
    VENDOR: { description: 'The vendor itself; its people are vendor support.' },
  } as const,
});

export const ServicePlan = builder.prismaNode('ServicePlan', {
  id: { field: 'id' },
  description: 'A dated entitlement of a customer organization.',
  fields: (t) => ({
    name: t.exposeString('name'),
    startsOn: t.expose('startsOn', { type: 'Date' }),
    endsOn: t.expose('endsOn', { type: 'Date', description: 'The last day of the plan (inclusive).' }),
    isActive: t.boolean({ resolve: (plan, _args, ctx) => activePlan([plan], isoDay(ctx.services.now())) !== null }),
  }),
});

export const Organization = builder.prismaNode('Organization', {
  id: { field: 'id' },
  description: "A vendor's customer account, a partner, or the vendor itself.",
  fields: (t) => ({
    name: t.exposeString('name'),
    accountNumber: t.exposeString('accountNumber', { nullable: true }),
    kind: t.expose('kind', { type: OrganizationKind }),
    region: t.exposeString('region', { nullable: true }),
    hasActiveServicePlan: t.boolean({
      description: 'Whether a service plan covers today. Always true for partners and the vendor, who need none.',
      // A count in the organization's own statement, not a second statement for its plans (viewer is a hot path).
      select: (_args, ctx) => {
        const today = isoDay(ctx.services.now());
        return { kind: true, _count: { select: { servicePlans: { where: activePlanWhere(today) } } } };
      },
      resolve: (org) => org.kind !== 'CUSTOMER' || org._count.servicePlans > 0,
    }),
    servicePlans: t.relation('servicePlans', { query: { orderBy: { startsOn: 'desc' } } }),
    partner: t.relation('partner', { nullable: true }),
    administrators: t.relation('profiles', {
      description: 'The active administrators: whom to ask for access. For whoever sees the organization.',
      nullable: true,
      query: { where: { status: 'ACTIVE', isAdministrator: true }, orderBy: [{ familyName: 'asc' }, { givenName: 'asc' }, { id: 'asc' }] },
      authScopes: async (org, _args, ctx) => can(await ctx.actor(), 'organization.see', org),
    }),
    // Both lists are connections of their own statement (LIMIT in SQL), not relations loaded with the organization:
    // without relation joins Prisma reads every child of the parent and pages in memory, which a large
    // organization's people or audit log cannot afford (test/scale/explain-postgres.test.ts).
    profiles: t.prismaConnection(
      {
        type: 'Profile',
        description: "The organization's people, by family name. Only for those who manage the organization.",
        nullable: true,
        cursor: 'id',
        args: {
          search: t.arg.string({ description: 'Part of a name or e-mail.' }),
          includeRemoved: t.arg.boolean({ defaultValue: false }),
        },
        resolve: (query, org, args, ctx) =>
          ctx.db.profile.findMany({ ...query, where: peopleWhere(ctx, org.id, args), orderBy: [{ familyName: 'asc' }, { givenName: 'asc' }, { id: 'asc' }] }),
        totalCount: (org, args, ctx) => ctx.db.profile.count({ where: peopleWhere(ctx, org.id, args) }),
        authScopes: async (org, _args, ctx) => can(await ctx.actor(), 'organization.manage', org),
      },
      { name: 'ProfileConnection' },
      { name: 'ProfileEdge' },
    ),
    auditEvents: t.prismaConnection(
      {
        type: 'AuditEvent',
        description: 'What changed in this organization, newest first. Only for those who manage it.',
        nullable: true,
        cursor: 'id',
        resolve: (query, org, _args, ctx) => ctx.db.auditEvent.findMany({ ...query, where: { organizationId: org.id }, orderBy: [{ at: 'desc' }, { id: 'desc' }] }),
        totalCount: (org, _args, ctx) => ctx.db.auditEvent.count({ where: { organizationId: org.id } }),
        authScopes: async (org, _args, ctx) => can(await ctx.actor(), 'organization.manage', org),
      },
      { name: 'AuditEventConnection' },
      { name: 'AuditEventEdge' },
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});


/** The filter of an organization's people list. */
function peopleWhere(deps: Parameters<typeof organizations.containsText>[0], organizationId: string, args: { search?: string | null; includeRemoved?: boolean | null }) {
  const text = args.search?.trim();
  return {
    organizationId,
    ...(args.includeRemoved ? {} : { status: 'ACTIVE' as const }),
    ...(text
      ? { OR: [{ givenName: organizations.containsText(deps, text) }, { familyName: organizations.containsText(deps, text) }, { email: organizations.containsText(deps, text.toLowerCase()) }] }
      : {}),
  };
}

/** An optional partner id: undefined (leave as is), null (none), or a database id; `invalid` when malformed. */
function partnerArg(value: string | number | null | undefined): { partnerId: string | null | undefined; invalidPartner: boolean } {
  if (value === undefined) return { partnerId: undefined, invalidPartner: false };
  if (value === null) return { partnerId: null, invalidPartner: false };
  const partnerId = idArg(value, 'Organization');
  return { partnerId, invalidPartner: partnerId === null };
}

builder.queryFields((t) => ({
  organization: t.prismaField({
    type: Organization,
    nullable: true,
    description: 'One organization you may see: your own, those you manage. FORBIDDEN otherwise, also for ids that do not exist.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const where = organizations.visibleOrganizationWhere(await ctx.actor(), idArg(args.id, 'Organization'));
      const found = await ctx.db.organization.findFirst({ ...query, where });
      if (!found) throw new E.ForbiddenError();
      return found;
    },
  }),
  organizations: t.prismaConnection(
    {
      type: Organization,
      cursor: 'id',
      nullable: false,
      description: 'The organizations you may see, by name; `search` matches part of the name or the account number.',
      args: { search: t.arg.string() },
      resolve: async (query, _root, args, ctx) => {
        const where = organizations.organizationsFilter(ctx, await ctx.actor(), args.search);
        return ctx.db.organization.findMany({ ...query, where, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
      },
    },
    { name: 'OrganizationConnection' },
    { name: 'OrganizationEdge' },
  ),
}));

export const CreateOrganizationInput = builder.inputType('CreateOrganizationInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: OrganizationKind, required: true }),
    accountNumber: t.string(),
    region: t.string(),
    partnerId: t.id({ description: 'The partner that serves this customer.' }),
  }),
});

export const UpdateOrganizationInput = builder.inputType('UpdateOrganizationInput', {
  description: 'Fields left out stay as they are; null clears accountNumber, region or partnerId.',
  fields: (t) => ({
    organizationId: t.id({ required: true }),
    name: t.string(),
    accountNumber: t.string(),
    region: t.string(),
    partnerId: t.id(),
  }),
});

export const SetServicePlanInput = builder.inputType('SetServicePlanInput', {
  description: 'Creates the plan of this name, or changes its dates.',
  fields: (t) => ({
    organizationId: t.id({ required: true }),
    name: t.string({ required: true }),
    startsOn: t.field({ type: 'Date', required: true }),
    endsOn: t.field({ type: 'Date', required: true, description: 'The last day of the plan (inclusive); not before startsOn.' }),
  }),
});

function organizationPayload(name: string, description: string) {
  return builder.objectRef<{ organizationId: string }>(name).implement({
    description,
    fields: (t) => ({
      organization: t.prismaField({
        type: Organization,
        resolve: (query, parent, _args, ctx) => ctx.db.organization.findUniqueOrThrow({ ...query, where: { id: parent.organizationId } }),
      }),
    }),
  });
}

const CreateOrganizationSuccess = organizationPayload('CreateOrganizationSuccess', 'The new organization.');
const UpdateOrganizationSuccess = organizationPayload('UpdateOrganizationSuccess', 'The organization as it is now.');
const SetServicePlanSuccess = organizationPayload('SetServicePlanSuccess', 'The organization with its plans.');

export const ImportRowStatus = builder.enumType('ImportRowStatus', {
  values: {
    CREATED: { description: 'The organization (with its plan and administrator) was created.' },
    UNCHANGED: { description: 'An organization with this account number and the same data exists: nothing was done.' },
    FAILED: { description: 'Nothing was done for this line; see error.' },
  } as const,
});

export const ImportOrganizationsRowResult = builder.objectRef<organizations.ImportLineResult>('ImportOrganizationsRowResult').implement({
  description: 'What became of one line of the file.',
  fields: (t) => ({
    line: t.exposeInt('line', { description: 'The line number in the file; the header is line 1.' }),
    status: t.expose('status', { type: ImportRowStatus }),
    organization: t.prismaField({
      type: Organization,
      nullable: true,
      resolve: (query, row, _args, ctx) => (row.organizationId ? ctx.db.organization.findUnique({ ...query, where: { id: row.organizationId } }) : null),
    }),
    error: t.field({ type: ErrorInterface, nullable: true, resolve: (row) => row.error }),
  }),
});

const ImportOrganizationsSuccess = builder.objectRef<{ results: organizations.ImportLineResult[] }>('ImportOrganizationsSuccess').implement({
  description: 'One result per data line, in file order.',
  fields: (t) => ({ results: t.field({ type: [ImportOrganizationsRowResult], resolve: (s) => s.results }) }),
});

builder.mutationFields((t) => ({
  createOrganization: t.field({
    type: CreateOrganizationSuccess,
    description: 'Vendor support: creates a customer, partner or vendor organization.',
    args: { input: t.arg({ type: CreateOrganizationInput, required: true }) },
    errors: resultOf('createOrganization', [E.InvalidInputError]),
    resolve: async (_root, { input }, ctx) => {
      const partner = partnerArg(input.partnerId);
      return organizations.createOrganization(ctx, await ctx.actor(), { ...input, partnerId: partner.partnerId ?? null, invalidPartner: partner.invalidPartner });
    },
  }),
  updateOrganization: t.field({
    type: UpdateOrganizationSuccess,
    description: 'Vendor support: changes name, account number, region or partner.',
    args: { input: t.arg({ type: UpdateOrganizationInput, required: true }) },
    errors: resultOf('updateOrganization', [E.InvalidInputError]),
    resolve: async (_root, { input }, ctx) => organizations.updateOrganization(ctx, await ctx.actor(), { ...input, organizationId: idArg(input.organizationId, 'Organization'), ...partnerArg(input.partnerId) }),
  }),
  setServicePlan: t.field({
    type: SetServicePlanSuccess,
    description: "Vendor support: creates or re-dates a customer's service plan (by name).",
    args: { input: t.arg({ type: SetServicePlanInput, required: true }) },
    errors: resultOf('setServicePlan', [E.InvalidInputError]),
    resolve: async (_root, { input }, ctx) => organizations.setServicePlan(ctx, await ctx.actor(), { ...input, organizationId: idArg(input.organizationId, 'Organization') }),
  }),
  importOrganizations: t.field({
    type: ImportOrganizationsSuccess,
    description: `Vendor support: imports customers from CSV with the columns ${CSV_COLUMNS.join(',')} (header line required). Importing the same file again changes nothing.`,
    args: { csv: t.arg.string({ required: true }), sendInvitations: t.arg.boolean({ defaultValue: false, description: 'E-mail each new administrator their invitation.' }) },
    errors: resultOf('importOrganizations', [E.InvalidInputError]),
    resolve: async (_root, args, ctx) => ({ results: await organizations.importOrganizations(ctx, await ctx.actor(), { csv: args.csv, sendInvitations: args.sendInvitations ?? false }) }),
  }),
}));
