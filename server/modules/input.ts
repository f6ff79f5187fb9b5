// Rules of input shared by every module: e-mails (R4) and names.
import { InvalidInputError } from '../errors.js';

// One address: local part and a dotted domain, no spaces, commas, angle brackets or line breaks.
const EMAIL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Trimmed, lower-cased, one valid address of at most 254 characters; otherwise an InvalidInputError for `field`. */
export function normalizeEmail(raw: string, field = 'email'): string | InvalidInputError {
  const email = raw.trim().toLowerCase();
  if (email.length === 0) return new InvalidInputError(field, 'Enter an e-mail address.');
  if (email.length > 254 || /[\r\n]/.test(raw) || !EMAIL.test(email) || email.split('@')[0]!.length > 64) {
    return new InvalidInputError(field, `"${raw.trim().slice(0, 80)}" is not one valid e-mail address. Enter a single address such as name@example.com.`);
  }
  return email;
}

/** Trimmed, 1–100 characters, no control characters. */
export function normalizeName(raw: string, field: string): string | InvalidInputError {
  const name = raw.trim().replace(/\s+/g, ' ');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(raw.trim())) return new InvalidInputError(field, 'A name cannot contain control characters such as line breaks.');
  if (name.length === 0) return new InvalidInputError(field, 'A name cannot be empty.');
  if (name.length > 100) return new InvalidInputError(field, 'A name can be at most 100 characters long.');
  return name;
}
