// diagnoseAccess: why can this person not get in? For every profile with the address that the caller may manage,
// the facts (organization and plan, status, linked account, latest link and its delivery) and plain findings,
// each with the fix. Vendor support sees every organization; administrators and partners their own.
import type { Prisma } from '../../generated/sqlite/client.js';
import { ForbiddenError } from '../../errors.js';
import { formatDate } from '../../format.js';
import type { Deps } from '../deps.js';
import { requireActing, scope, type Actor } from '../policy.js';
import { HELP_PAGES, helpPathFor } from '../../help-pages.js';
import { activePlan, isoDay, lastEndedPlan } from '../organizations/plans.js';
import { invitationState } from '../invitations/service.js';

/** Every finding diagnoseAccess can report, with what it means: the one list (the GraphQL enum AccessFindingCode). */
export const ACCESS_FINDING_CODES = {
  LINKED: 'A sign-in account is linked; the finding says which and when it last signed in.',
  NOT_INVITED: 'No account is linked and no link was ever sent.',
  INVITATION_PENDING: 'A link was sent and still works; nobody has used it yet.',
  INVITATION_EXPIRED: 'The latest link expired before it was used.',
  INVITATION_REVOKED: 'The latest link was cancelled.',
  INVITATION_REPLACED: 'The latest link was replaced by a newer one.',
  NOT_LINKED: 'A link was used, but the account was unlinked since.',
  DELIVERY_FAILED: "The e-mail with the link was refused for good; the finding quotes the mail server's reply.",
  DELIVERY_RETRYING: 'The e-mail with the link failed for now and is being retried.',
  SERVICE_PLAN_INACTIVE: "The customer organization's service plan does not cover today.",
  NO_ADMINISTRATOR: 'The organization has no active administrator.',
  PROFILE_REMOVED: 'The profile was removed.',
  NO_PROFILE: 'No profile with this address in the organizations you manage.',
} as const;

export type AccessFindingCode = keyof typeof ACCESS_FINDING_CODES;

export interface Finding {
  code: AccessFindingCode;
  message: string;
  fix: string;
  helpPath: string | null;
  profileId: string | null;
}

export interface Diagnosis { email: string; profileIds: string[]; findings: Finding[] }

const diagnosisSelect = {
  id: true,
  givenName: true,
  familyName: true,
  status: true,
  removedAt: true,
  identityId: true,
  identity: { select: { provider: true, email: true, lastSignInAt: true } },
  organization: {
    select: {
      name: true,
      kind: true,
      servicePlans: { select: { name: true, startsOn: true, endsOn: true } },
      profiles: { where: { status: 'ACTIVE', isAdministrator: true }, select: { id: true }, take: 1 },
    },
  },
  invitations: { orderBy: { createdAt: 'desc' }, take: 1, include: { emails: { orderBy: { createdAt: 'desc' }, take: 1 } } },
} satisfies Prisma.ProfileSelect;

type DiagnosedProfile = Prisma.ProfileGetPayload<{ select: typeof diagnosisSelect }>;

const day = (at: Date | null | undefined) => (at ? formatDate(at) : 'never');

