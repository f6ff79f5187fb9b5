// The signed-in viewer in one statement: the identity, its ACTIVE profiles with their organizations, every plan of
// those organizations and each profile's latest invitation, loaded once per request (or taken from the viewer cache)
// and shared by every resolver. The actor (policy.ts) is derived from it, so R1 is decided on the same rows the
// viewer shows. Resolvers hand these rows to Pothos only when the selection Pothos planned is one the rows cover
// (`rowsFor`); anything else falls back to an ordinary Prisma query.
import { viewerCacheOf } from '../../cache/viewer-cache.js';
import type { Db } from '../../db/client.js';
import { Prisma } from '../../generated/sqlite/client.js';
import { hasAccessToday, isoDay, lastEndedPlan } from '../organizations/plans.js';
import { roleOf, type ActingProfile, type Actor, type LostProfile, type OrganizationKind, type SessionRef } from '../policy.js';

export interface IdentityRow {
  id: string;
  provider: string;
  issuer: string;
  subject: string;
  email: string | null;
  displayName: string | null;
  lastSignInAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PlanRow { id: string; organizationId: string; name: string; startsOn: string; endsOn: string; createdAt: Date; updatedAt: Date }

export interface OrganizationRow {
  id: string;
  name: string;
  kind: OrganizationKind;
  accountNumber: string | null;
  region: string | null;
  partnerId: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Newest start first, as the schema lists them. */
  servicePlans: PlanRow[];
}

export interface InvitationRow {
  id: string;
  profileId: string;
  purpose: 'INVITATION' | 'SELF_SERVICE' | 'REASSOCIATION';
  tokenHash: string;
  sentTo: string;
  expiresAt: Date;
  acceptedAt: Date | null;
  acceptedByIdentityId: string | null;
  revokedAt: Date | null;
  replacedAt: Date | null;
  createdAt: Date;
}

export interface ProfileRow {
  id: string;
  organizationId: string;
  givenName: string;
  familyName: string;
  email: string;
  activeEmail: string | null;
  isAdministrator: boolean;
  status: 'ACTIVE' | 'REMOVED';
  identityId: string | null;
  associatedAt: Date | null;
  removedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  organization: OrganizationRow;
  latestInvitation: InvitationRow | null;
}

export interface ViewerSnapshot {
  identity: IdentityRow;
  /** ACTIVE profiles linked to the identity, by organization name then id (the order viewer.profiles promises). */
  profiles: ProfileRow[];
}

const columns = (alias: string, prefix: string, names: string[]) => names.map((n) => `${alias}."${n}" AS "${prefix}${n}"`).join(', ');
const IDENTITY_COLUMNS = ['id', 'provider', 'issuer', 'subject', 'email', 'displayName', 'lastSignInAt', 'createdAt', 'updatedAt'];
const PROFILE_COLUMNS = ['id', 'organizationId', 'givenName', 'familyName', 'email', 'activeEmail', 'isAdministrator', 'status', 'identityId', 'associatedAt', 'removedAt', 'createdAt', 'updatedAt'];
const ORGANIZATION_COLUMNS = ['id', 'name', 'kind', 'accountNumber', 'region', 'partnerId', 'createdAt', 'updatedAt'];
const PLAN_COLUMNS = ['id', 'organizationId', 'name', 'startsOn', 'endsOn', 'createdAt', 'updatedAt'];
const INVITATION_COLUMNS = ['id', 'profileId', 'purpose', 'tokenHash', 'sentTo', 'expiresAt', 'acceptedAt', 'acceptedByIdentityId', 'revokedAt', 'replacedAt', 'createdAt'];

// One row per (profile, plan); the same text runs on SQLite and PostgreSQL (quoted identifiers, a correlated
// subquery for the latest invitation, served by the (profileId, createdAt) index).
const SNAPSHOT_SQL = `SELECT ${columns('i', 'i_', IDENTITY_COLUMNS)}, ${columns('p', 'p_', PROFILE_COLUMNS)}, ${columns('o', 'o_', ORGANIZATION_COLUMNS)},
 ${columns('sp', 's_', PLAN_COLUMNS)}, ${columns('inv', 'n_', INVITATION_COLUMNS)}
FROM "Identity" i
LEFT JOIN "Profile" p ON p."identityId" = i."id" AND p."status" = 'ACTIVE'
LEFT JOIN "Organization" o ON o."id" = p."organizationId"
LEFT JOIN "ServicePlan" sp ON sp."organizationId" = o."id"
LEFT JOIN "Invitation" inv ON inv."id" = (SELECT x."id" FROM "Invitation" x WHERE x."profileId" = p."id" ORDER BY x."createdAt" DESC, x."id" DESC LIMIT 1)
WHERE i."id" = `;

type Raw = Record<string, unknown>;

function date(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  const text = String(value);
  return /^\d+$/.test(text) ? new Date(Number(text)) : new Date(text);
}
const dateOrNull = (value: unknown) => (value === null || value === undefined ? null : date(value));
const bool = (value: unknown) => value === true || value === 1 || value === 1n || value === '1' || value === 't';
const str = (value: unknown) => (value === null || value === undefined ? null : String(value));

function pick(row: Raw, prefix: string, names: string[]): Raw {
  const out: Raw = {};
  for (const n of names) out[n] = row[prefix + n];
  return out;
}

function identityOf(row: Raw): IdentityRow {
  const r = pick(row, 'i_', IDENTITY_COLUMNS);
  return {
    id: String(r.id), provider: String(r.provider), issuer: String(r.issuer), subject: String(r.subject), email: str(r.email),
    displayName: str(r.displayName), lastSignInAt: dateOrNull(r.lastSignInAt), createdAt: date(r.createdAt), updatedAt: date(r.updatedAt),
  };
}

function profileOf(row: Raw, organization: OrganizationRow): ProfileRow {
  const r = pick(row, 'p_', PROFILE_COLUMNS);
  const n = pick(row, 'n_', INVITATION_COLUMNS);
  return {
    id: String(r.id), organizationId: String(r.organizationId), givenName: String(r.givenName), familyName: String(r.familyName),
    email: String(r.email), activeEmail: str(r.activeEmail), isAdministrator: bool(r.isAdministrator), status: String(r.status) as ProfileRow['status'],
    identityId: str(r.identityId), associatedAt: dateOrNull(r.associatedAt), removedAt: dateOrNull(r.removedAt),
    createdAt: date(r.createdAt), updatedAt: date(r.updatedAt), organization,
    latestInvitation: n.id == null ? null : {
      id: String(n.id), profileId: String(n.profileId), purpose: String(n.purpose) as InvitationRow['purpose'], tokenHash: String(n.tokenHash),
      sentTo: String(n.sentTo), expiresAt: date(n.expiresAt), acceptedAt: dateOrNull(n.acceptedAt), acceptedByIdentityId: str(n.acceptedByIdentityId),
      revokedAt: dateOrNull(n.revokedAt), replacedAt: dateOrNull(n.replacedAt), createdAt: date(n.createdAt),
    },
  };
}

function organizationOf(row: Raw): OrganizationRow {
  const r = pick(row, 'o_', ORGANIZATION_COLUMNS);
  return {
    id: String(r.id), name: String(r.name), kind: String(r.kind) as OrganizationKind, accountNumber: str(r.accountNumber), region: str(r.region),
    partnerId: str(r.partnerId), createdAt: date(r.createdAt), updatedAt: date(r.updatedAt), servicePlans: [],
  };
}

/** The identity's viewer in one statement; null when the identity no longer exists. */
export async function loadViewerSnapshot(db: Db, identityId: string): Promise<ViewerSnapshot | null> {
  const rows = await db.$queryRaw<Raw[]>(Prisma.sql([SNAPSHOT_SQL, ''], identityId));
  if (rows.length === 0) return null;
  const identity = identityOf(rows[0]!);
  const profiles = new Map<string, ProfileRow>();
  const organizations = new Map<string, OrganizationRow>();
  for (const row of rows) {
    if (row.p_id == null) continue;
    const orgId = String(row.o_id);
    let organization = organizations.get(orgId);
    if (!organization) organizations.set(orgId, (organization = organizationOf(row)));
    if (row.s_id != null && !organization.servicePlans.some((plan) => plan.id === row.s_id)) {
      const s = pick(row, 's_', PLAN_COLUMNS);
      organization.servicePlans.push({
        id: String(s.id), organizationId: String(s.organizationId), name: String(s.name), startsOn: String(s.startsOn), endsOn: String(s.endsOn),
        createdAt: date(s.createdAt), updatedAt: date(s.updatedAt),
      });
    }
    const profileId = String(row.p_id);
    if (!profiles.has(profileId)) profiles.set(profileId, profileOf(row, organization));
  }
  for (const organization of organizations.values()) organization.servicePlans.sort((a, b) => b.startsOn.localeCompare(a.startsOn) || b.id.localeCompare(a.id));
  const byName = (a: ProfileRow, b: ProfileRow) => (a.organization.name < b.organization.name ? -1 : a.organization.name > b.organization.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { identity, profiles: [...profiles.values()].sort(byName) };
}

/** loadViewerSnapshot through the viewer cache, when the client has one (server/cache/viewer-cache.ts). */
export async function viewerSnapshot(db: Db, identityId: string): Promise<ViewerSnapshot | null> {
  const cache = viewerCacheOf(db);
  if (!cache) return loadViewerSnapshot(db, identityId);
  const cached = cache.getViewer(identityId, Date.now());
  if (cached !== undefined) return cached;
  const generation = cache.begin();
  const loaded = await loadViewerSnapshot(db, identityId);
  cache.storeViewer(identityId, loaded, generation, Date.now());
  return loaded;
}

/**
 * Who is asking, from the snapshot: the profile the session chose acts only while it is ACTIVE, still this
 * identity's and, for a customer, covered by a plan today (R1). Null without a snapshot (the identity is gone).
 */
export function actorFromSnapshot(snapshot: ViewerSnapshot | null, session: SessionRef, now: Date): Actor | null {
  if (!snapshot) return null;
  let profile: ActingProfile | null = null;
  let lostProfile: LostProfile | null = null;
  if (session.currentProfileId) {
    const today = isoDay(now);
    const chosen = snapshot.profiles.find((p) => p.id === session.currentProfileId);
    if (!chosen) lostProfile = { reason: 'UNAVAILABLE' };
    else if (!hasAccessToday(chosen.organization.kind, chosen.organization.servicePlans, today)) {
      lostProfile = {
        reason: 'SERVICE_PLAN_INACTIVE',
        organizationName: chosen.organization.name,
        planEndedOn: lastEndedPlan(chosen.organization.servicePlans, today)?.endsOn ?? null,
      };
    } else {
      profile = {
        id: chosen.id,
        organizationId: chosen.organizationId,
        organizationName: chosen.organization.name,
        organizationKind: chosen.organization.kind,
        isAdministrator: chosen.isAdministrator,
        displayName: `${chosen.givenName} ${chosen.familyName}`,
      };
    }
  }
  return {
    identityId: session.identityId,
    sessionKey: session.key,
    identityDisplayName: snapshot.identity.displayName ?? snapshot.identity.email,
    profile,
    role: profile ? roleOf(profile) : null,
    lostProfile,
  };
}

// ---- Serving Pothos' planned selections from the snapshot ----

type Node = Record<string, unknown>;
const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const keysWithin = (value: Node, allowed: string[]) => Object.keys(value).every((k) => allowed.includes(k) && value[k] !== undefined);

interface Shape {
  scalars: readonly string[];
  /** Relation name → its shape and the query arguments the snapshot can honour. */
  relations: Record<string, { shape: () => Shape; args: (node: Node) => boolean }>;
  /** `_count` selections the snapshot can answer. */
  counts?: Record<string, (node: unknown) => boolean>;
}

const noArgs = (node: Node) => keysWithin(node, ['select', 'include']);
const planWindow = (where: unknown) => isObject(where) && keysWithin(where, ['startsOn', 'endsOn'])
  && (where.startsOn === undefined || (isObject(where.startsOn) && keysWithin(where.startsOn, ['lte']) && typeof where.startsOn.lte === 'string'))
  && (where.endsOn === undefined || (isObject(where.endsOn) && keysWithin(where.endsOn, ['gte']) && typeof where.endsOn.gte === 'string'));

const PLAN_SHAPE: Shape = { scalars: PLAN_COLUMNS, relations: {} };
const INVITED_PROFILE_SHAPE: Shape = { scalars: PROFILE_COLUMNS, relations: {} };
const INVITATION_SHAPE: Shape = { scalars: INVITATION_COLUMNS, relations: { profile: { shape: () => INVITED_PROFILE_SHAPE, args: noArgs } } };
const ORGANIZATION_SHAPE: Shape = {
  scalars: ORGANIZATION_COLUMNS,
  relations: {
    servicePlans: {
      shape: () => PLAN_SHAPE,
      args: (node) => keysWithin(node, ['select', 'include', 'orderBy']) && (node.orderBy === undefined || (isObject(node.orderBy) && node.orderBy.startsOn === 'desc' && Object.keys(node.orderBy).length === 1)),
    },
  },
  counts: { servicePlans: (node) => node === true || (isObject(node) && keysWithin(node, ['where']) && (node.where === undefined || planWindow(node.where))) },
};
export const PROFILE_SHAPE: Shape = {
  scalars: PROFILE_COLUMNS,
  relations: {
    organization: { shape: () => ORGANIZATION_SHAPE, args: noArgs },
    invitations: {
      shape: () => INVITATION_SHAPE,
      args: (node) => keysWithin(node, ['select', 'include', 'orderBy', 'take']) && node.take === 1 && isObject(node.orderBy) && node.orderBy.createdAt === 'desc' && Object.keys(node.orderBy).length === 1,
    },
  },
};
export const IDENTITY_SHAPE: Shape = { scalars: IDENTITY_COLUMNS, relations: {} };

/** Whether rows of `shape` carry everything `query` (a Prisma select/include tree planned by Pothos) asks for. */
export function covers(shape: Shape, query: unknown): boolean {
  if (query === undefined || query === true) return true;
  if (!isObject(query)) return false;
  const { select, include, ...rest } = query;
  if (Object.keys(rest).some((k) => rest[k] !== undefined) || (select && include)) return false;
  const fields = (select ?? include) as unknown;
  if (fields === undefined) return true;
  if (!isObject(fields)) return false;
  return Object.entries(fields).every(([key, value]) => {
    if (value === undefined || value === false) return true;
    if (shape.scalars.includes(key)) return value === true;
    if (key === '_count') {
      if (!shape.counts || !isObject(value) || !keysWithin(value, ['select']) || !isObject(value.select)) return false;
      return Object.entries(value.select).every(([name, node]) => shape.counts?.[name]?.(node) ?? false);
    }
    const relation = shape.relations[key];
    if (!relation) return false;
    if (value === true) return true;
    return isObject(value) && relation.args(value) && covers(relation.shape(), { select: value.select, include: value.include });
  });
}

function planCount(plans: PlanRow[], node: unknown): number {
  const where = isObject(node) && isObject(node.where) ? node.where : {};
  const lte = isObject(where.startsOn) ? (where.startsOn.lte as string) : null;
  const gte = isObject(where.endsOn) ? (where.endsOn.gte as string) : null;
  return plans.filter((p) => (lte === null || p.startsOn <= lte) && (gte === null || p.endsOn >= gte)).length;
}

/** The `_count` selection under `profile.organization`, if the query has one. */
function organizationCount(query: unknown): unknown {
  const fields = isObject(query) ? (query.select ?? query.include) : undefined;
  const organization = isObject(fields) ? fields.organization : undefined;
  const orgFields = isObject(organization) ? (organization.select ?? organization.include) : undefined;
  const count = isObject(orgFields) ? orgFields._count : undefined;
  return isObject(count) && isObject(count.select) ? count.select.servicePlans : undefined;
}

/** Profile rows as Prisma would return them for `query`; null when the snapshot cannot answer it. */
export function profileRowsFor(query: unknown, profiles: ProfileRow[]): Node[] | null {
  if (!covers(PROFILE_SHAPE, query)) return null;
  const count = organizationCount(query);
  return profiles.map((p) => ({
    ...p,
    organization: count === undefined ? p.organization : { ...p.organization, _count: { servicePlans: planCount(p.organization.servicePlans, count) } },
    invitations: p.latestInvitation ? [{ ...p.latestInvitation, profile: p }] : [],
  }));
}

/** The actor of a session outside a GraphQL request (GraphiQL's gate). */
export async function loadActor(db: Db, session: SessionRef, now: Date): Promise<Actor | null> {
  return actorFromSnapshot(await viewerSnapshot(db, session.identityId), session, now);
}
