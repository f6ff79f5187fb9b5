import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpMailer, type Mailer } from '../../server/mail/mailer.js';
import { mailboxRouter, startMailCatcher, type CaughtMail, type MailCatcher } from '../../server/dev/mail-catcher.js';

describe('demo mailbox pages', () => {
  let catcher: MailCatcher;
  let mailer: Mailer;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    catcher = await startMailCatcher();
    mailer = createSmtpMailer({ host: catcher.host, port: catcher.port, secure: false, user: null, password: null, from: 'Portico <no-reply@portico.test>' });
    const app = express();
    app.use(mailboxRouter(catcher));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await mailer.close();
    await catcher.stop();
  });

  beforeEach(() => catcher.clear());

  async function send(subject: string, html = '<p>Hello</p>'): Promise<void> {
    const messageId = `<${subject.length}-${Date.now()}-${Math.random()}@portico.test>`;
    expect(await mailer.send({ messageId, to: 'jamie@fabrikam.example', subject, text: 'Hello Jamie', html })).toMatchObject({ ok: true });
    await catcher.waitFor((m) => m.messageId === messageId);
  }

  it('lists e-mails sent over SMTP as JSON, newest first, with every field', async () => {
    await send('First');
    await send('Second');

    const response = await fetch(`${baseUrl}/dev/mailbox.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const mails = (await response.json()) as CaughtMail[];

    expect(mails.map((m) => m.subject)).toEqual(['Second', 'First']);
    expect(Object.keys(mails[0]!).sort()).toEqual(['from', 'html', 'id', 'messageId', 'receivedAt', 'subject', 'text', 'to']);
    expect(mails[0]).toMatchObject({
      from: expect.stringContaining('no-reply@portico.test'),
      to: ['jamie@fabrikam.example'],
      text: expect.stringContaining('Hello Jamie'),
      html: expect.stringContaining('<p>Hello</p>'),
      messageId: expect.stringMatching(/^<.+@portico\.test>$/),
    });
    expect(new Date(mails[0]!.receivedAt).toISOString()).toBe(mails[0]!.receivedAt);
  });

  it('escapes the subject and the mail HTML on the HTML page', async () => {
    await send('<script>alert(1)</script>', '<p onclick="x()">Hi "there" & <b>you</b></p>');

    const response = await fetch(`${baseUrl}/dev/mailbox`);
    expect(response.status).toBe(200);
    const page = await response.text();

    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The mail HTML only appears inside the sandboxed frame's srcdoc attribute.
    expect(page).not.toContain('<p onclick');
    const srcdoc = page.match(/<iframe sandbox="allow-popups allow-top-navigation-by-user-activation" srcdoc="([^"]*)"/)?.[1];
    const decoded = srcdoc?.replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[name] ?? '');
    expect(decoded).toContain('<p onclick="x()">Hi "there" & <b>you</b></p>');
  });

  it('is an accessible standalone page with a language, a title and a main heading', async () => {
    const page = await (await fetch(`${baseUrl}/dev/mailbox`)).text();
    expect(page).toContain('<html lang="en">');
    expect(page).toMatch(/<title>[^<]+<\/title>/);
    expect(page).toMatch(/<main>\s*<h1>[^<]+<\/h1>/);
    expect(page).not.toMatch(/(src|href)="https?:/);
  });
});
