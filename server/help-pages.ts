// Every help-site page the server links to (e-mails, typed errors, access findings). A test checks each one
// exists in the built site, so a renamed page cannot leave a dead link in an e-mail.
export const HELP_PAGES = {
  acceptInvitation: '/guides/accept-invitation/',
  requestLink: '/guides/request-link/',
  wrongAccountLinked: '/troubleshooting/wrong-account-linked/',
  junkMail: '/troubleshooting/junk-mail/',
  administratorLeft: '/admins/administrator-left/',
  resendInvitation: '/admins/resend-invitation/',
  inviteColleagues: '/admins/invite-colleagues/',
  changeEmail: '/admins/change-email/',
} as const;

/** The page for a typed error code: INVITATION_EXPIRED → /troubleshooting/invitation-expired/ */
export function helpPathFor(code: string): string {
  return `/troubleshooting/${code.toLowerCase().replaceAll('_', '-')}/`;
}

/** Every error code the API can return; each has its page. */
export const ERROR_CODES = [
  'INVITATION_NOT_FOUND',
  'INVITATION_EXPIRED',
  'INVITATION_USED',
  'INVITATION_REPLACED',
  'INVITATION_REVOKED',
  'PROFILE_REMOVED',
  'SERVICE_PLAN_INACTIVE',
  'LAST_ADMINISTRATOR',
  'DUPLICATE_EMAIL',
  'INVALID_INPUT',
  'RATE_LIMITED',
  'NOT_YOUR_PROFILE',
  'EMAIL_CHANGE_LINK_INVALID',
] as const;
