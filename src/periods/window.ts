import { type Period, periodOfDate, periodsBefore } from './period.ts';

/** A job's "how far back": the `last` periods before the current one, and the current one if asked. */
export interface PeriodWindow {
  readonly periodType: string;
  readonly last: number;
  readonly includeCurrent: boolean;
}

/**
 * The periods of a window on `isoToday` (an ISO date; the calendar decides which periods hold it),
 * oldest first and consecutive: the last one ends the day before the current period starts, unless the
 * current one is included.
 */
export function windowPeriods(
  window: PeriodWindow,
  isoToday: string,
  calendar = 'iso8601',
): Period[] {
  const current = periodOfDate(window.periodType, isoToday, calendar);
  const previous = periodsBefore(current, window.last);
  return window.includeCurrent ? [...previous, current] : previous;
}
