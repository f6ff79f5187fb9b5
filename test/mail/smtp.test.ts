import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpMailer, type Mailer, type OutgoingMail } from '../../server/mail/mailer.js';
import { startMailCatcher, type MailCatcher } from '../../server/dev/mail-catcher.js';

let counter = 0;
function mail(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  counter += 1;
  return {
    messageId: `<test-${counter}-${Date.now()}@portico.test>`,
    to: 'morgan@fabrikam.example',
    subject: 'You are invited to the Fabrikam Ltd portal',
    text: 'Open your personal link: https://portico.test/account/associate#t=abc',
    html: '<p>Open <a href="https://portico.test/account/associate#t=abc">your personal link</a></p>',
    ...overrides,
  };
}

describe('SMTP mailer against the demo mail catcher', () => {
  let catcher: MailCatcher;
  let mailer: Mailer;

  beforeEach(async () => {
    catcher = await startMailCatcher({ port: 0 });
    mailer = createSmtpMailer({ host: catcher.host, port: catcher.port, secure: false, user: null, password: null, from: 'Portico <no-reply@portico.test>' });
  });

  afterEach(async () => {
    await mailer.close();
    await catcher.stop();
  });

  it('delivers an e-mail whose recipient, subject, both parts and Message-ID arrive intact', async () => {
    const sent = mail();
    const result = await mailer.send(sent);
    expect(result).toMatchObject({ ok: true });

    const caught = await catcher.waitFor((m) => m.messageId === sent.messageId);
    expect(caught.to).toEqual(['morgan@fabrikam.example']);
    expect(caught.from).toContain('no-reply@portico.test');
    expect(caught.subject).toBe(sent.subject);
    expect(caught.text.trim()).toBe(sent.text);
    expect(caught.html).toContain('href="https://portico.test/account/associate#t=abc"');
  });

  it('adds angle brackets to a Message-ID given without them', async () => {
    await mailer.send(mail({ messageId: 'bare-id@portico.test' }));
    const caught = await catcher.waitFor(() => true);
    expect(caught.messageId).toBe('<bare-id@portico.test>');
  });

  it('reports a 550 rejection as permanent, with the server reply', async () => {
    catcher.rejectRecipients(/^nobody@/, { code: 550, message: '5.1.1 mailbox unknown' });
    const result = await mailer.send(mail({ to: 'nobody@fabrikam.example' }));
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ permanent: true });
    expect(!result.ok && result.error).toContain('550 5.1.1 mailbox unknown');
    expect(catcher.messages()).toHaveLength(0);
  });

  it('reports a 451 rejection as temporary', async () => {
    catcher.rejectRecipients(/@busy\.example$/, { code: 451, message: '4.3.0 try again later' });
    const result = await mailer.send(mail({ to: 'someone@busy.example' }));
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(!result.ok && result.error).toContain('451');
  });

  it('fails fast with a temporary failure while the server is down, and delivers again once it is back on the same port', async () => {
    // A first delivery leaves an idle connection in the pool, the case where pools get stuck.
    expect(await mailer.send(mail())).toMatchObject({ ok: true });
    const { port } = catcher;
    await catcher.stop();

    const started = Date.now();
    const down = await mailer.send(mail());
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(down).toMatchObject({ ok: false, permanent: false });

    catcher = await startMailCatcher({ port });
    const retried = mail();
    expect(await mailer.send(retried)).toMatchObject({ ok: true });
    expect((await catcher.waitFor((m) => m.messageId === retried.messageId)).to).toEqual([retried.to]);
  });
});
