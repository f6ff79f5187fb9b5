import { builder, ErrorInterface } from '../../graphql/builder.js';
import * as E from '../../errors.js';
import { idArg } from '../../graphql/ids.js';
import type { Db } from '../../db/client.js';
import type { Prisma } from '../../generated/sqlite/client.js';
import { AuditAction } from '../audit/schema.js';
import type { AuditAction as AuditActionName } from '../audit/service.js';
import { can } from '../policy.js';
import { resultOf } from '../../graphql/results.js';
import { CSV_COLUMNS } from './csv.js';
import { activePlan, activePlanWhere, isoDay } from './plans.js';
import * as organizations from './service.js';

export const OrganizationKind = builder.enumType('OrganizationKind', {
  description: 'What an organization is to the vendor.',
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
    name: t.exposeString('name', { description: 'The plan, e.g. "Support plan"; unique per organization.' }),
    startsOn: t.expose('startsOn', { type: 'Date', description: 'The first day of the plan.' }),
    endsOn: t.expose('endsOn', { type: 'Date', description: 'The last day of the plan (inclusive).' }),
    isActive: t.boolean({ description: 'Whether the plan covers today.', resolve: (plan, _args, ctx) => activePlan([plan], isoDay(ctx.services.now())) !== null }),
  }),
});

const ProfileOrder = builder.enumType('ProfileOrder', {
  description: 'How a list of profiles is sorted.',
  values: {
    NAME: { description: 'By family name, then given name.' },
    EMAIL: { description: 'By e-mail address.' },
    NEWEST: { description: 'The most recently added first.' },
  } as const,
});

type PeopleOrder = 'NAME' | 'EMAIL' | 'NEWEST';

/** Every order ends on the id, so a cursor page never repeats or skips a profile. */
function profileOrder(order: PeopleOrder) {
  if (order === 'EMAIL') return [{ email: 'asc' as const }, { id: 'asc' as const }];
  if (order === 'NEWEST') return [{ createdAt: 'desc' as const }, { id: 'desc' as const }];
  return [{ familyName: 'asc' as const }, { givenName: 'asc' as const }, { id: 'asc' as const }];
}

/**
 * Where a page after (or before) a cursor starts in the list's leading sort column. Prisma pages after a cursor with
 * `(familyName = a AND givenName = b AND id >= c) OR (familyName = a AND givenName > b) OR familyName > a`, which
 * PostgreSQL can only filter, not seek: the 400th page of a large organization read the 19,950 rows before it. The
 * bound this adds (`familyName >= a`) follows from that condition and is a range of the organization's index in
 * that order, so the scan starts at the page. Empty without a cursor, or when its profile is gone.
 */
/**
 * Which side of its cursor's value in the leading sort column a page lies on: a page forwards (positive take) goes
 * the list's way, a page backwards (`before`, negative take) the other way.
 */
function sideOf(take: number | undefined, descending: boolean): 'gte' | 'lte' {
  return (take ?? 1) > 0 !== descending ? 'gte' : 'lte';
}

async function seekFromCursor(db: Db, query: { cursor?: { id?: string }; take?: number }, order: PeopleOrder): Promise<Prisma.ProfileWhereInput> {
  const id = query.cursor?.id;
  if (!id) return {};
  const row = await db.profile.findUnique({ where: { id }, select: { familyName: true, email: true, createdAt: true } });
  if (!row) return {};
  const side = sideOf(query.take, order === 'NEWEST');
  if (order === 'EMAIL') return { email: { [side]: row.email } };
  if (order === 'NEWEST') return { createdAt: { [side]: row.createdAt } };
  return { familyName: { [side]: row.familyName } };
}

