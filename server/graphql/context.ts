// The GraphQL context is built from the request alone: the session cookie is read straight from its row
// (no express-session or passport on the /graphql path), and the acting profile is loaded only when a
// resolver asks for it: the viewer snapshot (identity, profiles, organizations, plans) in one statement, once per
// request, and the actor derived from it (modules/viewer/load.ts).
import type { YogaInitialContext } from 'graphql-yoga';
import { readSession, requestSession, type SessionInfo } from '../auth/session.js';
import type { Deps } from '../modules/deps.js';
import type { Actor, ApiTokenRef } from '../modules/policy.js';
import { authenticateBearer } from '../modules/tokens/authenticate.js';
import { actorFromSnapshot, viewerSnapshot, type ViewerSnapshot } from '../modules/viewer/load.js';

export type { Actor };

export interface Context extends Deps {
  session: SessionInfo | null;
  /** The API token the request came with (then `session` is null). */
  apiToken: ApiTokenRef | null;
  /** The client's address as express sees it through the trusted proxies, for per-client rate limits. */
  clientAddress: string;
  actor(): Promise<Actor | null>;
  /** The signed-in identity's viewer rows, loaded at most once per request; null signed out. */
  viewer(): Promise<ViewerSnapshot | null>;
  /** The snapshot `viewer()` read, once it has; undefined while nothing asked for it. */
  viewerRead(): ViewerSnapshot | null | undefined;
  /** Set-Cookie headers the response must carry (a session rotated by a profile switch). */
  responseCookies: string[];
}

/** `cookiesOf` lets the response find the cookies a resolver set for its request. */
export function createContextFactory(deps: Deps, cookiesOf: WeakMap<Request, string[]>) {
  return async (initial: YogaInitialContext & { req?: { headers: { cookie?: string }; socket?: { remoteAddress?: string }; ip?: string } }): Promise<Context> => {
    // An API token (Authorization: Bearer) replaces the session; a refused one ends the request here.
    const tokenActor = await authenticateBearer({ ...deps, limiter: deps.services.apiTokenRequests, now: deps.services.now() }, initial.request.headers);
    const session = tokenActor ? null : await (initial.req ? requestSession(deps.db, deps.config, initial.req) : readSession(deps.db, deps.config, initial.request.headers.get('cookie')));
    let viewer: Promise<ViewerSnapshot | null> | undefined;
    let read: ViewerSnapshot | null | undefined;
    let actor: Promise<Actor | null> | undefined = tokenActor ? Promise.resolve(tokenActor) : undefined;
    const loadViewer = () => (viewer ??= (session ? viewerSnapshot(deps.db, session.identityId) : Promise.resolve(null)).then((snapshot) => (read = snapshot)));
    const responseCookies: string[] = [];
    cookiesOf.set(initial.request, responseCookies);
    return {
      ...deps,
      session,
      apiToken: tokenActor?.token ?? null,
      clientAddress: initial.req?.ip ?? initial.req?.socket?.remoteAddress ?? 'unknown',
      viewer: loadViewer,
      viewerRead: () => read,
      actor: () => (actor ??= session ? loadViewer().then((snapshot) => actorFromSnapshot(snapshot, session, deps.services.now())) : Promise.resolve(null)),
      responseCookies,
    };
  };
}
