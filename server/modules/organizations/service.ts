// Organizations and their service plans: who sees which (R10), the support-only changes, and the lock and the
// last-administrator check that every write to an organization's people goes through (R3).
import type { Tx } from '../../db/client.js';
import type { Prisma } from '../../generated/sqlite/client.js';
import { providerOf } from '../../db/url.js';
import { DomainError, ForbiddenError, InvalidInputError, LastAdministratorError } from '../../errors.js';
import { actorName, auditActorOf, writeAudit, type AuditActor } from '../audit/service.js';
import type { Deps } from '../deps.js';
import { normalizeEmail, normalizeName } from '../input.js';
import { issueInvitation } from '../invitations/service.js';
import { requireActing, requireAllowed, scope, type Actor, type OrganizationKind } from '../policy.js';
import { parseOrganizationsCsv, type ImportRow } from './csv.js';

export type { OrganizationKind };

/** `contains`, case-insensitive on both databases (SQLite's LIKE already is for ASCII; PostgreSQL needs the mode). */
export function containsText(deps: Pick<Deps, 'config'>, text: string): { contains: string } {
  return providerOf(deps.config.databaseUrl) === 'postgresql' ? ({ contains: text, mode: 'insensitive' } as { contains: string }) : { contains: text };
}

/** The filter of `organizations(search:)`: what the actor may see, by name or account number. */
export function organizationsFilter(
  deps: Pick<Deps, 'config'>,
  actor: Actor | null,
  search: string | null | undefined,
  options: { withoutAdministrator?: boolean | null } = {},
) {
  const visible = scope(requireActing(actor), 'organization.see')!;
  const text = search?.trim();
  const filters: Prisma.OrganizationWhereInput[] = [visible];
  if (text) filters.push({ OR: [{ name: containsText(deps, text) }, { accountNumber: containsText(deps, text) }] });
  // The support case "their administrator left": no ACTIVE administrator, whether or not people remain.
  if (options.withoutAdministrator) filters.push({ profiles: { none: { status: 'ACTIVE', isAdministrator: true } } });
  return filters.length === 1 ? visible : { AND: filters };
}

/** The `where` of `organization(id)`; FORBIDDEN for ids the actor may not see and for ids that do not exist alike. */
export function visibleOrganizationWhere(actor: Actor | null, id: string | null) {
  const visible = scope(requireActing(actor), 'organization.see')!;
  if (!id) throw new ForbiddenError();
  return { AND: [{ id }, visible] };
}

/**
 * Serialises the writes to one organization's people: the last-administrator check (R3), the first-administrator
 * rule (R2) and the duplicate e-mail check (R4) count rows, and two transactions counting at once could both pass.
 * A write to the organization row takes PostgreSQL's row lock and SQLite's database write lock before anything is
 * counted; the rival transaction waits here until this one ends, then counts what it committed.
 */
export async function lockOrganization(tx: Tx, organizationId: string): Promise<{ id: string; name: string; kind: OrganizationKind; partnerId: string | null } | null> {
  const locked = await tx.$executeRaw`UPDATE "Organization" SET "name" = "name" WHERE "id" = ${organizationId}`;
  if (locked !== 1) return null;
  return tx.organization.findUnique({ where: { id: organizationId }, select: { id: true, name: true, kind: true, partnerId: true } });
}

/** How many ACTIVE administrators an organization has; taken under its lock, before a change, for R3. */
export function administratorCount(tx: Tx, organizationId: string): Promise<number> {
  return tx.profile.count({ where: { organizationId, status: 'ACTIVE', isAdministrator: true } });
}

/**
 * R3, run after the change inside its transaction (and after lockOrganization): throwing rolls the change back.
 * Only a change that lowered the count to none fails, and only while ACTIVE people remain; a change to an
 * organization that already had no administrator (a rename, say) is not this change's doing.
 */
export async function assertAdministered(tx: Tx, organization: { id: string; name: string }, administratorsBefore: number): Promise<void> {
  const admins = await administratorCount(tx, organization.id);
  if (admins > 0 || admins >= administratorsBefore) return;
  const active = await tx.profile.count({ where: { organizationId: organization.id, status: 'ACTIVE' } });
  if (active > 0) throw new LastAdministratorError(organization.name);
}

