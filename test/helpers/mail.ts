// Reading invitation e-mails back from the SMTP catcher.
import type { CaughtMail, MailCatcher } from '../../server/dev/mail-catcher.js';

export function tokenFrom(mail: CaughtMail): string {
  const match = /#token=([A-Za-z0-9_-]{43})/.exec(mail.text);
  if (!match) throw new Error(`no association link in the e-mail "${mail.subject}"`);
  return match[1]!;
}

/** The next e-mail to `to` (optionally whose subject matches), received after this call or already waiting and unseen. */
export function mailTo(catcher: MailCatcher, to: string, subject?: RegExp, timeoutMs = 10_000): Promise<CaughtMail> {
  const seen = new Set(catcher.messages().map((m) => m.id));
  return catcher.waitFor((m) => !seen.has(m.id) && m.to.includes(to) && (!subject || subject.test(m.subject)), timeoutMs);
}
