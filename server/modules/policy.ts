// The one place that decides who may do what (R10). `can` answers for an object already loaded; `scope` gives the
// same answer as a Prisma filter, for lists and for loading by id. A property test (test/modules/policy.test.ts)
// proves the two agree for every role and organization, so nothing else needs to, or may, decide.
//
// Who is asking comes from the viewer snapshot (viewer/load.ts, actorFromSnapshot): the signed-in identity and the profile it acts as. A profile acts only while
// it is ACTIVE, still linked to the identity and, for a customer, covered by a service plan today (R1): a session
// whose profile lapsed keeps its sign-in but acts as nobody, and `lostProfile` says why.
import type { Db, Tx } from '../db/client.js';
import { ForbiddenError, ServicePlanInactiveError, UnauthenticatedError } from '../errors.js';
import type { Prisma } from '../generated/sqlite/client.js';
import { hasAccessToday, isoDay, lastEndedPlan, PLAN_FIELDS } from './organizations/plans.js';

export type OrganizationKind = 'CUSTOMER' | 'PARTNER' | 'VENDOR';
export type Role = 'SUPPORT' | 'PARTNER' | 'ADMIN' | 'SELF';

export interface ActingProfile {
  id: string;
  organizationId: string;
  organizationName: string;
  organizationKind: OrganizationKind;
  isAdministrator: boolean;
  displayName: string;
}

/** Why a session's chosen profile no longer acts. */
export type LostProfile = { reason: 'SERVICE_PLAN_INACTIVE'; organizationName: string; planEndedOn: string | null } | { reason: 'UNAVAILABLE' };

/** The API token a request was made with (server/modules/tokens/). */
export interface ApiTokenRef {
  id: string;
  name: string;
  role: ApiTokenRole;
}

export interface Actor {
  /** For an API token: '' (it acts for its organization, as no identity), which matches no identity or profile. */
  identityId: string;
  /** The session row, for changes to the session itself (switching, signing out everywhere). */
  sessionKey: string;
  identityDisplayName: string | null;
  /** The profile this session acts as; null when none is chosen, or the chosen one may not act (see lostProfile). */
  profile: ActingProfile | null;
  /** What the acting profile allows; null without one. */
  role: Role | null;
  lostProfile: LostProfile | null;
  /** Set when the request came with an API token instead of a session; `profile` is then the token's organization. */
  token?: ApiTokenRef | null;
}

export type ActingActor = Actor & { profile: ActingProfile; role: Role };

export interface OrganizationRef {
  id: string;
  partnerId: string | null;
  kind: OrganizationKind;
}

/**
 * - `organization.see`: name, plans, administrators (whom to ask for access): your own organization and those you manage;
 * - `organization.manage`: its people, their links, its audit log, diagnoses: customer administrators their own,
 *   partner administrators theirs and the customers they serve, support all;
 * - `organization.administer`: create, rename, plans, imports, designating an administrator: support only;
 * - `organization.tokens`: create, list and revoke an organization's API tokens: the people who manage it, for
 *   their own organization only (a partner's token then acts on the customers it serves; support's on all), and
 *   never with a token, so that a leaked token cannot mint others that outlive its revocation.
 */
export type OrganizationAction = 'organization.see' | 'organization.manage' | 'organization.administer' | 'organization.tokens';

/**
 * What an API token may do, as the role a profile would have, and the kind of organization it belongs to (MEMBER
 * fits every kind). A token's role is never above its creator's, by RANK.
 */
export type ApiTokenRole = 'SUPPORT' | 'PARTNER' | 'ADMIN' | 'MEMBER';
export const API_TOKEN_ROLES: Record<ApiTokenRole, { role: Role; kind: OrganizationKind | null }> = {
  SUPPORT: { role: 'SUPPORT', kind: 'VENDOR' },
  PARTNER: { role: 'PARTNER', kind: 'PARTNER' },
  ADMIN: { role: 'ADMIN', kind: 'CUSTOMER' },
  MEMBER: { role: 'SELF', kind: null },
};
const RANK: Record<Role, number> = { SUPPORT: 3, PARTNER: 2, ADMIN: 1, SELF: 0 };

/**
 * Whether someone with `creatorRole` in an organization of this kind may hold a token with `tokenRole` there: at
 * creation, and again at every use (a creator who lost the role takes their tokens' rights with them).
 */
export function mayHoldTokenRole(creatorRole: Role, kind: OrganizationKind, tokenRole: ApiTokenRole): boolean {
  return tokenRoleRefusal(creatorRole, kind, tokenRole) === null;
}

/** Why mayHoldTokenRole says no: a role above the creator's own (or a creator who manages nothing), or a role of another kind of organization. */
export function tokenRoleRefusal(creatorRole: Role, kind: OrganizationKind, tokenRole: ApiTokenRole): 'ABOVE_OWN' | 'OTHER_KIND' | null {
  const wanted = API_TOKEN_ROLES[tokenRole];
  if (creatorRole === 'SELF' || RANK[creatorRole] < RANK[wanted.role]) return 'ABOVE_OWN';
  return wanted.kind === null || wanted.kind === kind ? null : 'OTHER_KIND';
}

export function roleOf(profile: { isAdministrator: boolean; organizationKind: OrganizationKind }): Role {
  if (profile.organizationKind === 'VENDOR') return 'SUPPORT';
  if (!profile.isAdministrator) return 'SELF';
  return profile.organizationKind === 'PARTNER' ? 'PARTNER' : 'ADMIN';
}

