import { builder } from '../../graphql/builder.js';
import { hasAccessToday, isoDay, lastEndedPlan } from '../organizations/plans.js';
import { AccountProvider, accountProviders, Identity, Profile } from '../profiles/schema.js';

interface ViewerShape { identityId: string | null; currentProfileId: string | null }

export const Viewer = builder.objectRef<ViewerShape>('Viewer').implement({
  description: 'Whoever is asking: signed out, or an identity acting as one of its profiles.',
  fields: (t) => ({
    signedIn: t.boolean({ resolve: (v) => v.identityId !== null }),
    identity: t.prismaField({
      type: Identity,
      nullable: true,
      resolve: (query, v, _args, ctx) => (v.identityId ? ctx.db.identity.findUnique({ ...query, where: { id: v.identityId } }) : null),
    }),
    currentProfile: t.prismaField({
      type: Profile,
      nullable: true,
      description: 'The profile this session acts as; null until one is chosen (selectProfile).',
      resolve: (query, v, _args, ctx) =>
        v.identityId && v.currentProfileId
          ? ctx.db.profile.findFirst({ ...query, where: { id: v.currentProfileId, identityId: v.identityId, status: 'ACTIVE' } })
          : null,
    }),
    profiles: t.prismaField({
      type: [Profile],
      description: 'Every active profile linked to this identity, usable or not (see Profile.usable).',
      resolve: (query, v, _args, ctx) =>
        v.identityId
          ? ctx.db.profile.findMany({ ...query, where: { identityId: v.identityId, status: 'ACTIVE' }, orderBy: [{ organization: { name: 'asc' } }, { id: 'asc' }] })
          : [],
    }),
    isSupport: t.boolean({
      description: 'Whether the current profile is vendor support.',
      // One counting statement; without a current profile nobody acts as support.
      resolve: async (v, _args, ctx) =>
        v.identityId !== null &&
        v.currentProfileId !== null &&
        (await ctx.db.organization.count({ where: { kind: 'VENDOR', profiles: { some: { id: v.currentProfileId, identityId: v.identityId, status: 'ACTIVE' } } } })) === 1,
    }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: Viewer,
    description: 'Works signed out too: then signedIn is false.',
    resolve: (_root, _args, ctx) => ({ identityId: ctx.session?.identityId ?? null, currentProfileId: ctx.session?.currentProfileId ?? null }),
  }),
  accountProviders: t.field({
    type: [AccountProvider],
    description: 'The kinds of sign-in account Portico accepts, with the URL that starts signing in with each.',
    resolve: (_root, _args, ctx) => accountProviders(ctx),
  }),
}));

/** Whether a plan covers today, counted inside the organization's own statement (viewer is a hot path). */
const activePlanCount = (today: string) => ({ _count: { select: { servicePlans: { where: { startsOn: { lte: today }, endsOn: { gte: today } } } } } });

builder.prismaObjectFields(Profile, (t) => ({
  usable: t.boolean({
    description: 'Whether this profile can be selected today: ACTIVE, and for a customer, a service plan covers today (R1).',
    select: (_args, ctx) => ({ status: true, organization: { select: { kind: true, ...activePlanCount(isoDay(ctx.services.now())) } } }),
    resolve: (p) => p.status === 'ACTIVE' && (p.organization.kind !== 'CUSTOMER' || p.organization._count.servicePlans > 0),
  }),
  unusableReason: t.string({
    nullable: true,
    description: 'Why the profile cannot be selected, in words a person understands; null when it can.',
    select: { status: true, organization: { select: { name: true, kind: true, servicePlans: { select: { name: true, startsOn: true, endsOn: true } } } } },
    resolve: (p, _args, ctx) => {
      const today = isoDay(ctx.services.now());
      if (p.status !== 'ACTIVE') return 'This profile was removed by your organization.';
      if (hasAccessToday(p.organization.kind, p.organization.servicePlans, today)) return null;
      const ended = lastEndedPlan(p.organization.servicePlans, today);
      return ended
        ? `${p.organization.name}'s service plan ended on ${ended.endsOn}. Ask your administrator to renew it.`
        : `${p.organization.name} has no active service plan. Ask your administrator to contact the vendor.`;
    },
  }),
}));
