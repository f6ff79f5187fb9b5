// Shared by the administration pages (/account/admin/…): who may be here, the refusal for everyone else, and the
// words for a person's state and an invitation's delivery. The pages decide nothing: the API refuses, they explain.
import { fill, formatDate, showView } from './dom.js';
import { graphql, RequestFailed } from './graphql.js';
import { loadViewer, type ViewerData } from './viewer.js';

/** The profile fields every administration view shows a person's state with. */
export const PERSON_STATE_FIELDS = `associationStatus
  associatedIdentity { email lastSignInAt provider { displayName } }
  latestInvitation { id state sentTo createdAt expiresAt delivery { status lastError attempts sentAt } }`;

export interface Delivery {
  status: 'QUEUED' | 'SENDING' | 'SENT' | 'RETRYING' | 'FAILED';
  lastError: string | null;
  attempts: number;
  sentAt: string | null;
}

export interface InvitationSummary {
  id: string;
  state: 'PENDING' | 'ACCEPTED' | 'EXPIRED' | 'REPLACED' | 'REVOKED' | 'PROFILE_REMOVED';
  sentTo: string;
  createdAt: string;
  expiresAt: string;
  delivery: Delivery | null;
}

export interface PersonState {
  associationStatus: 'LINKED' | 'INVITED' | 'NOT_LINKED' | null;
  associatedIdentity: { email: string | null; lastSignInAt: string | null; provider: { displayName: string } } | null;
  latestInvitation: InvitationSummary | null;
}

/** "Linked: personal account, last signed in 3 May 2026" / "Invited: pending, expires on …" / "No link sent". */
export function stateText(person: PersonState): string {
  const identity = person.associatedIdentity;
  if (person.associationStatus === 'LINKED' && identity) {
    const last = identity.lastSignInAt ? `last signed in ${formatDate(identity.lastSignInAt)}` : 'not signed in yet';
    return `Linked: ${identity.provider.displayName.toLowerCase()}, ${last}`;
  }
  const invitation = person.latestInvitation;
  if (!invitation) return 'Not linked: no link sent';
  return `Not linked: ${invitationStateText(invitation)}`;
}

export function invitationStateText(invitation: InvitationSummary): string {
  switch (invitation.state) {
    case 'PENDING':
      return `invited, link pending, expires on ${formatDate(invitation.expiresAt)}`;
    case 'EXPIRED':
      return `link expired on ${formatDate(invitation.expiresAt)}`;
    case 'REVOKED':
      return 'link revoked';
    case 'REPLACED':
      return 'link replaced by a newer one';
    case 'ACCEPTED':
      return 'link used, account since unlinked';
    default:
      return 'profile removed';
  }
}

/** The invitation e-mail's delivery in words, quoting the mail server's reply when it refused or stalled. */
export function deliveryText(delivery: Delivery | null | undefined): string {
  if (!delivery) return 'no e-mail sent';
  switch (delivery.status) {
    case 'SENT':
      return delivery.sentAt ? `sent on ${formatDate(delivery.sentAt)}` : 'sent';
    case 'FAILED':
      return `failed: ${delivery.lastError ?? 'refused by the mail server'}`;
    case 'RETRYING':
      return `retrying (${delivery.attempts} attempts so far): ${delivery.lastError ?? 'no reply'}`;
    case 'SENDING':
      return 'sending';
    default:
      return 'queued';
  }
}

/** The short word the people table shows in the delivery column. */
export function deliveryWord(delivery: Delivery | null | undefined): string {
  return delivery ? (delivery.status === 'FAILED' ? 'failed' : delivery.status.toLowerCase()) : 'none';
}

/** A failure as a sentence for the page. */
export function failureText(failure: unknown): string {
  return failure instanceof RequestFailed ? failure.message : 'Something went wrong. Try again.';
}

/** Whether a request failed because the API refused it (not allowed here, or signed out). */
export function isRefusal(failure: unknown): boolean {
  return failure instanceof RequestFailed && (failure.code === 'FORBIDDEN' || failure.code === 'UNAUTHENTICATED');
}

const ADMINISTRATORS = `query MyAdministrators { viewer { currentProfile { organization { name administrators { displayName } } } } }`;

/** The refusal: a plain page naming the person's administrators, whom to ask instead. */
export async function showRefusal(root: HTMLElement): Promise<void> {
  const view = showView(root, 'refused', true);
  let who = 'Ask the administrator of your organization.';
  try {
    const data = await graphql<{ viewer: { currentProfile: { organization: { name: string; administrators: Array<{ displayName: string }> | null } } | null } }>(ADMINISTRATORS);
    const organization = data.viewer.currentProfile?.organization;
    const names = organization?.administrators?.map((a) => a.displayName) ?? [];
    if (organization && names.length) who = `The administrators of ${organization.name}: ${names.join(', ')}. Ask them to make the change, or to make you an administrator.`;
    else if (organization) who = `${organization.name} has no administrator at the moment: contact vendor support.`;
  } catch {
    // The sentence above still helps.
  }
  fill(view, { administrators: who });
}

/**
 * The first step of every administration page: signed in, acting as a profile that manages something. Shows the
 * matching view and resolves null otherwise.
 */
export async function enterAdmin(root: HTMLElement): Promise<ViewerData | null> {
  showView(root, 'loading');
  // Before the first request: "Try again" must reload this page even when that request fails.
  const here = location.pathname + location.search;
  for (const link of root.querySelectorAll<HTMLAnchorElement>('[data-sign-in-here]')) link.href = `/account/sign-in/?returnTo=${encodeURIComponent(here)}`;
  for (const link of root.querySelectorAll<HTMLAnchorElement>('[data-reload]')) link.href = here;
  let viewer: ViewerData;
  try {
    viewer = await loadViewer();
  } catch (failure) {
    fill(showView(root, 'problem'), { problem: failureText(failure) });
    return null;
  }
  if (!viewer.signedIn) {
    showView(root, 'signed-out');
    return null;
  }
  if (!viewer.currentProfile) {
    showView(root, 'no-current');
    return null;
  }
  if (!viewer.mayAdminister) {
    await showRefusal(root);
    return null;
  }
  return viewer;
}

/** The query's value, or null when absent or malformed. */
export function queryParam(name: string): string | null {
  const value = new URLSearchParams(location.search).get(name);
  return value && /^[A-Za-z0-9=_:+/-]{1,200}$/.test(value) ? value : null;
}

/** "1 person", "3 people": a count with its noun. */
export function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}
