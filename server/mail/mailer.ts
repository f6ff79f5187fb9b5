import nodemailer from 'nodemailer';
import type { NodemailerError } from 'nodemailer';

export interface OutgoingMail {
  /** Message-ID header value, e.g. `<uuid@portico.example>`; the same on every retry so duplicates can be recognised. */
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type SendResult = { ok: true; response: string } | { ok: false; permanent: boolean; error: string };

export interface Mailer {
  /** Never throws for a delivery failure: it returns one. */
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): Promise<void>;
}

export interface SmtpMailerOptions {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
  from: string;
  pool?: boolean;
}

// Short enough that an outbox worker notices a dead server within seconds instead of minutes.
const CONNECTION_TIMEOUT_MS = 5_000;
const GREETING_TIMEOUT_MS = 5_000;
const SOCKET_TIMEOUT_MS = 15_000;
// Backstop for a server that keeps a delivery alive by trickling replies, which no socket timeout notices.
const SEND_TIMEOUT_MS = 60_000;

function withAngleBrackets(messageId: string): string {
  const bare = messageId.trim().replace(/^<|>$/g, '');
  return `<${bare}>`;
}

/** Decides whether retrying the same message could ever succeed. */
export function classifySmtpError(error: unknown): { permanent: boolean; error: string } {
  const err = (error ?? {}) as NodemailerError;
  const message = err.response ?? err.message ?? String(error);
  // Bad credentials are a configuration problem: once fixed, every waiting e-mail can still go out.
  if (err.code === 'EAUTH' || err.code === 'ENOAUTH') return { permanent: false, error: message };
  if (typeof err.responseCode === 'number') {
    // 503 (bad sequence) is a session problem, not a verdict on the message.
    const permanent = err.responseCode >= 500 && err.responseCode < 600 && err.responseCode !== 503;
    return { permanent, error: message };
  }
  // No reply from a server: a malformed address is refused before any connection, anything else is the network.
  return { permanent: err.code === 'EENVELOPE', error: message };
}

export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const common = {
    host: options.host,
    port: options.port,
    secure: options.secure,
    auth: options.user !== null && options.password !== null ? { user: options.user, pass: options.password } : undefined,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  };
  const transport =
    options.pool === false
      ? nodemailer.createTransport(common)
      : nodemailer.createTransport({
          ...common,
          pool: true,
          maxConnections: 4,
          // The outbox retries with its own backoff; the pool's own requeues would only delay the verdict.
          maxRequeues: 1,
        });

  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: withAngleBrackets(mail.messageId),
          signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        });
        return { ok: true, response: info.response };
      } catch (error) {
        return { ok: false, ...classifySmtpError(error) };
      }
    },
    async close() {
      transport.close();
    },
  };
}

export function createMemoryMailer(
  options: { from?: string } = {},
): Mailer & { history: OutgoingMail[]; failNext(kind: 'temporary' | 'permanent', message?: string): void } {
  const from = options.from ?? 'Portico <no-reply@portico.example>';
  const history: OutgoingMail[] = [];
  const failures: Array<{ permanent: boolean; error: string }> = [];
  return {
    history,
    failNext(kind, message) {
      const permanent = kind === 'permanent';
      failures.push({ permanent, error: message ?? (permanent ? '550 5.1.1 mailbox unknown' : '421 4.4.2 service not available') });
    },
    async send(mail) {
      const failure = failures.shift();
      if (failure) return { ok: false, ...failure };
      history.push({ ...mail });
      return { ok: true, response: `250 accepted by memory mailer from ${from}` };
    },
    async close() {},
  };
}