export const Organization = builder.prismaNode('Organization', {
  id: { field: 'id' },
  description: "A vendor's customer account, a partner, or the vendor itself.",
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The organization as people know it.' }),
    accountNumber: t.exposeString('accountNumber', { nullable: true, description: "The vendor's account number of a customer, if it has one." }),
    kind: t.expose('kind', { type: OrganizationKind, description: 'Customer, partner or vendor.' }),
    region: t.exposeString('region', { nullable: true, description: 'A free-form region, e.g. EU.' }),
    hasActiveServicePlan: t.boolean({
      description: 'Whether a service plan covers today. Always true for partners and the vendor, who need none.',
      // A count in the organization's own statement, not a second statement for its plans (viewer is a hot path).
      select: (_args, ctx) => {
        const today = isoDay(ctx.services.now());
        return { kind: true, _count: { select: { servicePlans: { where: activePlanWhere(today) } } } };
      },
      resolve: (org) => org.kind !== 'CUSTOMER' || org._count.servicePlans > 0,
    }),
    servicePlans: t.relation('servicePlans', { description: 'Every plan of a customer, latest first; empty for partners and the vendor.', query: { orderBy: { startsOn: 'desc' } } }),
    partner: t.relation('partner', { nullable: true, description: 'The partner that serves this customer, if any.' }),
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
          includeRemoved: t.arg.boolean({ defaultValue: false, description: 'Also list REMOVED profiles.' }),
          orderBy: t.arg({ type: ProfileOrder, defaultValue: 'NAME', description: 'The order of the list; by family name unless told.' }),
        },
        resolve: async (query, org, args, ctx) => {
          const order = args.orderBy ?? 'NAME';
          const seek = await seekFromCursor(ctx.db, query, order);
          return ctx.db.profile.findMany({ ...query, where: { AND: [peopleWhere(ctx, org.id, args), seek] }, orderBy: profileOrder(order) });
        },
        totalCount: (org, args, ctx) => ctx.db.profile.count({ where: peopleWhere(ctx, org.id, args) }),
        authScopes: async (org, _args, ctx) => can(await ctx.actor(), 'organization.manage', org),
      },
      { name: 'ProfileConnection', description: "A page of an organization's people." },
      { name: 'ProfileEdge', description: 'A profile in the list, with its cursor.' },
    ),
    auditEvents: t.prismaConnection(
      {
        type: 'AuditEvent',
        description: 'What changed in this organization, newest first. Only for those who manage it.',
        nullable: true,
        cursor: 'id',
        args: {
          action: t.arg({ type: AuditAction, description: 'Only events of this kind.' }),
          personId: t.arg.id({ description: 'Only events about this profile or done by it (who did what to whom).' }),
        },
        resolve: async (query, org, args, ctx) => {
          // As for people (seekFromCursor): the cursor's time bounds a later page, which then starts at its place in
          // the (organizationId, at) index instead of reading every event before it.
          const cursor = query.cursor?.id ? await ctx.db.auditEvent.findUnique({ where: { id: query.cursor.id }, select: { at: true } }) : null;
          const seek = cursor ? { at: { [sideOf(query.take, true)]: cursor.at } } : {};
          return ctx.db.auditEvent.findMany({ ...query, where: { AND: [auditWhere(org.id, args), seek] }, orderBy: [{ at: 'desc' }, { id: 'desc' }] });
        },
        totalCount: (org, args, ctx) => ctx.db.auditEvent.count({ where: auditWhere(org.id, args) }),
        authScopes: async (org, _args, ctx) => can(await ctx.actor(), 'organization.manage', org),
      },
      { name: 'AuditEventConnection', description: "A page of an organization's audit log." },
      { name: 'AuditEventEdge', description: 'An audit event in the list, with its cursor.' },
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the organization was created in Portico.' }),
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

/** An organization's audit log, narrowed to one kind of event and to one person (who did it, or to whom). */
function auditWhere(organizationId: string, args: { action?: AuditActionName | null; personId?: string | number | null }) {
  const personId = args.personId ? (idArg(args.personId, 'Profile') ?? 'none') : null;
  return {
    organizationId,
    ...(args.action ? { action: args.action } : {}),
    ...(personId ? { OR: [{ targetProfileId: personId }, { actorProfileId: personId }] } : {}),
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
    description: 'One organization you may see: your own, those you manage. Otherwise null with a FORBIDDEN `errors` entry, also for ids that do not exist.',
    args: { id: t.arg.id({ required: true, description: 'An Organization id.' }) },
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
      nullable: true,
      description:
        'The organizations you may see, by name; `search` matches part of the name or the account number. Null with an `errors` entry (UNAUTHENTICATED, FORBIDDEN) when refused.',
      args: {
        search: t.arg.string({ description: 'Part of the name, or of the account number.' }),
        withoutAdministrator: t.arg.boolean({ description: 'Only organizations with no active administrator (for vendor support: someone must be designated).' }),
      },
      totalCount: async (_root, args, ctx) =>
        ctx.db.organization.count({ where: organizations.organizationsFilter(ctx, await ctx.actor(), args.search, { withoutAdministrator: args.withoutAdministrator }) }),
      resolve: async (query, _root, args, ctx) => {
        const where = organizations.organizationsFilter(ctx, await ctx.actor(), args.search, { withoutAdministrator: args.withoutAdministrator });
        // As for people (seekFromCursor): the cursor's name bounds a later page, which then starts at its place in
        // the name index instead of reading every organization before it.
        const cursor = query.cursor?.id ? await ctx.db.organization.findUnique({ where: { id: query.cursor.id }, select: { name: true } }) : null;
        const seek = cursor ? { name: { [sideOf(query.take, false)]: cursor.name } } : {};
        return ctx.db.organization.findMany({ ...query, where: { AND: [where, seek] }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
      },
    },
    { name: 'OrganizationConnection', description: 'A page of the organizations you may see.' },
    { name: 'OrganizationEdge', description: 'An organization in the list, with its cursor.' },
  ),
}));

