import { builder } from '../../graphql/builder.js';
import { InvalidInputError } from '../../errors.js';
import { normalizeEmail } from '../input.js';
import { Profile } from '../profiles/schema.js';
import { ACCESS_FINDING_CODES, diagnoseAccess, type Diagnosis, type Finding } from './service.js';

const AccessFindingCode = builder.enumType('AccessFindingCode', {
  description: 'What a finding of diagnoseAccess is about, stable for client apps to switch on.',
  values: Object.fromEntries(Object.entries(ACCESS_FINDING_CODES).map(([code, description]) => [code, { description }])) as { [K in keyof typeof ACCESS_FINDING_CODES]: { description: string } },
});

const AccessFinding = builder.objectRef<Finding>('AccessFinding').implement({
  description: 'One fact about why a person can or cannot get in, in plain language, with the fix.',
  fields: (t) => ({
    code: t.expose('code', { type: AccessFindingCode, description: 'What the finding is about: stable, for client apps to switch on.' }),
    message: t.exposeString('message', { description: 'The fact, in plain language.' }),
    fix: t.exposeString('fix', { description: 'What to do about it.' }),
    helpUrl: t.string({ nullable: true, description: 'The help-site page that explains it, if there is one.', resolve: (f, _args, ctx) => (f.helpPath ? `${ctx.config.helpUrl}${f.helpPath}` : null) }),
    profile: t.prismaField({
      type: Profile,
      nullable: true,
      description: 'The profile it is about; null for a finding about the address as a whole.',
      resolve: (query, f, _args, ctx) => (f.profileId ? ctx.db.profile.findUnique({ ...query, where: { id: f.profileId } }) : null),
    }),
  }),
});

const AccessDiagnosis = builder.objectRef<Diagnosis>('AccessDiagnosis').implement({
  description: 'Why a person can or cannot get in: their profiles in the organizations you manage, and findings.',
  fields: (t) => ({
    email: t.exposeString('email', { description: 'The address diagnosed, trimmed and lower-cased.' }),
    profiles: t.prismaField({
      type: [Profile],
      description: 'The profiles with this address in the organizations you manage.',
      resolve: (query, d, _args, ctx) => ctx.db.profile.findMany({ ...query, where: { id: { in: d.profileIds } }, orderBy: [{ status: 'asc' }, { organization: { name: 'asc' } }] }),
    }),
    findings: t.expose('findings', { type: [AccessFinding], description: 'What is wrong (or right), each with its fix.' }),
  }),
});

builder.queryField('diagnoseAccess', (t) =>
  t.field({
    type: AccessDiagnosis,
    nullable: true,
    description:
      'Administrators (own organizations), partners (customers they serve) and vendor support: why can this address not get in? Null with an `errors` entry (FORBIDDEN, UNAUTHENTICATED) when refused.',
    args: { email: t.arg.string({ required: true, description: 'The address the person uses.' }) },
    resolve: async (_root, { email }, ctx) => {
      const normalized = normalizeEmail(email);
      if (normalized instanceof InvalidInputError) throw normalized;
      return diagnoseAccess(ctx, await ctx.actor(), normalized);
    },
  }),
);
