/**
 * An ISO time in the one form `Date#toISOString` gives (UTC, milliseconds). Events may say
 * `+02:00` or leave out the milliseconds; folds store this form so their times order as
 * strings and equal what PostgreSQL gives back.
 *
 * @example
 * isoTime("2026-11-21T12:00:00+02:00"); // "2026-11-21T10:00:00.000Z"
 */
export function isoTime(at: string | Date): string {
  return new Date(at).toISOString();
}
