// Which profile a signed-in identity acts as (R9), switching between them (R1 applies to each choice), and ending
// sessions.
import { endSessionsOfIdentity, rotateSession, setCurrentProfile } from '../../auth/session.js';
import type { Db } from '../../db/client.js';
import { NotYourProfileError, ServicePlanInactiveError } from '../../errors.js';
import type { AppServices } from '../../services.js';
import { actorName, writeAudit } from '../audit/service.js';
import type { Deps } from '../deps.js';
import { hasAccessToday, isoDay, lastEndedPlan, PLAN_FIELDS } from '../organizations/plans.js';
import { manageableProfile } from '../profiles/service.js';
import { requireSignedIn, type Actor } from '../policy.js';

const profileWithPlans = {
  id: true,
  organization: { select: { name: true, kind: true, servicePlans: { select: PLAN_FIELDS } } },
} as const;

/** The identity's ACTIVE profiles that may be used today. */
export async function usableProfileIds(db: Db, services: AppServices, identityId: string): Promise<string[]> {
  const today = isoDay(services.now());
  const profiles = await db.profile.findMany({ where: { identityId, status: 'ACTIVE' }, select: profileWithPlans });
  return profiles.filter((p) => hasAccessToday(p.organization.kind, p.organization.servicePlans, today)).map((p) => p.id);
}

/** R9, right after sign-in: with exactly one usable profile it becomes current; otherwise the person picks. */
export async function afterSignIn(db: Db, services: AppServices, identityId: string): Promise<string | null> {
  const usable = await usableProfileIds(db, services, identityId);
  return usable.length === 1 ? usable[0]! : null;
}

/**
 * Makes `profileId` the session's current profile; it must be this identity's and usable today. The session moves
 * to a new id (`setCookie` carries it to the browser), as at sign-in.
 */
export async function selectProfile(deps: Deps, actorOrNull: Actor | null, profileId: string | null): Promise<{ profileId: string; setCookie: string | null }> {
  const actor = requireSignedIn(actorOrNull);
  const profile = profileId
    ? await deps.db.profile.findFirst({ where: { id: profileId, identityId: actor.identityId, status: 'ACTIVE' }, select: profileWithPlans })
    : null;
  if (!profile) throw new NotYourProfileError();
  const today = isoDay(deps.services.now());
  const { organization } = profile;
  if (!hasAccessToday(organization.kind, organization.servicePlans, today)) {
    throw new ServicePlanInactiveError(organization.name, lastEndedPlan(organization.servicePlans, today)?.endsOn ?? null);
  }
  await setCurrentProfile(deps.db, actor.sessionKey, profile.id);
  const setCookie = await rotateSession(deps.db, deps.config, actor.sessionKey);
  return { profileId: profile.id, setCookie };
}

/** Ends every session of the signed-in identity, this one included. */
export async function signOutEverywhere(deps: Deps, actorOrNull: Actor | null): Promise<{ endedSessions: number }> {
  const actor = requireSignedIn(actorOrNull);
  return { endedSessions: await endSessionsOfIdentity(deps.db, actor.identityId) };
}

/** Managers: ends every session of the account linked to a profile of theirs (a lost laptop, a leaver), audited. */
export async function endSessionsOf(deps: Deps, actorOrNull: Actor | null, profileId: string | null): Promise<{ profileId: string; endedSessions: number }> {
  const { audit, profile } = await manageableProfile(deps, actorOrNull, profileId);
  if (!profile.identityId) return { profileId: profile.id, endedSessions: 0 };
  const identityId = profile.identityId;
  const endedSessions = await deps.db.$transaction(async (tx) => {
    const ended = await endSessionsOfIdentity(tx, identityId);
    await writeAudit(tx, audit, {
      action: 'profile.endSessions',
      organizationId: profile.organizationId,
      targetProfileId: profile.id,
      summary: `${actorName(audit)} signed ${profile.givenName} ${profile.familyName} out everywhere (${ended} session${ended === 1 ? '' : 's'})`,
    });
    return ended;
  });
  return { profileId: profile.id, endedSessions };
}

