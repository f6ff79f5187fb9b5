import { createHmac } from 'node:crypto';

// The demo provider's subject for an e-mail address: stable per issuer, so signing in again is the same identity.
// The key only needs to be fixed, not secret: this is the demo provider, never mounted in production.
const DEMO_SUBJECT_KEY = 'portico-demo-subjects';

export function demoSubject(issuer: string, email: string): string {
  return createHmac('sha256', DEMO_SUBJECT_KEY).update(`${issuer}\n${email.trim().toLowerCase()}`).digest('base64url');
}
