// `node(id)`, through the access rules. The relay plugin's own node/nodes queries load any object by id, so they
// are off (builder.ts) and this one asks each type's loader, which filters by what the viewer may see. Whatever
// the viewer may not see answers null, exactly as an id that does not exist.
import { brandWithType } from '@pothos/core';
import { queryFromInfo } from '@pothos/plugin-prisma';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context.js';
import { profileScope, scope, type Actor } from '../policy.js';


/**
 * Loads one object of a type by database id, for this actor; null when it does not exist or the actor may not
 * see it. `query` is the Prisma selection the request needs: spread it into the find call.
 */
export type NodeLoader = (ctx: Context, actor: Actor, id: string, query: object) => Promise<object | null>;

const loaders = new Map<string, NodeLoader>();

/** The extension point for other modules' node types (e.g. Invitation): register its loader with its access rule. */
export function registerNodeLoader(typename: string, loader: NodeLoader): void {
  loaders.set(typename, loader);
}

registerNodeLoader('Organization', (ctx, actor, id, query) => {
  const visible = scope(actor, 'organization.see');
  return visible ? ctx.db.organization.findFirst({ ...query, where: { AND: [{ id }, visible] } }) : Promise.resolve(null);
});

registerNodeLoader('ServicePlan', (ctx, actor, id, query) => {
  const visible = scope(actor, 'organization.see');
  return visible ? ctx.db.servicePlan.findFirst({ ...query, where: { id, organization: visible } }) : Promise.resolve(null);
});

// A profile is reachable by its organization's managers, its own person, and, for administrators, whoever sees
// the organization (to know whom to ask): policy.profileScope.
registerNodeLoader('Profile', (ctx, actor, id, query) => {
  const reachable = profileScope(actor);
  return reachable ? ctx.db.profile.findFirst({ ...query, where: { AND: [{ id }, reachable] } }) : Promise.resolve(null);
});

registerNodeLoader('AuditEvent', (ctx, actor, id, query) => {
  const managed = scope(actor, 'organization.manage');
  if (!managed) return Promise.resolve(null);
  // An empty scope (support) also reaches the events of no organization.
  return ctx.db.auditEvent.findFirst({ ...query, where: Object.keys(managed).length === 0 ? { id } : { id, organization: managed } });
});

registerNodeLoader('Identity', (ctx, actor, id, query) =>
  id === actor.identityId ? ctx.db.identity.findUnique({ ...query, where: { id } }) : Promise.resolve(null),
);

builder.queryField('node', (t) =>
  t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description: 'Any object by its id, if you may see it; null otherwise (also for ids that do not exist).',
    args: { id: t.arg.id({ required: true, description: 'A global id, as any `id` field gives it.' }) },
    resolve: async (_root, args, ctx, info) => {
      const actor = await ctx.actor();
      if (!actor) return null;
      let decoded: { typename: string; id: string };
      try {
        decoded = decodeGlobalID(String(args.id));
      } catch {
        return null;
      }
      const loader = loaders.get(decoded.typename);
      if (!loader || decoded.id.length > 64) return null;
      const query = await queryFromInfo({ context: ctx, info, typeName: decoded.typename, awaitSelections: true });
      const record = await loader(ctx, actor, decoded.id, query);
      if (!record) return null;
      // The Node interface resolves an object's type from this brand.
      brandWithType(record, decoded.typename as never);
      return record;
    },
  }),
);
