// The association e-mail. Seed lesson: people got stuck when links came in the wrong order, so the steps are
// written in the order they are needed, with one button, the expiry date and a warning not to forward it.
import { formatDate } from '../../format.js';
import { HELP_PAGES } from '../../help-pages.js';
import { renderEmail } from './layout.js';

export interface AssociationMailInput {
  purpose: 'INVITATION' | 'SELF_SERVICE' | 'REASSOCIATION';
  givenName: string;
  organizationName: string;
  vendorName: string;
  link: string;
  expiresAt: Date;
  portalUrl: string;
  helpUrl: string;
}

export function associationMail(input: AssociationMailInput): { subject: string; html: string; text: string } {
  const expires = formatDate(input.expiresAt, { time: true });
  const intro: Record<AssociationMailInput['purpose'], { subject: string; heading: string; lead: string }> = {
    INVITATION: {
      subject: `You are invited to the ${input.vendorName} portal for ${input.organizationName}`,
      heading: `Welcome to the ${input.vendorName} portal`,
      lead: `${input.organizationName} has added you to the ${input.vendorName} customer portal. To get in, link a sign-in account of yours to your profile.`,
    },
    SELF_SERVICE: {
      subject: `Your link to the ${input.vendorName} portal for ${input.organizationName}`,
      heading: 'Here is the link you asked for',
      lead: `Someone (we hope you) asked for the links to your profiles. This one is for ${input.organizationName}.`,
    },
    REASSOCIATION: {
      subject: `Link another account to your ${input.organizationName} profile`,
      heading: 'Link a different sign-in account',
      lead: `You asked to link another sign-in account to your ${input.organizationName} profile. Once you confirm, that account replaces the one linked now.`,
    },
  };
  const { subject, heading, lead } = intro[input.purpose];
  const { html, text } = renderEmail({
    preheader: `Your personal link for ${input.organizationName}, valid until ${expires}.`,
    heading,
    paragraphs: [`Hello ${input.givenName},`, lead],
    steps: [
      'Have a personal account or a work or school account ready. If you have neither, create a personal account first: any e-mail address will do.',
      'Open your personal link below and sign in with that account. Check the name shown, then select "Link this account".',
      `Bookmark the portal (${input.portalUrl}) and sign in there next time. You will not need this e-mail again.`,
    ],
    button: { label: 'Open my personal link', url: input.link },
    footer: [
      `This link is yours alone: do not forward it. It works once and expires on ${expires}.`,
      'If you did not expect this e-mail, you can ignore it.',
      { label: 'Help with signing in', url: `${input.helpUrl}${HELP_PAGES.acceptInvitation}` },
    ],
  });
  return { subject, html, text };
}

export interface SecurityNoticeInput {
  givenName: string;
  organizationName: string;
  vendorName: string;
  newAccountDescription: string;
  at: Date;
  helpUrl: string;
  supportEmail: string;
}

/** R7: sent to the profile's address when a different identity was linked in place of the previous one. */
export function securityNoticeMail(input: SecurityNoticeInput): { subject: string; html: string; text: string } {
  const { html, text } = renderEmail({
    preheader: `A different sign-in account was linked to your ${input.organizationName} profile.`,
    heading: 'A different account was linked to your profile',
    paragraphs: [
      `Hello ${input.givenName},`,
      `On ${formatDate(input.at, { time: true })}, ${input.newAccountDescription} was linked to your ${input.organizationName} profile on the ${input.vendorName} portal. The account linked before can no longer sign in as this profile.`,
      `If this was you, there is nothing to do. If it was not, contact your administrator or ${input.supportEmail} at once.`,
    ],
    footer: [{ label: 'I linked the wrong account', url: `${input.helpUrl}${HELP_PAGES.wrongAccountLinked}` }],
  });
  return { subject: `Security notice: a different account was linked to your ${input.organizationName} profile`, html, text };
}
