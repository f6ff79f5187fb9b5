// API tokens as the API shows them: Organization.apiTokens for the people who manage the organization's tokens,
// createApiToken (the one answer that carries the secret) and revokeApiToken. Neither the secret nor its hash is
// ever a field.
import { builder } from '../../graphql/builder.js';
import * as E from '../../errors.js';
import { idArg } from '../../graphql/ids.js';
import { resultOf } from '../../graphql/results.js';
import { Organization } from '../organizations/schema.js';
import { can, scope } from '../policy.js';
import { registerNodeLoader } from '../node/schema.js';
import { createApiToken, MAX_LIFETIME_DAYS, MAX_NAME_CHARS, revokeApiToken } from './service.js';

export const ApiTokenRole = builder.enumType('ApiTokenRole', {
  description: "What an API token may do. A token's role is never above its creator's (SUPPORT > PARTNER > ADMIN > MEMBER), and each but MEMBER belongs to one kind of organization.",
  values: {
    SUPPORT: { description: "Vendor support's rights, on every organization. Vendor tokens only." },
    PARTNER: { description: "A partner administrator's rights: the partner and the customers it serves. Partner tokens only." },
    ADMIN: { description: "A customer administrator's rights in the customer organization. Customer tokens only." },
    MEMBER: { description: "A professional's rights: reads its organization's name, plans and administrators; changes nothing." },
  } as const,
});

const ApiTokenState = builder.enumType('ApiTokenState', {
  description: 'Whether a token works.',
  values: {
    ACTIVE: { description: 'It works until expiresAt.' },
    EXPIRED: { description: 'Its time ran out; create a new one.' },
    REVOKED: { description: 'Someone revoked it; it never works again.' },
  } as const,
});

export const ApiToken = builder.prismaNode('ApiToken', {
  id: { field: 'id' },
  description: 'A token for integrations and scripts, sent as `Authorization: Bearer <secret>`, acting for its organization with its role. The secret itself is shown once, by createApiToken.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'What uses it; unique in the organization among unrevoked tokens.' }),
    role: t.expose('role', { type: ApiTokenRole, description: 'What it may do.' }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the secret, to tell tokens apart; not enough to use it.' }),
    organization: t.relation('organization', { description: 'The organization it acts for.' }),
    createdBy: t.relation('createdBy', { description: 'Who created it. The token stops working if they lose the rights it was given.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When it stops working, at most a year after creation.' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'Its latest request (to the minute); null if never used.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true, description: 'When it was revoked, if it was.' }),
    revokedBy: t.relation('revokedBy', { nullable: true, description: 'Who revoked it, if someone did.' }),
    state: t.field({
      type: ApiTokenState,
      description: 'Whether it works now.',
      select: { revokedAt: true, expiresAt: true },
      resolve: (token, _args, ctx) => (token.revokedAt ? 'REVOKED' : token.expiresAt.getTime() <= ctx.services.now().getTime() ? 'EXPIRED' : 'ACTIVE'),
    }),
  }),
});

registerNodeLoader('ApiToken', (ctx, actor, id, query) => {
  const own = scope(actor, 'organization.tokens');
  return own ? ctx.db.apiToken.findFirst({ ...query, where: { id, organization: own } }) : Promise.resolve(null);
});

builder.prismaObjectField(Organization, 'apiTokens', (t) =>
  t.relatedConnection(
    'apiTokens',
    {
      description: "The organization's API tokens, newest first; never their secrets. Only for the people who manage its tokens: its administrators (and, for their own organization, partner administrators and vendor support), never a token.",
      nullable: true,
      cursor: 'id',
      totalCount: true,
      args: { includeRevoked: t.arg.boolean({ defaultValue: false, description: 'Also list revoked tokens.' }) },
      query: (args) => ({ where: args.includeRevoked ? {} : { revokedAt: null }, orderBy: [{ createdAt: 'desc' as const }, { id: 'desc' as const }] }),
      authScopes: async (org, _args, ctx) => can(await ctx.actor(), 'organization.tokens', org),
    },
    { name: 'ApiTokenConnection', description: 'A page of API tokens.' },
    { name: 'ApiTokenEdge', description: 'An API token in a page.' },
  ),
);

const CreateApiTokenInput = builder.inputType('CreateApiTokenInput', {
  description: 'A new API token for your own organization.',
  fields: (t) => ({
    organizationId: t.id({ required: true, description: 'Your own organization (the one your current profile belongs to).' }),
    name: t.string({ required: true, description: `What will use it, 1 to ${MAX_NAME_CHARS} characters; unique among the organization's unrevoked tokens.` }),
    role: t.field({ type: ApiTokenRole, required: true, description: 'What it may do; at most your own rights.' }),
    expiresInDays: t.int({ required: true, description: `How long it works: 1 to ${MAX_LIFETIME_DAYS} days.` }),
  }),
});

const CreateApiTokenSuccess = builder.objectRef<{ apiTokenId: string; secret: string }>('CreateApiTokenSuccess').implement({
  description: 'The token was created. `secret` is shown here once and never again: store it now.',
  fields: (t) => ({
    apiToken: t.prismaField({
      type: ApiToken,
      description: 'The new token.',
      resolve: (query, parent, _args, ctx) => ctx.db.apiToken.findUniqueOrThrow({ ...query, where: { id: parent.apiTokenId } }),
    }),
    secret: t.exposeString('secret', { description: 'Send it as `Authorization: Bearer <secret>`. Only its hash is kept, so it cannot be shown again.' }),
  }),
});

const RevokeApiTokenSuccess = builder.objectRef<{ apiTokenId: string }>('RevokeApiTokenSuccess').implement({
  description: 'The token no longer works, from its next request on.',
  fields: (t) => ({
    apiToken: t.prismaField({
      type: ApiToken,
      description: 'The revoked token.',
      resolve: (query, parent, _args, ctx) => ctx.db.apiToken.findUniqueOrThrow({ ...query, where: { id: parent.apiTokenId } }),
    }),
  }),
});

builder.mutationFields((t) => ({
  createApiToken: t.field({
    type: CreateApiTokenSuccess,
    description: "Administrators and vendor support: creates an API token for their own organization, with a role no higher than their own and an expiry within a year. The answer carries the secret, once. Not with an API token.",
    args: { input: t.arg({ type: CreateApiTokenInput, required: true, description: 'The name, role and lifetime of the token.' }) },
    errors: resultOf('createApiToken', [E.InvalidInputError]),
    resolve: async (_root, { input }, ctx) => createApiToken(ctx, await ctx.actor(), { ...input, organizationId: idArg(input.organizationId, 'Organization') }),
  }),
  revokeApiToken: t.field({
    type: RevokeApiTokenSuccess,
    description: 'Administrators and vendor support: stops one of their organization\'s API tokens for good. Revoking a revoked token changes nothing.',
    args: { apiTokenId: t.arg.id({ required: true, description: 'The token to revoke.' }) },
    errors: resultOf('revokeApiToken', []),
    resolve: async (_root, { apiTokenId }, ctx) => revokeApiToken(ctx, await ctx.actor(), idArg(apiTokenId, 'ApiToken')),
  }),
}));