/** The predicate: may this actor do `action` to this organization? */
export function can(actor: Actor | null, action: OrganizationAction, org: OrganizationRef): boolean {
  const profile = actor?.profile;
  if (!actor || !profile) return false;
  const own = org.id === profile.organizationId;
  if (action === 'organization.tokens') return own && !actor.token && actor.role !== 'SELF';
  switch (actor.role) {
    case 'SUPPORT':
      return true;
    case 'PARTNER':
      if (action === 'organization.administer') return false;
      return own || (org.partnerId === profile.organizationId && org.kind === 'CUSTOMER');
    case 'ADMIN':
      return action !== 'organization.administer' && own;
    default:
      return action === 'organization.see' && own;
  }
}

/** Whether the actor may manage any organization at all: the account bar's *Administration* entry. */
export function managesAny(actor: Actor | null): boolean {
  return actor?.role === 'SUPPORT' || actor?.role === 'PARTNER' || actor?.role === 'ADMIN';
}

/**
 * The same rule as a filter on organizations: null when nothing matches. Support gets `{}` alone, never inside
 * OR (Prisma reads an empty object inside OR as matching nothing).
 */
export function scope(actor: Actor | null, action: OrganizationAction): Prisma.OrganizationWhereInput | null {
  const profile = actor?.profile;
  if (!actor || !profile) return null;
  const own = { id: profile.organizationId };
  if (action === 'organization.tokens') return !actor.token && actor.role !== 'SELF' ? own : null;
  switch (actor.role) {
    case 'SUPPORT':
      return {};
    case 'PARTNER':
      if (action === 'organization.administer') return null;
      return { OR: [own, { partnerId: profile.organizationId, kind: 'CUSTOMER' }] };
    case 'ADMIN':
      return action === 'organization.administer' ? null : own;
    default:
      return action === 'organization.see' ? own : null;
  }
}

/**
 * A profile's private side (linked account, links, association state): its organization's managers and the
 * person linked to it. Everyone else who sees the organization reaches only its administrators' names.
 */
export function maySeePrivate(actor: Actor | null, profile: { identityId: string | null; organization: OrganizationRef }): boolean {
  if (!actor) return false;
  return (profile.identityId !== null && profile.identityId === actor.identityId) || can(actor, 'organization.manage', profile.organization);
}

/** maySeePrivate as a filter on profiles. */
export function privateProfileScope(actor: Actor | null): Prisma.ProfileWhereInput | null {
  if (!actor) return null;
  const managed = scope(actor, 'organization.manage');
  if (managed && Object.keys(managed).length === 0) return {};
  return { OR: [{ identityId: actor.identityId }, ...(managed ? [{ organization: managed }] : [])] };
}

/** Which profiles an actor may load at all: their own, those they manage, and the administrators of what they see. */
export function profileScope(actor: Actor | null): Prisma.ProfileWhereInput | null {
  const own = privateProfileScope(actor);
  if (!own || Object.keys(own).length === 0) return own;
  const seen = scope(actor, 'organization.see');
  return { OR: [own, ...(seen ? [{ isAdministrator: true, status: 'ACTIVE' as const, organization: seen }] : [])] };
}

/** The signed-in identity, as a person (an API token acts as nobody); UNAUTHENTICATED otherwise. */
export function requireSignedIn(actor: Actor | null): Actor {
  if (!actor) throw new UnauthenticatedError();
  if (actor.token) throw new ForbiddenError('An API token acts for its organization, not as a person: sign in to do this.');
  return actor;
}

/** requireActing, as a person acting as their own profile (My profile, my links); never an API token. */
export function requireActingPerson(actor: Actor | null): ActingActor {
  return requireActing(requireSignedIn(actor));
}

/** The signed-in identity (or API token) acting as a profile; otherwise why not (signed out, plan ended, none chosen). */
export function requireActing(actor: Actor | null): ActingActor {
  if (!actor) throw new UnauthenticatedError();
  const signedIn = actor;
  if (signedIn.profile && signedIn.role) return signedIn as ActingActor;
  throw (signedIn.lostProfile && lostProfileError(signedIn.lostProfile)) ?? new ForbiddenError('Choose the profile you are acting as first (Choose profile).');
}

/** Why a session's chosen profile no longer acts, as the error the person is shown. */
export function lostProfileError(lost: LostProfile): ServicePlanInactiveError | ForbiddenError {
  return lost.reason === 'SERVICE_PLAN_INACTIVE'
    ? new ServicePlanInactiveError(lost.organizationName, lost.planEndedOn)
    : new ForbiddenError('The profile you chose is no longer available to you. Choose another profile.');
}

/** requireActing, and `can` on the organization; unknown and forbidden organizations answer the same. */
export function requireAllowed(actor: Actor | null, action: OrganizationAction, org: OrganizationRef | null): ActingActor {
  const acting = requireActing(actor);
  if (!org || !can(acting, action, org)) {
    throw new ForbiddenError(action === 'organization.administer' ? 'Only vendor support may do this.' : undefined);
  }
  return acting;
}

/** What `can` needs of an organization, by id; null for ids that do not exist. */
export function organizationRef(db: Db | Tx, id: string | null): Promise<OrganizationRef | null> {
  return id ? db.organization.findUnique({ where: { id }, select: { id: true, partnerId: true, kind: true } }) : Promise.resolve(null);
}

export interface SessionRef {
  key: string;
  identityId: string;
  currentProfileId: string | null;
}
