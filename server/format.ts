// Dates as people read them ("30 October 2026"), the one formatter for e-mails, messages and the account pages
// (which import this file into the browser: nothing here may need Node).

/** The site and its e-mails write British English; a page passes its own `lang`. */
export const DEFAULT_LOCALE = 'en-GB';

/**
 * "30 October 2026", or with `time` "30 October 2026 at 09:00 UTC". Takes a Date, an ISO timestamp or an ISO day
 * (`2026-10-30`, read as that day in UTC). Always in UTC, so the day never shifts with the reader's time zone.
 */
export function formatDate(value: Date | string, options: { locale?: string; time?: boolean } = {}): string {
  const date = typeof value === 'string' ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value) : value;
  const time = options.time ? ({ hour: '2-digit', minute: '2-digit', timeZoneName: 'short' } as const) : {};
  return date.toLocaleString(options.locale || DEFAULT_LOCALE, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC', ...time });
}