export interface OrganizationFields {
  name: string;
  kind: OrganizationKind;
  accountNumber: string | null;
  region: string | null;
  partnerId: string | null;
}

/** Account numbers are the vendor's own: digits, letters and dashes, at most 32. */
export function normalizeAccountNumber(raw: string | null | undefined, field = 'accountNumber'): string | null | InvalidInputError {
  const value = raw?.trim() ?? '';
  if (value === '') return null;
  if (!/^[A-Za-z0-9-]{1,32}$/.test(value)) return new InvalidInputError(field, 'An account number has at most 32 letters, digits or dashes.');
  return value;
}

export function normalizeRegion(raw: string | null | undefined, field = 'region'): string | null | InvalidInputError {
  const value = raw?.trim() ?? '';
  if (value === '') return null;
  const name = normalizeName(value, field);
  if (name instanceof InvalidInputError) return name;
  if (name.length > 50) return new InvalidInputError(field, 'A region can be at most 50 characters long.');
  return name;
}

async function checkPartner(tx: Tx, partnerId: string | null, kind: OrganizationKind): Promise<InvalidInputError | null> {
  if (!partnerId) return null;
  if (kind !== 'CUSTOMER') return new InvalidInputError('partnerId', 'Only a customer organization can be served by a partner.');
  const partner = await tx.organization.findUnique({ where: { id: partnerId }, select: { kind: true } });
  if (partner?.kind !== 'PARTNER') return new InvalidInputError('partnerId', 'partnerId must be the id of a partner organization.');
  return null;
}

async function accountNumberTaken(tx: Tx, accountNumber: string | null, exceptId?: string): Promise<InvalidInputError | null> {
  if (!accountNumber) return null;
  const other = await tx.organization.findUnique({ where: { accountNumber }, select: { id: true } });
  return other && other.id !== exceptId ? new InvalidInputError('accountNumber', `Another organization already has the account number ${accountNumber}.`) : null;
}

function fail(error: InvalidInputError | null | undefined): void {
  if (error) throw error;
}

/** Vendor support only: the changes no organization may make to itself. */
function requireSupport(actor: Actor | null) {
  return requireAllowed(actor, 'organization.administer', { id: '', partnerId: null, kind: 'VENDOR' });
}

/** Support only. `partnerId` is a database id (the resolver decodes it; a malformed one arrives as `invalidPartner`). */
export async function createOrganization(
  deps: Deps,
  actorOrNull: Actor | null,
  input: {
    name: string;
    kind: OrganizationKind;
    accountNumber?: string | null;
    region?: string | null;
    partnerId: string | null;
    invalidPartner?: boolean;
    firstAdministrator?: { givenName: string; familyName: string; email: string; sendInvitation?: boolean | null } | null;
  },
): Promise<{ organizationId: string }> {
  const actor = requireSupport(actorOrNull);
  const name = normalizeName(input.name, 'name');
  const accountNumber = normalizeAccountNumber(input.accountNumber);
  const region = normalizeRegion(input.region);
  for (const value of [name, accountNumber, region]) if (value instanceof InvalidInputError) throw value;
  const first = input.firstAdministrator ? normalizeFirstAdministrator(input.firstAdministrator) : null;
  if (input.invalidPartner) throw new InvalidInputError('partnerId', 'partnerId must be the id of a partner organization.');
  const fields = { name: name as string, kind: input.kind, accountNumber: accountNumber as string | null, region: region as string | null, partnerId: input.partnerId };
  return deps.db.$transaction(async (tx) => {
    fail(await accountNumberTaken(tx, fields.accountNumber));
    fail(await checkPartner(tx, fields.partnerId, fields.kind));
    const created = await tx.organization.create({ data: fields, select: { id: true } });
    const audit = auditActorOf(actor);
    await writeAudit(tx, audit, {
      action: 'organization.create',
      organizationId: created.id,
      targetType: 'Organization',
      targetId: created.id,
      summary: `${actorName(audit)} created the ${fields.kind.toLowerCase()} organization ${fields.name}${fields.accountNumber ? ` (account ${fields.accountNumber})` : ''}`,
      after: fields,
    });
    if (first) {
      // R2: the organization is new, so its first profile is its administrator; in the same transaction, so an
      // organization is never left without the administrator it was created with.
      const profile = await tx.profile.create({
        data: { organizationId: created.id, givenName: first.givenName, familyName: first.familyName, email: first.email, activeEmail: first.email, isAdministrator: true },
        select: { id: true, email: true, givenName: true, familyName: true, organizationId: true },
      });
      await writeAudit(tx, audit, {
        action: 'profile.add',
        organizationId: created.id,
        targetProfileId: profile.id,
        summary: `${actorName(audit)} added ${first.givenName} ${first.familyName} <${first.email}> as the first administrator of ${fields.name}`,
        after: { givenName: first.givenName, familyName: first.familyName, email: first.email, isAdministrator: true, status: 'ACTIVE' },
      });
      if (first.sendInvitation) await issueInvitation(tx, deps, { profile, organizationName: fields.name, purpose: 'INVITATION', actor: audit });
    }
    return { organizationId: created.id };
  });
}

