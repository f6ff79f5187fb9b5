import { describe, expect, test } from 'vitest';
import { InvitationExpiredError, ServicePlanInactiveError } from '../server/errors.js';
import { formatDate } from '../server/format.js';
import { associationMail } from '../server/mail/templates/invitation.js';

describe('dates as people read them', () => {
  test('a day, a timestamp and a Date read "30 October 2026", in UTC whatever the time zone', () => {
    expect(formatDate('2026-10-30')).toBe('30 October 2026');
    expect(formatDate('2026-10-30T23:59:00Z')).toBe('30 October 2026');
    expect(formatDate(new Date('2026-10-30T00:00:00Z'))).toBe('30 October 2026');
  });

  test('with the time when asked, and in the locale asked for', () => {
    expect(formatDate(new Date('2026-10-30T09:05:00Z'), { time: true })).toBe('30 October 2026 at 09:05 UTC');
    expect(formatDate('2026-10-30', { locale: 'de-DE' })).toBe('30. Oktober 2026');
  });

  test('messages and e-mails use it, and never write "Toys\'s"', () => {
    expect(new InvitationExpiredError(new Date('2026-10-30T12:00:00Z')).message).toContain('expired on 30 October 2026.');
    const inactive = new ServicePlanInactiveError('Tailspin Toys', '2026-10-30').message;
    expect(inactive).toContain('The service plan of Tailspin Toys ended on 30 October 2026,');
    expect(inactive).not.toContain("'s");
    const mail = associationMail({
      purpose: 'INVITATION',
      givenName: 'Kim',
      organizationName: 'Fabrikam Ltd',
      vendorName: 'Contoso',
      link: 'https://portal.example/account/associate/#token=x',
      expiresAt: new Date('2026-10-30T09:00:00Z'),
      portalUrl: 'https://portal.example',
      helpUrl: 'https://portal.example',
    });
    expect(mail.text).toContain('expires on 30 October 2026 at 09:00 UTC');
  });
});
