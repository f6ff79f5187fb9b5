// Long-lived collaborators that resolvers and services share, created once by createApp.
import type { LinkRequestLimiter } from './modules/invitations/rate-limit.js';
import type { ApiTokenRequestLimiter } from './modules/tokens/authenticate.js';

export interface AppServices {
  /** The time now; tests replace it to move through expiry dates. */
  now(): Date;
  /** Tells the outbox worker that new mail was committed, so it need not wait for its next poll. */
  mailQueued(): void;
  linkRequests: LinkRequestLimiter;
  apiTokenRequests: ApiTokenRequestLimiter;
}
