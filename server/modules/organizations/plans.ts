// Service plans are dated by calendar day (YYYY-MM-DD, UTC); a plan is active on the days from startsOn to endsOn inclusive.

export interface PlanDates { name: string; startsOn: string; endsOn: string }

export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function activePlan<T extends PlanDates>(plans: readonly T[], today: string): T | null {
  return plans.find((p) => p.startsOn <= today && today <= p.endsOn) ?? null;
}

/** The plan that ended most recently, to tell a person when access stopped. */
export function lastEndedPlan<T extends PlanDates>(plans: readonly T[], today: string): T | null {
  return plans.filter((p) => p.endsOn < today).sort((a, b) => b.endsOn.localeCompare(a.endsOn))[0] ?? null;
}

/** R1: CUSTOMER organizations need a plan active today; partners and the vendor do not. */
export function hasAccessToday(kind: 'CUSTOMER' | 'PARTNER' | 'VENDOR', plans: readonly PlanDates[], today: string): boolean {
  return kind !== 'CUSTOMER' || activePlan(plans, today) !== null;
}