/** The first administrator given with a new organization, checked before anything is written. */
function normalizeFirstAdministrator(raw: { givenName: string; familyName: string; email: string; sendInvitation?: boolean | null }) {
  const givenName = normalizeName(raw.givenName, 'firstAdministrator.givenName');
  const familyName = normalizeName(raw.familyName, 'firstAdministrator.familyName');
  const email = normalizeEmail(raw.email, 'firstAdministrator.email');
  for (const value of [givenName, familyName, email]) if (value instanceof InvalidInputError) throw value;
  return { givenName: givenName as string, familyName: familyName as string, email: email as string, sendInvitation: raw.sendInvitation ?? true };
}

/** Support only. A field left out (undefined) stays as it is; `region: null` or `partnerId: null` clears it. */
export async function updateOrganization(
  deps: Deps,
  actorOrNull: Actor | null,
  input: { organizationId: string | null; name?: string | null; accountNumber?: string | null; region?: string | null; partnerId?: string | null; invalidPartner?: boolean },
): Promise<{ organizationId: string }> {
  const actor = requireSupport(actorOrNull);
  if (!input.organizationId) throw new ForbiddenError();
  const organizationId = input.organizationId;
  const wanted: Partial<OrganizationFields> = {};
  if (input.name !== undefined && input.name !== null) {
    const name = normalizeName(input.name, 'name');
    if (name instanceof InvalidInputError) throw name;
    wanted.name = name;
  }
  if (input.accountNumber !== undefined) {
    const accountNumber = normalizeAccountNumber(input.accountNumber);
    if (accountNumber instanceof InvalidInputError) throw accountNumber;
    wanted.accountNumber = accountNumber;
  }
  if (input.region !== undefined) {
    const region = normalizeRegion(input.region);
    if (region instanceof InvalidInputError) throw region;
    wanted.region = region;
  }
  if (input.invalidPartner) throw new InvalidInputError('partnerId', 'partnerId must be the id of a partner organization.');
  if (input.partnerId !== undefined) wanted.partnerId = input.partnerId;

  return deps.db.$transaction(async (tx) => {
    const current = await tx.organization.findUnique({ where: { id: organizationId }, select: { name: true, kind: true, accountNumber: true, region: true, partnerId: true } });
    if (!current) throw new ForbiddenError();
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(wanted) as [keyof OrganizationFields, unknown][]) {
      if (current[key] !== value) {
        before[key] = current[key];
        after[key] = value;
      }
    }
    if (Object.keys(after).length === 0) return { organizationId };
    if ('accountNumber' in after) fail(await accountNumberTaken(tx, after.accountNumber as string | null, organizationId));
    if ('partnerId' in after) fail(await checkPartner(tx, after.partnerId as string | null, current.kind));
    await tx.organization.update({ where: { id: organizationId }, data: after });
    const audit = auditActorOf(actor);
    await writeAudit(tx, audit, {
      action: 'organization.update',
      organizationId,
      targetType: 'Organization',
      targetId: organizationId,
      summary: `${actorName(audit)} changed ${Object.keys(after).join(', ')} of ${(after.name as string | undefined) ?? current.name}`,
      before,
      after,
    });
    return { organizationId };
  });
}

