// The GraphQL context is built from the request alone: the session cookie is read straight from its row
// (no express-session or passport on the /graphql path), and the acting profile is loaded only when a
// resolver asks for it.
import type { YogaInitialContext } from 'graphql-yoga';
import { readSession, type SessionInfo } from '../auth/session.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { AppServices } from '../services.js';

export type Role = 'SUPPORT' | 'PARTNER' | 'ADMIN' | 'SELF';

export interface Actor {
  identityId: string;
  sessionKey: string;
  identityDisplayName: string | null;
  /** The current profile, when it is still ACTIVE and still linked to this identity. */
  profile: { id: string; organizationId: string; isAdministrator: boolean; displayName: string; organizationKind: 'CUSTOMER' | 'PARTNER' | 'VENDOR' } | null;
  /** What the current profile allows: vendor support, a partner's administrator, a customer's administrator, or only oneself. */
  role: Role | null;
}

export interface Context {
  db: Db;
  config: Config;
  logger: Logger;
  services: AppServices;
  session: SessionInfo | null;
  /** The client's address, for per-client rate limits. */
  clientAddress: string;
  actor(): Promise<Actor | null>;
}

export interface ContextDeps {
  db: Db;
  config: Config;
  logger: Logger;
  services: AppServices;
}

export function roleOf(profile: { isAdministrator: boolean; organizationKind: 'CUSTOMER' | 'PARTNER' | 'VENDOR' }): Role {
  if (profile.organizationKind === 'VENDOR') return 'SUPPORT';
  if (!profile.isAdministrator) return 'SELF';
  return profile.organizationKind === 'PARTNER' ? 'PARTNER' : 'ADMIN';
}

export async function loadActor(db: Db, session: SessionInfo): Promise<Actor | null> {
  const identity = await db.identity.findUnique({
    where: { id: session.identityId },
    select: {
      displayName: true,
      email: true,
      profiles: {
        where: { id: session.currentProfileId ?? '', status: 'ACTIVE' },
        select: { id: true, organizationId: true, isAdministrator: true, givenName: true, familyName: true, organization: { select: { kind: true } } },
      },
    },
  });
  if (!identity) return null;
  const current = identity.profiles[0];
  const profile = current
    ? {
        id: current.id,
        organizationId: current.organizationId,
        isAdministrator: current.isAdministrator,
        displayName: `${current.givenName} ${current.familyName}`,
        organizationKind: current.organization.kind,
      }
    : null;
  return {
    identityId: session.identityId,
    sessionKey: session.key,
    identityDisplayName: identity.displayName ?? identity.email,
    profile,
    role: profile ? roleOf(profile) : null,
  };
}

export function createContextFactory(deps: ContextDeps) {
  return async (initial: YogaInitialContext & { req?: { socket?: { remoteAddress?: string }; ip?: string } }): Promise<Context> => {
    const session = await readSession(deps.db, deps.config, initial.request.headers.get('cookie'));
    let actor: Promise<Actor | null> | undefined;
    return {
      ...deps,
      session,
      clientAddress: initial.req?.ip ?? initial.req?.socket?.remoteAddress ?? 'unknown',
      actor: () => (actor ??= session ? loadActor(deps.db, session) : Promise.resolve(null)),
    };
  };
}
