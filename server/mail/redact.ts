// A sent e-mail's links are secrets only until they are sent: once the mail server has the message (or has
// refused it for good), the stored copy needs no working link, and a copy of the database must not yield one.

/** Fragments that carry a single-use token (`#token=` links to associate or confirm, `#cancel=` to stop a change). */
const SECRET_LINK = /(#(?:token|cancel)=)[A-Za-z0-9_-]{43}/g;

export function withoutLinkSecrets(body: string): string {
  return body.replace(SECRET_LINK, '$1(removed once sent)');
}