/** Support only: creates the plan of that name or changes its dates. Only customers have plans. */
export async function setServicePlan(
  deps: Deps,
  actorOrNull: Actor | null,
  input: { organizationId: string | null; name: string; startsOn: string; endsOn: string },
): Promise<{ organizationId: string }> {
  const actor = requireSupport(actorOrNull);
  if (!input.organizationId) throw new ForbiddenError();
  const organizationId = input.organizationId;
  const name = normalizeName(input.name, 'name');
  if (name instanceof InvalidInputError) throw name;
  if (input.endsOn < input.startsOn) throw new InvalidInputError('endsOn', `The plan cannot end (${input.endsOn}) before it starts (${input.startsOn}).`);
  return deps.db.$transaction(async (tx) => {
    const organization = await tx.organization.findUnique({ where: { id: organizationId }, select: { name: true, kind: true } });
    if (!organization) throw new ForbiddenError();
    if (organization.kind !== 'CUSTOMER') throw new InvalidInputError('organizationId', `${organization.name} is not a customer; only customers have service plans.`);
    await upsertPlan(tx, auditActorOf(actor), { id: organizationId, name: organization.name }, { name, startsOn: input.startsOn, endsOn: input.endsOn });
    return { organizationId };
  });
}

/** Creates or re-dates a plan with its audit event; nothing at all when the plan already has these dates. */
export async function upsertPlan(
  tx: Tx,
  audit: AuditActor,
  organization: { id: string; name: string },
  plan: { name: string; startsOn: string; endsOn: string },
): Promise<void> {
  const existing = await tx.servicePlan.findUnique({ where: { organizationId_name: { organizationId: organization.id, name: plan.name } } });
  if (existing && existing.startsOn === plan.startsOn && existing.endsOn === plan.endsOn) return;
  const saved = await tx.servicePlan.upsert({
    where: { organizationId_name: { organizationId: organization.id, name: plan.name } },
    create: { organizationId: organization.id, ...plan },
    update: { startsOn: plan.startsOn, endsOn: plan.endsOn },
  });
  await writeAudit(tx, audit, {
    action: existing ? 'servicePlan.update' : 'servicePlan.create',
    organizationId: organization.id,
    targetType: 'ServicePlan',
    targetId: saved.id,
    summary: existing
      ? `${actorName(audit)} changed ${organization.name}'s ${plan.name} from ${existing.startsOn}–${existing.endsOn} to ${plan.startsOn}–${plan.endsOn}`
      : `${actorName(audit)} gave ${organization.name} the ${plan.name} from ${plan.startsOn} to ${plan.endsOn}`,
    before: existing ? { startsOn: existing.startsOn, endsOn: existing.endsOn } : null,
    after: { name: plan.name, startsOn: plan.startsOn, endsOn: plan.endsOn },
  });
}

export interface ImportLineResult {
  line: number;
  status: 'CREATED' | 'UNCHANGED' | 'FAILED';
  organizationId: string | null;
  error: DomainError | null;
}

/**
 * Support only. Each line in its own transaction, so a bad line costs only itself. A line whose account number
 * exists is a no-op when the organization matches it (name, region, the plan's dates, the administrator's e-mail),
 * and an error naming the differences otherwise: importing a file twice changes nothing, and an import never
 * silently overwrites what support changed by hand since.
 */