export const FirstAdministratorInput = builder.inputType('FirstAdministratorInput', {
  description: "A new organization's first administrator, created with it in one step.",
  fields: (t) => ({
    givenName: t.string({ required: true, description: 'First name.' }),
    familyName: t.string({ required: true, description: 'Last name.' }),
    email: t.string({ required: true, description: 'Where the invitation goes; stored trimmed and lower-cased.' }),
    sendInvitation: t.boolean({ defaultValue: true, description: 'E-mail the invitation now (the default).' }),
  }),
});

export const CreateOrganizationInput = builder.inputType('CreateOrganizationInput', {
  description: 'A new organization.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Its name.' }),
    kind: t.field({ type: OrganizationKind, required: true, description: 'Customer, partner or vendor.' }),
    accountNumber: t.string({ description: "The vendor's account number of a customer; unique." }),
    region: t.string({ description: 'A free-form region, e.g. EU.' }),
    partnerId: t.id({ description: 'The partner that serves this customer.' }),
    firstAdministrator: t.field({
      type: FirstAdministratorInput,
      description: 'Its first administrator, created in the same step: if either cannot be created, neither is.',
    }),
  }),
});

export const UpdateOrganizationInput = builder.inputType('UpdateOrganizationInput', {
  description: 'Fields left out stay as they are; null clears accountNumber, region or partnerId.',
  fields: (t) => ({
    organizationId: t.id({ required: true, description: 'The organization to change.' }),
    name: t.string({ description: 'New name.' }),
    accountNumber: t.string({ description: 'New account number; null clears it.' }),
    region: t.string({ description: 'New region; null clears it.' }),
    partnerId: t.id({ description: 'The partner that serves it (an Organization id of a PARTNER); null for none.' }),
  }),
});

export const SetServicePlanInput = builder.inputType('SetServicePlanInput', {
  description: 'Creates the plan of this name, or changes its dates.',
  fields: (t) => ({
    organizationId: t.id({ required: true, description: 'The customer organization.' }),
    name: t.string({ required: true, description: 'The plan; an existing plan of this name is re-dated.' }),
    startsOn: t.field({ type: 'Date', required: true, description: 'The first day of the plan.' }),
    endsOn: t.field({ type: 'Date', required: true, description: 'The last day of the plan (inclusive); not before startsOn.' }),
  }),
});

function organizationPayload(name: string, description: string) {
  return builder.objectRef<{ organizationId: string }>(name).implement({
    description,
    fields: (t) => ({
      organization: t.prismaField({
        type: Organization,
        description: 'The organization as it is after the change.',
        resolve: (query, parent, _args, ctx) => ctx.db.organization.findUniqueOrThrow({ ...query, where: { id: parent.organizationId } }),
      }),
    }),
  });
}

