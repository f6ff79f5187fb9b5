// The two e-mails of an e-mail change on a linked profile: the confirmation to the new address, and the notice to
// the old one, which says what is changing, when, by whom, and how to stop it.
import { formatDate } from '../../format.js';
import { HELP_PAGES } from '../../help-pages.js';
import { renderEmail } from './layout.js';

export interface EmailChangeMailInput {
  givenName: string;
  organizationName: string;
  vendorName: string;
  newEmail: string;
  previousEmail: string;
  requestedBy: string;
  at: Date;
  expiresAt: Date;
  helpUrl: string;
  supportEmail: string;
}

export function confirmEmailChangeMail(input: EmailChangeMailInput & { link: string }): { subject: string; html: string; text: string } {
  const { html, text } = renderEmail({
    preheader: `Confirm ${input.newEmail} as your address for ${input.organizationName}.`,
    heading: 'Confirm your new e-mail address',
    paragraphs: [
      `Hello ${input.givenName},`,
      `${input.requestedBy} asked to change the e-mail address of your ${input.organizationName} profile on the ${input.vendorName} portal to ${input.newEmail}. Nothing changes until you confirm it here.`,
    ],
    button: { label: 'Confirm my new address', url: input.link },
    footer: [
      `This link works once and expires on ${formatDate(input.expiresAt, { time: true })}. If you did not expect this e-mail, ignore it: the address stays as it was.`,
      { label: 'Help with changing your address', url: `${input.helpUrl}${HELP_PAGES.changeEmail}` },
    ],
  });
  return { subject: `Confirm your new e-mail address for ${input.organizationName}`, html, text };
}

export function emailChangeNoticeMail(input: EmailChangeMailInput & { cancelLink: string }): { subject: string; html: string; text: string } {
  const { html, text } = renderEmail({
    preheader: `Someone asked to move your ${input.organizationName} profile to another e-mail address.`,
    heading: 'Your e-mail address is about to change',
    paragraphs: [
      `Hello ${input.givenName},`,
      `On ${formatDate(input.at, { time: true })}, ${input.requestedBy} asked to change the e-mail address of your ${input.organizationName} profile on the ${input.vendorName} portal from ${input.previousEmail} to ${input.newEmail}. It changes only when the new address confirms it; until then this address keeps receiving your links and security notices.`,
      `If this is not what you want, stop it with the button below, and tell your administrator or ${input.supportEmail}.`,
    ],
    button: { label: 'Stop this change', url: input.cancelLink },
    footer: [{ label: 'Help with changing your address', url: `${input.helpUrl}${HELP_PAGES.changeEmail}` }],
  });
  return { subject: `Security notice: your ${input.organizationName} profile's e-mail address is about to change`, html, text };
}
