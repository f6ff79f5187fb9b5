// Which profile a signed-in identity acts as (R9) and switching between them (R1 applies to each choice).
import { setCurrentProfile } from '../../auth/session.js';
import type { Db } from '../../db/client.js';
import { NotYourProfileError, ServicePlanInactiveError } from '../../errors.js';
import type { AppServices } from '../../services.js';
import { hasAccessToday, isoDay, lastEndedPlan } from '../organizations/plans.js';

const profileWithPlans = {
  id: true,
  organization: { select: { name: true, kind: true, servicePlans: { select: { name: true, startsOn: true, endsOn: true } } } },
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

/** Makes `profileId` the session's current profile; the profile must be this identity's and usable today. */
export async function selectProfile(
  db: Db,
  services: AppServices,
  session: { key: string; identityId: string },
  profileId: string,
): Promise<{ profileId: string } | NotYourProfileError | ServicePlanInactiveError> {
  const profile = await db.profile.findFirst({ where: { id: profileId, identityId: session.identityId, status: 'ACTIVE' }, select: profileWithPlans });
  if (!profile) return new NotYourProfileError();
  const today = isoDay(services.now());
  const { organization } = profile;
  if (!hasAccessToday(organization.kind, organization.servicePlans, today)) {
    return new ServicePlanInactiveError(organization.name, lastEndedPlan(organization.servicePlans, today)?.endsOn ?? null);
  }
  await setCurrentProfile(db, session.key, profile.id);
  return { profileId: profile.id };
}
