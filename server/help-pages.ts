import { ERROR_CODES as ERROR_CODE_MEANINGS, type ErrorCode } from './errors.js';

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

/** Every error code the API can return (server/errors.ts); each has its page. */
export const ERROR_CODE_LIST = Object.keys(ERROR_CODE_MEANINGS) as ErrorCode[];