const CreateOrganizationSuccess = organizationPayload('CreateOrganizationSuccess', 'The new organization.');
const UpdateOrganizationSuccess = organizationPayload('UpdateOrganizationSuccess', 'The organization as it is now.');
const SetServicePlanSuccess = organizationPayload('SetServicePlanSuccess', 'The organization with its plans.');

export const ImportRowStatus = builder.enumType('ImportRowStatus', {
  description: 'What became of one line of an import.',
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
    status: t.expose('status', { type: ImportRowStatus, description: 'Created, unchanged, or failed.' }),
    organization: t.prismaField({
      type: Organization,
      nullable: true,
      description: 'The organization of this line; null when it failed.',
      resolve: (query, row, _args, ctx) => (row.organizationId ? ctx.db.organization.findUnique({ ...query, where: { id: row.organizationId } }) : null),
    }),
    error: t.field({ type: ErrorInterface, nullable: true, description: 'Why this line failed; null otherwise.', resolve: (row) => row.error }),
  }),
});

const ImportOrganizationsSuccess = builder.objectRef<{ results: organizations.ImportLineResult[] }>('ImportOrganizationsSuccess').implement({
  description: 'One result per data line, in file order.',
  fields: (t) => ({ results: t.field({ type: [ImportOrganizationsRowResult], description: 'One per data line, in file order.', resolve: (s) => s.results }) }),
});

builder.mutationFields((t) => ({
  createOrganization: t.field({
    type: CreateOrganizationSuccess,
    description: 'Vendor support: creates a customer, partner or vendor organization.',
    args: { input: t.arg({ type: CreateOrganizationInput, required: true, description: 'The new organization.' }) },
    errors: resultOf('createOrganization', [E.InvalidInputError]),
    resolve: async (_root, { input }, ctx) => {
      const partner = partnerArg(input.partnerId);
      return organizations.createOrganization(ctx, await ctx.actor(), { ...input, partnerId: partner.partnerId ?? null, invalidPartner: partner.invalidPartner });
    },
  }),
  updateOrganization: t.field({
    type: UpdateOrganizationSuccess,
    description: 'Vendor support: changes name, account number, region or partner.',
    args: { input: t.arg({ type: UpdateOrganizationInput, required: true, description: 'The organization and what changes.' }) },
    errors: resultOf('updateOrganization', [E.InvalidInputError]),
    resolve: async (_root, { input }, ctx) => organizations.updateOrganization(ctx, await ctx.actor(), { ...input, organizationId: idArg(input.organizationId, 'Organization'), ...partnerArg(input.partnerId) }),
  }),
  setServicePlan: t.field({
    type: SetServicePlanSuccess,
    description: "Vendor support: creates or re-dates a customer's service plan (by name).",
    args: { input: t.arg({ type: SetServicePlanInput, required: true, description: 'The organization and the plan.' }) },
    errors: resultOf('setServicePlan', [E.InvalidInputError]),
    resolve: async (_root, { input }, ctx) => organizations.setServicePlan(ctx, await ctx.actor(), { ...input, organizationId: idArg(input.organizationId, 'Organization') }),
  }),
  importOrganizations: t.field({
    type: ImportOrganizationsSuccess,
    description: `Vendor support: imports customers from CSV with the columns ${CSV_COLUMNS.join(',')} (header line required). Importing the same file again changes nothing.`,
    args: { csv: t.arg.string({ required: true, description: 'The file, as text (UTF-8), header line first; at most 2,000,000 characters.' }), sendInvitations: t.arg.boolean({ defaultValue: false, description: 'E-mail each new administrator their invitation.' }) },
    errors: resultOf('importOrganizations', [E.InvalidInputError]),
    resolve: async (_root, args, ctx) => ({ results: await organizations.importOrganizations(ctx, await ctx.actor(), { csv: args.csv, sendInvitations: args.sendInvitations ?? false }) }),
  }),
}));
