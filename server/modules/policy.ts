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

export interface Actor {
  identityId: string;
  /** The session row, for changes to the session itself (switching, signing out everywhere). */
  sessionKey: string;
  identityDisplayName: string | null;
  /** The profile this session acts as; null when none is chosen, or the chosen one may not act (see lostProfile). */
  profile: ActingProfile | null;
  /** What the acting profile allows; null without one. */
  role: Role | null;
  lostProfile: LostProfile | null;
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
 * - `organization.administer`: create, rename, plans, imports, designating an administrator: support only.
 */
export type OrganizationAction = 'organization.see' | 'organization.manage' | 'organization.administer';

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

/**
 * The same rule as a filter on organizations: null when nothing matches. Support gets `{}` alone, never inside
 * OR (Prisma reads an empty object inside OR as matching nothing).
 */
export function scope(actor: Actor | null, action: OrganizationAction): Prisma.OrganizationWhereInput | null {
  const profile = actor?.profile;
  if (!actor || !profile) return null;
  const own = { id: profile.organizationId };
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

/** The signed-in identity; UNAUTHENTICATED otherwise. */
export function requireSignedIn(actor: Actor | null): Actor {
  if (!actor) throw new UnauthenticatedError();
  return actor;
}

/** The signed-in identity acting as a profile; otherwise why not (signed out, plan ended, none chosen). */
export function requireActing(actor: Actor | null): ActingActor {
  const signedIn = requireSignedIn(actor);
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
