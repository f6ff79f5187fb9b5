// Service plans are dated by calendar day (YYYY-MM-DD, UTC); a plan is active on the days from startsOn to endsOn
// inclusive, so one that ends today stops tonight. The one definition of "active today" (R1): in memory
// (activePlan, hasAccessToday) and as a Prisma filter (activePlanWhere) for counts inside a statement.

export interface PlanDates { name: string; startsOn: string; endsOn: string }

/** What the functions below need of a plan, as a Prisma select. */
export const PLAN_FIELDS = { name: true, startsOn: true, endsOn: true } as const;

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not). */
export function isCalendarDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const day = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && isoDay(day) === value;
}

export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function activePlan<T extends PlanDates>(plans: readonly T[], today: string): T | null {
  return plans.find((p) => p.startsOn <= today && today <= p.endsOn) ?? null;
}

/** activePlan as a filter on ServicePlan rows. */
export function activePlanWhere(today: string) {
  return { startsOn: { lte: today }, endsOn: { gte: today } };
}

/** The plan that ended most recently, to tell a person when access stopped. */
export function lastEndedPlan<T extends PlanDates>(plans: readonly T[], today: string): T | null {
  return plans.filter((p) => p.endsOn < today).sort((a, b) => b.endsOn.localeCompare(a.endsOn))[0] ?? null;
}

/** R1: CUSTOMER organizations need a plan active today; partners and the vendor do not. */
export function hasAccessToday(kind: 'CUSTOMER' | 'PARTNER' | 'VENDOR', plans: readonly PlanDates[], today: string): boolean {
  return kind !== 'CUSTOMER' || activePlan(plans, today) !== null;
}
