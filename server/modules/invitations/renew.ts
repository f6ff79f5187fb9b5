// "Send me a new link" on an expired or replaced link's screen, in one click: the old link itself is the proof. It
// renews the link of THAT profile only, to the profile's own address, whoever holds it; a used or revoked link (or
// one of a removed profile) renews nothing. The answer and its timing are the same in every case (like R8), and the
// requests are limited per link and per client.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../db/client.js';
import * as E from '../../errors.js';
import { builder } from '../../graphql/builder.js';
import { resultOf } from '../../graphql/results.js';
import { SYSTEM_ACTOR } from '../audit/service.js';
import { invitationState, issueInvitation, type InvitationDeps } from './service.js';
import { hashToken, isWellFormedToken } from './tokens.js';

export const NEW_LINK_ANSWER =
  'If this link can be renewed, a new one is on its way to the address it was sent to. Check your inbox and junk mail in a few minutes.';

/** Renews the link of the token's profile when the token is expired or replaced; tells whether it did (for tests and logs only). */
export async function renewLink(db: Db, deps: InvitationDeps, token: string): Promise<boolean> {
  if (!isWellFormedToken(token)) return false;
  const invitation = await db.invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { profile: { select: { id: true, email: true, givenName: true, familyName: true, organizationId: true, status: true, organization: { select: { name: true } } } } },
  });
  if (!invitation) return false;
  const state = invitationState(invitation, invitation.profile.status, deps.services.now());
  if (state !== 'EXPIRED' && state !== 'REPLACED') return false;
  const { profile } = invitation;
  const actor = { ...SYSTEM_ACTOR, displayName: 'New-link request from an old link' };
  await db.$transaction((tx) => issueInvitation(tx, deps, { profile, organizationName: profile.organization.name, purpose: invitation.purpose, actor }));
  return true;
}

const RequestNewLinkSuccess = builder.objectRef<{ message: string }>('RequestNewLinkSuccess').implement({
  description: 'The same answer whether or not a new link was sent.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

builder.mutationField('requestNewLink', (t) =>
  t.field({
    type: RequestNewLinkSuccess,
    description:
      "Sends a fresh link for the profile of an expired or replaced link, to that profile's address. A used or revoked link sends nothing; the answer is the same either way.",
    args: { token: t.arg.string({ required: true }) },
    errors: resultOf('requestNewLink', [E.RateLimitedError]),
    resolve: async (_root, { token: raw }, ctx) => {
      const started = Date.now();
      const token = raw.trim().slice(0, 100);
      // Keyed by the link, not the address: whether a link belongs to anyone must not change the count.
      const limited = await ctx.services.linkRequests.consume(`link:${hashToken(token)}`, ctx.clientAddress);
      if (limited) throw limited;
      try {
        await renewLink(ctx.db, ctx, token);
      } catch (error) {
        // The answer must not differ when sending fails; the log keeps the cause.
        ctx.logger.error({ err: error }, 'requestNewLink failed');
      }
      const wait = ctx.config.linkRequestMinMs - (Date.now() - started);
      if (wait > 0) await sleep(wait);
      return { message: NEW_LINK_ANSWER };
    },
  }),
);
