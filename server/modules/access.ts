// Who may see and manage which organization (R10). Every query and mutation that touches an organization's
// people goes through these functions; an unknown id and a forbidden id get the same FORBIDDEN answer.
import type { Prisma } from '../generated/sqlite/client.js';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import type { Actor, Context } from '../graphql/context.js';

export type ActingActor = Actor & { profile: NonNullable<Actor['profile']> };

/** The signed-in person acting as a current profile; UNAUTHENTICATED or FORBIDDEN otherwise. */
export async function requireActingActor(ctx: Context): Promise<ActingActor> {
  if (!ctx.session) throw new UnauthenticatedError();
  const actor = await ctx.actor();
  if (!actor) throw new UnauthenticatedError();
  if (!actor.profile) throw new ForbiddenError('Choose the profile you are acting as first (selectProfile).');
  return actor as ActingActor;
}

/** The organizations whose people this actor manages, as a Prisma filter; null when none. */
export function managedOrganizations(actor: Actor): Prisma.OrganizationWhereInput | null {
  const profile = actor.profile;
  if (!profile) return null;
  switch (actor.role) {
    case 'SUPPORT':
      return {};
    case 'PARTNER':
      return { OR: [{ id: profile.organizationId }, { partnerId: profile.organizationId, kind: 'CUSTOMER' }] };
    case 'ADMIN':
      return { id: profile.organizationId };
    default:
      return null;
  }
}

/** The organizations this actor may see (not necessarily manage): the managed ones plus their own. */
export function visibleOrganizations(actor: Actor): Prisma.OrganizationWhereInput | null {
  if (!actor.profile) return null;
  // Support sees everything; written as {} alone because Prisma reads an empty filter inside OR as matching nothing.
  if (actor.role === 'SUPPORT') return {};
  const managed = managedOrganizations(actor);
  return managed ? { OR: [managed, { id: actor.profile.organizationId }] } : { id: actor.profile.organizationId };
}

export async function canManageOrganization(ctx: Context, actor: Actor, organizationId: string): Promise<boolean> {
  const managed = managedOrganizations(actor);
  if (!managed) return false;
  if (actor.role === 'SUPPORT') return true;
  const found = await ctx.db.organization.count({ where: { AND: [{ id: organizationId }, managed] } });
  return found === 1;
}

export async function requireSupport(ctx: Context): Promise<ActingActor> {
  const actor = await requireActingActor(ctx);
  if (actor.role !== 'SUPPORT') throw new ForbiddenError('Only vendor support may do this.');
  return actor;
}
