import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Router } from 'express';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { escapeHtml } from '../mail/templates/layout.js';

export interface CaughtMail {
  id: string;
  messageId: string | null;
  from: string;
  /** The SMTP envelope recipients: who the message was actually delivered to. */
  to: string[];
  subject: string;
  text: string;
  html: string;
  receivedAt: string;
}

export interface MailCatcher {
  port: number;
  host: string;
  /** Newest first. */
  messages(): CaughtMail[];
  /** Forgets the caught messages and every rejectRecipients rule. */
  clear(): void;
  waitFor(predicate: (m: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
  /** Answers RCPT TO for matching addresses with `reply` (default 550 5.1.1 mailbox unknown). */
  rejectRecipients(pattern: RegExp, reply?: { code: number; message: string }): void;
  stop(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export async function startMailCatcher(options: { port?: number; host?: string; maxMessages?: number } = {}): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const maxMessages = options.maxMessages ?? 500;
  const caught: CaughtMail[] = [];
  const arrivals = new EventEmitter();
  let rejections: Array<{ pattern: RegExp; reply: { code: number; message: string } }> = [];

  const server = new SMTPServer({
    authOptional: true,
    // Without AUTH advertised, a client configured with credentials simply skips logging in.
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: MAX_MESSAGE_BYTES,
    rejectOversized: true,
    logger: false,
    // stop() simulates an outage: open connections are dropped almost at once.
    closeTimeout: 50,
    onRcptTo(address, _session, callback) {
      const rule = rejections.find(({ pattern }) => pattern.test(address.address));
      if (!rule) return callback();
      callback(Object.assign(new Error(rule.reply.message), { responseCode: rule.reply.code }));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail: CaughtMail = {
            id: randomUUID(),
            messageId: parsed.messageId ?? null,
            from: parsed.from?.text || (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: parsed.html || '',
            receivedAt: new Date().toISOString(),
          };
          caught.push(mail);
          if (caught.length > maxMessages) caught.splice(0, caught.length - maxMessages);
          arrivals.emit('mail', mail);
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('Mail catcher is not listening on a TCP port');

  return {
    port: address.port,
    host,
    messages: () => caught.slice().reverse(),
    clear() {
      caught.length = 0;
      rejections = [];
    },
    waitFor(predicate, timeoutMs = 5_000) {
      const found = caught.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise<CaughtMail>((resolve, reject) => {
        const onMail = (mail: CaughtMail) => {
          if (!predicate(mail)) return;
          clearTimeout(timer);
          arrivals.off('mail', onMail);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          arrivals.off('mail', onMail);
          reject(new Error(`No matching e-mail arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        arrivals.on('mail', onMail);
      });
    },
    rejectRecipients(pattern, reply = { code: 550, message: '5.1.1 mailbox unknown' }) {
      // A global or sticky RegExp keeps lastIndex between test() calls and would match every other time.
      rejections.push({ pattern: new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')), reply });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;

// Links in the text part must be clickable for someone trying the demo.
function linkify(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0];
    html += escapeHtml(text.slice(last, match.index)) + `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    last = match.index + url.length;
  }
  return html + escapeHtml(text.slice(last));
}

function mailHtml(mail: CaughtMail, index: number): string {
  const headingId = `mail-${index}`;
  // The mail is untrusted: it runs in a sandbox without scripts or same-origin access. <base target="_top">
  // makes its links replace the mailbox page (allowed on a click), so a link such as the invitation's opens
  // as an ordinary, unsandboxed page.
  const frame = mail.html
    ? `<iframe sandbox="allow-popups allow-top-navigation-by-user-activation" srcdoc="${escapeHtml(`<base target="_top">${mail.html}`)}" title="HTML version of ${escapeHtml(mail.subject || '(no subject)')}"></iframe>`
    : '<p>This e-mail has no HTML part.</p>';
  return `<article aria-labelledby="${headingId}">
<h2 id="${headingId}">${escapeHtml(mail.subject || '(no subject)')}</h2>
<dl>
<dt>Received</dt><dd><time datetime="${escapeHtml(mail.receivedAt)}">${escapeHtml(mail.receivedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</time></dd>
<dt>From</dt><dd>${escapeHtml(mail.from)}</dd>
<dt>To</dt><dd>${escapeHtml(mail.to.join(', '))}</dd>
<dt>Message-ID</dt><dd>${escapeHtml(mail.messageId ?? '(none)')}</dd>
</dl>
<h3>HTML version</h3>
${frame}
<details>
<summary>Plain-text version</summary>
<pre>${linkify(mail.text)}</pre>
</details>
</article>`;
}

function mailboxPage(mails: CaughtMail[]): string {
  const list = mails.length === 0 ? '<p>No e-mails yet. Send an invitation and reload this page.</p>' : mails.map(mailHtml).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo mailbox — Portico</title>
<link rel="icon" href="data:,">
<style>
body { margin: 0; font-family: system-ui, sans-serif; line-height: 1.5; color: #1f2328; background: #f6f8fa; }
main { max-width: 56rem; margin: 0 auto; padding: 1.5rem; }
article { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 1rem 1.5rem; margin: 0 0 1.5rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 1rem; }
dt { font-weight: bold; }
dd { margin: 0; overflow-wrap: anywhere; }
iframe { width: 100%; height: 32rem; border: 1px solid #d0d7de; background: #fff; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; padding: 1rem; }
a { color: #0b57d0; }
a:focus-visible, summary:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>Demo mailbox</h1>
<p>E-mails sent by this demo are caught here instead of being delivered. Newest first. <a href="/dev/mailbox">Reload</a> · <a href="/dev/mailbox.json">JSON</a></p>
${list}
</main>
</body>
</html>`;
}

/** Serves the caught e-mails at GET /dev/mailbox (HTML) and GET /dev/mailbox.json; demo mode only. */
export function mailboxRouter(catcher: MailCatcher): Router {
  const router = Router();
  router.get('/dev/mailbox.json', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(catcher.messages());
  });
  router.get('/dev/mailbox', (_req, res) => {
    res
      .set('Cache-Control', 'no-store')
      // Mail HTML inherits this policy inside its srcdoc frame: no scripts and nothing loaded from elsewhere.
      .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'")
      .type('html')
      .send(mailboxPage(catcher.messages()));
  });
  return router;
}
