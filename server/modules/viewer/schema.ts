import { formatDate } from '../../format.js';
import { builder, ErrorInterface } from '../../graphql/builder.js';
import * as E from '../../errors.js';
import { idArg } from '../../graphql/ids.js';
import { profilePayload, resultOf } from '../../graphql/results.js';
import { activePlanWhere, hasAccessToday, isoDay, lastEndedPlan } from '../organizations/plans.js';
import { AccountProvider, accountProviders, Identity, Profile } from '../profiles/schema.js';
import { lostProfileError, managesAny } from '../policy.js';
import { covers, IDENTITY_SHAPE, profileRowsFor } from './load.js';
import { endSessionsOf, selectProfile, signOutEverywhere } from './service.js';

interface ViewerShape { identityId: string | null; currentProfileId: string | null }

export const Viewer = builder.objectRef<ViewerShape>('Viewer').implement({
  description: 'Whoever is asking: signed out, or an identity acting as one of its profiles.',
  fields: (t) => ({
    signedIn: t.boolean({ description: 'Whether a session is signed in. From another site (another origin) this is false: the session cookie is SameSite.', resolve: (v) => v.identityId !== null }),
    identity: t.prismaField({
      type: Identity,
      nullable: true,
      description: 'The signed-in sign-in account; null when signed out.',
      resolve: async (query, v, _args, ctx) => {
        if (!v.identityId) return null;
        const snapshot = covers(IDENTITY_SHAPE, query) ? await ctx.viewer() : null;
        return snapshot ? snapshot.identity : ctx.db.identity.findUnique({ ...query, where: { id: v.identityId } });
      },
    }),
    currentProfile: t.prismaField({
      type: Profile,
      nullable: true,
      description: 'The profile this session acts as; null until one is chosen (selectProfile), and once it may no longer act (see currentProfileError).',
      resolve: async (query, v, _args, ctx) => {
        const actor = v.identityId ? await ctx.actor() : null;
        if (!actor?.profile) return null;
        const current = (await ctx.viewer())?.profiles.filter((p) => p.id === actor.profile?.id) ?? [];
        const rows = current.length === 1 ? profileRowsFor(query, current) : null;
        return rows ? (rows[0] as never) : ctx.db.profile.findUnique({ ...query, where: { id: actor.profile.id } });
      },
    }),
    currentProfileError: t.field({
      type: ErrorInterface,
      nullable: true,
      description: "Why the profile this session chose no longer acts, e.g. SERVICE_PLAN_INACTIVE the day after its organization's plan ended (R1); null otherwise.",
      resolve: async (v, _args, ctx) => {
        const lost = v.identityId ? (await ctx.actor())?.lostProfile : null;
        return lost ? lostProfileError(lost) : null;
      },
    }),
    profiles: t.prismaField({
      type: [Profile],
      description: 'Every active profile linked to this identity, usable or not (see Profile.usable).',
      resolve: async (query, v, _args, ctx) => {
        if (!v.identityId) return [];
        const snapshot = await ctx.viewer();
        const rows = snapshot && profileRowsFor(query, snapshot.profiles);
        if (rows) return rows as never;
        return ctx.db.profile.findMany({ ...query, where: { identityId: v.identityId, status: 'ACTIVE' }, orderBy: [{ organization: { name: 'asc' } }, { id: 'asc' }] });
      },
    }),
    isSupport: t.boolean({
      description: 'Whether the current profile is vendor support.',
      resolve: async (v, _args, ctx) => v.identityId !== null && (await ctx.actor())?.role === 'SUPPORT',
    }),
    mayAdminister: t.boolean({
      description: 'Whether the current profile manages at least one organization (administrators, partner administrators, vendor support): the pages under /account/admin/ are for them.',
      resolve: async (v, _args, ctx) => v.identityId !== null && managesAny(await ctx.actor()),
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
const activePlanCount = (today: string) => ({ _count: { select: { servicePlans: { where: activePlanWhere(today) } } } });

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
        ? `The service plan of ${p.organization.name} ended on ${formatDate(ended.endsOn)}. Ask your administrator to renew it.`
        : `${p.organization.name} has no active service plan. Ask your administrator to contact the vendor.`;
    },
  }),
}));

const SelectProfileSuccess = profilePayload('SelectProfileSuccess', 'The session now acts as this profile (under a new session id).');

const SignOutEverywhereSuccess = builder.objectRef<{ endedSessions: number }>('SignOutEverywhereSuccess').implement({
  description: 'Every session of your account has ended, this one included.',
  fields: (t) => ({ endedSessions: t.exposeInt('endedSessions', { description: 'How many sessions ended, this one included.' }) }),
});

const EndSessionsSuccess = builder.objectRef<{ profileId: string; endedSessions: number }>('EndSessionsSuccess').implement({
  description: "The sessions of the account linked to the profile have ended; the person signs in again.",
  fields: (t) => ({
    endedSessions: t.exposeInt('endedSessions', { description: 'How many sessions ended.' }),
    profile: t.prismaField({ type: Profile, description: 'The profile whose person was signed out.', resolve: (query, parent, _args, ctx) => ctx.db.profile.findUniqueOrThrow({ ...query, where: { id: parent.profileId } }) }),
  }),
});

builder.mutationFields((t) => ({
  selectProfile: t.field({
    type: SelectProfileSuccess,
    description: 'Makes one of your profiles the current one. Switch any time; no need to sign out. The session gets a new id.',
    args: { profileId: t.arg.id({ required: true, description: 'One of viewer.profiles.' }) },
    errors: resultOf('selectProfile', [E.NotYourProfileError, E.ServicePlanInactiveError]),
    resolve: async (_root, { profileId }, ctx) => {
      const outcome = await selectProfile(ctx, await ctx.actor(), idArg(profileId, 'Profile'));
      if (outcome.setCookie) ctx.responseCookies.push(outcome.setCookie);
      return outcome;
    },
  }),
  signOutEverywhere: t.field({
    type: SignOutEverywhereSuccess,
    description: 'Ends every session of your account, on every device, this one included.',
    errors: resultOf('signOutEverywhere', []),
    resolve: async (_root, _args, ctx) => signOutEverywhere(ctx, await ctx.actor()),
  }),
  endSessions: t.field({
    type: EndSessionsSuccess,
    description: "Managers: signs the person linked to this profile out everywhere (a lost device, someone leaving).",
    args: { profileId: t.arg.id({ required: true, description: 'The profile whose linked account is signed out.' }) },
    errors: resultOf('endSessions', []),
    resolve: async (_root, { profileId }, ctx) => endSessionsOf(ctx, await ctx.actor(), idArg(profileId, 'Profile')),
  }),
}));
