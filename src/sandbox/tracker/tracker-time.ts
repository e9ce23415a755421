import { atLeast, type Dhis2Version } from '../version.ts';

/**
 * Times of the tracker API. DHIS2 keeps `lastupdated` as a `timestamp` without zone, written in the
 * server's zone, and prints `Instant`s as `yyyy-MM-dd'T'HH:mm:ss.SSS` without zone
 * (`WriteInstantStdSerializer`, `DateUtils.ISO8601_NO_TZ`). This server's zone is UTC
 * (`/api/system/info` says Etc/UTC), so a zone-less time given to it is UTC wall-clock time.
 */

/** A stored time (date-only from the seeds, or with milliseconds) as DHIS2 prints it. */
export function instantText(stored: string | null | undefined): string | undefined {
  if (!stored) return undefined;
  return stored.length === 10 ? `${stored}T00:00:00.000` : `${stored}.000`.slice(0, 23);
}

/** SQL for a `last_updated` column in one comparable form, `yyyy-MM-ddTHH:mm:ss.SSS`. */
export const COMPARABLE_LAST_UPDATED = "substr(last_updated || 'T00:00:00.000', 1, 23)";

const DATE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * `DateUtils.parseDate` (API util/DateUtils @2.43.1 L85-L117): `yyyy`, `yyyy-MM`, `yyyy-MM-dd`,
 * `yyyyMMdd`, then `THH`, `:mm`, `:ss`, `.SSS…` with an optional offset (`Z`, `+hh`, `+hhmm`,
 * `+hh:mm`); without one the server's zone (here UTC). Undefined when it does not parse.
 */
export function parseDhis2Date(text: string): Date | undefined {
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  const match = compact ? [text, compact[1], compact[2], compact[3]] : DATE.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', frac = '0', zone] = match;
  const ms = Number(`0.${frac}`) * 1000;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (Number.isNaN(utc) || Number(mo) > 12 || Number(d) > 31) return undefined;
  return new Date(utc - offsetMinutes(zone) * 60_000);
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

/** What the store compares `lastupdated` with: a whole day, a whole second, or the exact time. */
export type Precision = 'day' | 'second' | 'millisecond';

/**
 * How each version compares `updatedAfter` (always `lastupdated >= bound`, inclusive):
 * - events: the literal `'yyyy-MM-ddTHH:mm:ss'` up to 2.38 (`JdbcEventStore` @2.36.13 L1431-L1437,
 *   @2.38.7 L1647-L1652; milliseconds of the bound dropped), a bound timestamp from 2.39 (@2.39.10 L1886);
 * - enrollments and tracked entities: the day only up to 2.37 (`getMediumDateString`,
 *   `HibernateProgramInstanceStore` @2.36.13 L144-L152, `HibernateTrackedEntityInstanceStore` @2.36.13
 *   L601-L620), seconds in 2.38 (@2.38.7 L160, L598-L612), milliseconds from 2.39.
 */
export function updatedAfterPrecision(
  version: Dhis2Version,
  kind: 'events' | 'enrollments' | 'trackedEntities',
): Precision {
  if (atLeast(version, 39)) return 'millisecond';
  if (kind === 'events' || atLeast(version, 38)) return 'second';
  return 'day';
}

/** The bound as the SQL literal DHIS2 compares with, in the stored form (UTC wall clock). */
export function lowerBound(date: Date, precision: Precision): string {
  const text = date.toISOString().slice(0, 23);
  return precision === 'day'
    ? text.slice(0, 10)
    : precision === 'second'
      ? text.slice(0, 19)
      : text;
}
