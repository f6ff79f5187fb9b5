// What every response carries, wherever it is answered: by express (app.ts) or by the viewer's cached answers
// (graphql/viewer-responses.ts), which never reach express.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const SECURITY_HEADERS: readonly [string, string][] = [
  ['X-Content-Type-Options', 'nosniff'],
  // Association tokens live in the URL fragment, which browsers never send; this keeps paths out of Referer too.
  ['Referrer-Policy', 'no-referrer'],
  ['X-Frame-Options', 'DENY'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
];

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
}

const REQUEST_ID = /^[\w.:@-]{1,128}$/;

/** The request's id: the client's X-Request-Id when trusted and well formed, else a new one. Echoed in the response. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse, trustHeader: boolean): string {
  const offered = req.headers['x-request-id'];
  const requestId = trustHeader && typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  return requestId;
}
