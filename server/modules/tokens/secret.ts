// An API token's secret: "ptk_" and 256 bits from the CSPRNG (base64url), so that people and secret scanners can
// recognise it. Only its SHA-256 is stored: the secret is high-entropy, so a fast hash is enough and a database
// copy yields no usable token.
import { randomBytes } from 'node:crypto';
import { hashToken } from '../invitations/tokens.js';

export const SECRET_PREFIX = 'ptk_';
/** How much of the secret is kept in clear for display: "ptk_" and 6 characters, about 36 bits, useless alone. */
const DISPLAY_CHARS = SECRET_PREFIX.length + 6;

export function newApiTokenSecret(): { secret: string; hash: string; prefix: string } {
  const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashToken(secret), prefix: secret.slice(0, DISPLAY_CHARS) };
}

/** A secret as we issue them; anything else cannot be ours and is not looked up. */
export function isWellFormedApiTokenSecret(secret: string): boolean {
  return /^ptk_[A-Za-z0-9_-]{43}$/.test(secret);
}

export { hashToken as hashApiTokenSecret };