export function findingsFor(profile: DiagnosedProfile, now: Date): Finding[] {
  const name = `${profile.givenName} ${profile.familyName}`;
  const org = profile.organization;
  const today = isoDay(now);
  const findings: Finding[] = [];
  const add = (code: AccessFindingCode, message: string, fix: string, helpPath: string | null = null) => findings.push({ code, message, fix, helpPath, profileId: profile.id });

  if (profile.status === 'REMOVED') {
    add('PROFILE_REMOVED', `${name}'s profile at ${org.name} was removed on ${day(profile.removedAt)}.`, 'If they still need access, add them again with addProfessional.', helpPathFor('PROFILE_REMOVED'));
    return findings;
  }
  if (org.kind === 'CUSTOMER' && !activePlan(org.servicePlans, today)) {
    const ended = lastEndedPlan(org.servicePlans, today);
    add(
      'SERVICE_PLAN_INACTIVE',
      ended ? `The service plan "${ended.name}" of ${org.name} ended on ${formatDate(ended.endsOn)}, so no one there can use the portal.` : `${org.name} has no service plan covering today, so no one there can use the portal.`,
      'Vendor support renews the plan with setServicePlan.',
      helpPathFor('SERVICE_PLAN_INACTIVE'),
    );
  }
  if (org.profiles.length === 0) {
    add('NO_ADMINISTRATOR', `${org.name} has no active administrator.`, 'Vendor support designates one with designateAdministrator.', HELP_PAGES.administratorLeft);
  }

  const invitation = profile.invitations[0];
  const email = invitation?.emails[0];
  if (invitation && email?.status === 'FAILED') {
    add(
      'DELIVERY_FAILED',
      `The e-mail with ${name}'s link to ${invitation.sentTo} could not be delivered: ${email.lastError ?? 'rejected by the mail server'}.`,
      'Correct the address with updateProfile if it is wrong, then send a new link with resendInvitation.',
      HELP_PAGES.changeEmail,
    );
  } else if (invitation && email?.status === 'RETRYING') {
    add('DELIVERY_RETRYING', `The e-mail with ${name}'s link is being retried (${email.attempts} attempt(s); last reply: ${email.lastError ?? 'none'}).`, 'Nothing to do yet; if it keeps failing, check the address.');
  }

  if (profile.identityId && profile.identity) {
    const account = `${profile.identity.provider === 'work' ? 'work or school' : 'personal'} account ${profile.identity.email ?? '(no e-mail)'}`;
    add(
      'LINKED',
      `${name} is linked to the ${account}; last sign-in ${day(profile.identity.lastSignInAt)}.`,
      'If they sign in with another account, they see no profile: they should use this one, or link the other with sendMyAssociationEmail / resendInvitation.',
      HELP_PAGES.wrongAccountLinked,
    );
    return findings;
  }

  if (!invitation) {
    add('NOT_INVITED', `${name} has no linked account and was never sent a link.`, 'Send an invitation with resendInvitation.', HELP_PAGES.resendInvitation);
    return findings;
  }
  const state = invitationState(invitation, profile.status, now);
  const sent = `sent to ${invitation.sentTo} on ${day(invitation.createdAt)}`;
  const byState: Record<string, [AccessFindingCode, string, string, string]> = {
    PENDING: ['INVITATION_PENDING', `${name} has no linked account yet; their link (${sent}) works until ${day(invitation.expiresAt)}.`, 'Ask them to open the e-mail (check junk mail), or send a new link with resendInvitation.', HELP_PAGES.junkMail],
    EXPIRED: ['INVITATION_EXPIRED', `${name}'s link (${sent}) expired on ${day(invitation.expiresAt)} before it was used.`, 'Send a new link with resendInvitation.', helpPathFor('INVITATION_EXPIRED')],
    REVOKED: ['INVITATION_REVOKED', `${name}'s latest link (${sent}) was revoked.`, 'Send a new link with resendInvitation.', helpPathFor('INVITATION_REVOKED')],
    REPLACED: ['INVITATION_REPLACED', `${name}'s latest link (${sent}) was replaced.`, 'Send a new link with resendInvitation.', helpPathFor('INVITATION_REPLACED')],
    ACCEPTED: ['NOT_LINKED', `${name}'s link was used, but no account is linked now (it was unlinked).`, 'Send a new link with resendInvitation.', HELP_PAGES.resendInvitation],
  };
  const entry = byState[state];
  if (entry) add(...entry);
  return findings;
}

export async function diagnoseAccess(deps: Pick<Deps, 'db' | 'services'>, actor: Actor | null, email: string): Promise<Diagnosis> {
  const managed = scope(requireActing(actor), 'organization.manage');
  if (!managed) throw new ForbiddenError('Only administrators, partners and vendor support can diagnose access.');
  const profiles = await deps.db.profile.findMany({
    where: { email, organization: managed },
    select: diagnosisSelect,
    orderBy: [{ status: 'asc' }, { organization: { name: 'asc' } }],
  });
  const now = deps.services.now();
  const findings = profiles.flatMap((p) => findingsFor(p, now));
  if (profiles.length === 0) {
    findings.push({
      code: 'NO_PROFILE',
      message: `No profile with the address ${email} exists in the organizations you manage.`,
      fix: 'Check the spelling, or ask which address their organization registered; add them with addProfessional.',
      helpPath: HELP_PAGES.inviteColleagues,
      profileId: null,
    });
  }
  return { email, profileIds: profiles.map((p) => p.id), findings };
}