export async function importOrganizations(deps: Deps, actorOrNull: Actor | null, input: { csv: string; sendInvitations: boolean }): Promise<ImportLineResult[]> {
  const actor = requireSupport(actorOrNull);
  const parsed = parseOrganizationsCsv(input.csv);
  if (parsed instanceof InvalidInputError) throw parsed;
  const audit = auditActorOf(actor);
  const lineOfAccount = new Map<string, number>();
  const results: ImportLineResult[] = [];
  for (const { line, row, error } of parsed) {
    const failed = (e: DomainError) => results.push({ line, status: 'FAILED', organizationId: null, error: e });
    if (error) {
      failed(error);
      continue;
    }
    const earlier = lineOfAccount.get(row.accountNumber);
    if (earlier !== undefined) {
      failed(new InvalidInputError('account_number', `Line ${earlier} already has the account number ${row.accountNumber}.`));
      continue;
    }
    lineOfAccount.set(row.accountNumber, line);
    try {
      results.push({ line, error: null, ...(await importRow(deps, audit, row, input.sendInvitations)) });
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      failed(e);
    }
  }
  return results;
}

async function importRow(deps: Deps, audit: AuditActor, row: ImportRow, sendInvitation: boolean): Promise<{ status: 'CREATED' | 'UNCHANGED'; organizationId: string }> {
  return deps.db.$transaction(async (tx) => {
    const existing = await tx.organization.findUnique({
      where: { accountNumber: row.accountNumber },
      select: {
        id: true,
        name: true,
        kind: true,
        region: true,
        servicePlans: { select: { name: true, startsOn: true, endsOn: true } },
        profiles: { where: { activeEmail: row.admin?.email ?? '' }, select: { isAdministrator: true } },
      },
    });
    if (existing) {
      const differences: string[] = [];
      if (existing.kind !== 'CUSTOMER') differences.push('it is not a customer');
      if (existing.name !== row.name) differences.push(`its name is "${existing.name}"`);
      if (existing.region !== row.region) differences.push(`its region is ${existing.region ?? 'empty'}`);
      if (row.plan) {
        const plan = existing.servicePlans.find((p) => p.name === row.plan!.name);
        if (!plan) differences.push(`it has no plan named ${row.plan.name}`);
        else if (plan.startsOn !== row.plan.startsOn || plan.endsOn !== row.plan.endsOn) differences.push(`its ${plan.name} runs from ${plan.startsOn} to ${plan.endsOn}`);
      }
      if (row.admin) {
        const admin = existing.profiles[0];
        if (!admin) differences.push(`it has no active profile with the e-mail ${row.admin.email}`);
        else if (!admin.isAdministrator) differences.push(`${row.admin.email} is not an administrator there`);
      }
      if (differences.length > 0) {
        throw new InvalidInputError(
          'account_number',
          `The account number ${row.accountNumber} belongs to an existing organization that differs from this line: ${differences.join('; ')}. Correct the line, or change the organization with updateOrganization or setServicePlan.`,
        );
      }
      return { status: 'UNCHANGED', organizationId: existing.id };
    }

    const fields = { name: row.name, kind: 'CUSTOMER' as const, accountNumber: row.accountNumber, region: row.region, partnerId: null };
    const organization = await tx.organization.create({ data: fields, select: { id: true, name: true } });
    await writeAudit(tx, audit, {
      action: 'organization.create',
      organizationId: organization.id,
      targetType: 'Organization',
      targetId: organization.id,
      summary: `${actorName(audit)} imported the customer ${row.name} (account ${row.accountNumber})`,
      after: fields,
    });
    if (row.plan) await upsertPlan(tx, audit, organization, row.plan);
    if (row.admin) {
      // R2: the organization is new, so its first profile is its administrator.
      const profile = await tx.profile.create({
        data: { organizationId: organization.id, ...row.admin, activeEmail: row.admin.email, isAdministrator: true },
        select: { id: true, email: true, givenName: true, familyName: true, organizationId: true },
      });
      await writeAudit(tx, audit, {
        action: 'profile.add',
        organizationId: organization.id,
        targetProfileId: profile.id,
        summary: `${actorName(audit)} imported ${row.admin.givenName} ${row.admin.familyName} <${row.admin.email}> as the administrator of ${row.name}`,
        after: { ...row.admin, isAdministrator: true, status: 'ACTIVE' },
      });
      if (sendInvitation) await issueInvitation(tx, deps, { profile, organizationName: organization.name, purpose: 'INVITATION', actor: audit });
    }
    return { status: 'CREATED', organizationId: organization.id };
  });
}
