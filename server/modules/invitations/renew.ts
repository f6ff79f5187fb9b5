// "Send me a new link" on an expired or replaced link's screen, in one click: the old link itself is the proof. It
// renews the link of THAT profile only, to the profile's own address, whoever holds it; a used or revoked link (or
// one of a removed profile) renews nothing. The answer and its timing are the same in every case (like R8), and the
// requests are limited per link and per client.
import { SYSTEM_ACTOR } from '../audit/service.js';
import type { Deps } from '../deps.js';
import { answerAlike, findByToken, invitationState, issueInvitation } from './service.js';
import { hashToken } from './tokens.js';

export const NEW_LINK_ANSWER =
  'If this link can be renewed, a new one is on its way to the address it was sent to. Check your inbox and junk mail in a few minutes.';

/** Renews the link of the token's profile when the token is expired or replaced; tells whether it did (for tests and logs only). */
async function renewLink(deps: Deps, token: string): Promise<boolean> {
  const invitation = await findByToken(deps.db, token);
  if (!invitation) return false;
  const state = invitationState(invitation, invitation.profile.status, deps.services.now());
  if (state !== 'EXPIRED' && state !== 'REPLACED') return false;
  const { profile } = invitation;
  const actor = { ...SYSTEM_ACTOR, displayName: 'New-link request from an old link' };
  await deps.db.$transaction((tx) => issueInvitation(tx, deps, { profile, organizationName: profile.organization.name, purpose: invitation.purpose, actor }));
  return true;
}

export async function requestNewLink(deps: Deps, clientAddress: string, rawToken: string): Promise<{ message: string }> {
  const started = Date.now();
  const token = rawToken.trim().slice(0, 100);
  // Keyed by the link, not the address: whether a link belongs to anyone must not change the count.
  const limited = await deps.services.linkRequests.consume(`link:${hashToken(token)}`, clientAddress);
  if (limited) throw limited;
  await answerAlike(deps, started, 'requestNewLink', () => renewLink(deps, token));
  return { message: NEW_LINK_ANSWER };
}
