import { lookupCalendar, SUPPORTED_CALENDARS } from '../periods/calendar.ts';
import { isIsoDate } from '../periods/days.ts';
import {
  type Period,
  parsePeriodId,
  periodOfDate,
  periodTypeSupported,
  shiftPeriod,
} from '../periods/period.ts';
import { PERIOD_TYPE_NAMES, periodTypeByName } from '../periods/period-type.ts';
import { isRelativePeriod, resolveRelativePeriod } from '../periods/relative-period.ts';
import { type PeriodWindow, windowPeriods } from '../periods/window.ts';
import { T2aError } from './errors.ts';
import { didYouMean } from './similar.ts';

/**
 * t2a's questions about periods, with errors an administrator can act on. The arithmetic lives in
 * src/periods (shared with the sandbox, proven by test/periods); this file checks what users typed.
 */
export const PERIOD_TYPES = PERIOD_TYPE_NAMES;
export type { PeriodWindow };

/** Refuses a calendar t2a cannot compute periods in, naming the ones it can. */
export function checkCalendar(calendar: string): void {
  const lookup = lookupCalendar(calendar);
  if ('calendar' in lookup) return;
  if ('refused' in lookup) {
    throw new T2aError(
      'config',
      `Periods in the "${calendar}" calendar cannot be computed by t2a: ${lookup.refused}`,
      {
        fix: 'Give the periods explicitly in the job (periods: { fixed: [...] }) or with --period.',
      },
    );
  }
  throw new T2aError('config', `"${calendar}" is not a calendar t2a knows.`, {
    fix: didYouMean(calendar, SUPPORTED_CALENDARS),
  });
}

export function checkPeriodType(periodType: string): void {
  if (periodTypeByName(periodType)) return;
  throw new T2aError('usage', `"${periodType}" is not a DHIS2 period type.`, {
    fix: didYouMean(periodType, PERIOD_TYPE_NAMES),
  });
}

/** Refuses a date that is not a real ISO date (yyyy-MM-dd). */
export function checkIsoDate(date: string): void {
  if (isIsoDate(date)) return;
  throw new T2aError('usage', `"${date}" is not a date.`, {
    fix: 'Give the date as yyyy-MM-dd in the ISO (Gregorian) calendar, e.g. 2026-11-29.',
  });
}

/**
 * The ISO period ids of a "how far back" window, oldest first: the `last` periods before the one that
 * holds `today` (an ISO date), and that one too when `includeCurrent`.
 */
export function periodsInWindow(
  window: PeriodWindow,
  today: string,
  calendar = 'iso8601',
): string[] {
  checkPeriodType(window.periodType);
  checkCalendar(calendar);
  checkIsoDate(today);
  checkSupported(window.periodType, calendar);
  return windowPeriods(window, today, calendar).map((period) => period.id);
}

function checkSupported(periodType: string, calendar: string): void {
  if (periodTypeSupported(periodType, calendar)) return;
  throw new T2aError(
    'config',
    `t2a does not compute ${periodType} periods in the ${calendar} calendar: DHIS2 numbers weeks there by a rule of that calendar's own.`,
    { fix: 'Give the periods explicitly in the job (periods: { fixed: [...] }) or with --period.' },
  );
}

/** Where a job's periods come from: a fixed list, or a window back from today. */
export interface JobPeriods {
  readonly name: string;
  readonly periodType: string;
  readonly periods:
    | { readonly fixed: readonly string[] }
    | { readonly last: number; readonly includeCurrent: boolean };
}

/**
 * The ISO period ids a job runs for on `today` in `calendar`: `explicit` ones (from --period) or the
 * job's fixed list, checked to be of the job's period type and written as DHIS2 writes them; otherwise
 * its window. The one place every command computes a job's periods.
 */
export function jobPeriodIds(
  job: JobPeriods,
  today: string,
  calendar: string,
  explicit?: readonly string[],
): string[] {
  const window = job.periods;
  const given = explicit?.length ? explicit : 'fixed' in window ? window.fixed : undefined;
  if (!given) {
    const { last, includeCurrent } = window as { last: number; includeCurrent: boolean };
    return periodsInWindow({ periodType: job.periodType, last, includeCurrent }, today, calendar);
  }
  checkCalendar(calendar);
  const parsed = given.map((id) => ({ id, period: parseCached(id, calendar) }));
  const wrong = parsed.filter(({ period }) => period?.periodType !== job.periodType);
  if (wrong.length > 0) {
    const example = periodTypeSupported(job.periodType, calendar)
      ? `, e.g. ${periodOfDate(job.periodType, today, calendar).id}`
      : '';
    throw new T2aError(
      'usage',
      `Period(s) ${wrong.map(({ id }) => id).join(', ')} are not ${job.periodType} periods (job "${job.name}").`,
      { fix: `Give ${job.periodType} periods as DHIS2 writes them${example}.` },
    );
  }
  return [...new Set(parsed.map(({ period }) => period!.id))];
}

const parsed = new Map<string, Period | null>();

function parseCached(id: string, calendar: string): Period | undefined {
  const key = `${calendar}|${id}`;
  let period = parsed.get(key);
  if (period === undefined) {
    checkCalendar(calendar);
    period = parsePeriodId(id, calendar) ?? null;
    parsed.set(key, period);
  }
  return period ?? undefined;
}

/** True when `id` is a valid ISO period of `periodType`. */
export function isPeriodOfType(id: string, periodType: string, calendar = 'iso8601'): boolean {
  return parseCached(id, calendar)?.periodType === periodType;
}

/** The period type of an ISO period id, by DHIS2 name, or undefined when the id is not a period. */
export function periodTypeOf(id: string, calendar = 'iso8601'): string | undefined {
  return parseCached(id, calendar)?.periodType;
}

/** The first and last day (ISO dates, whatever the calendar) of a period, or undefined for a bad id. */
export function periodDates(id: string, calendar = 'iso8601'): Period | undefined {
  return parseCached(id, calendar);
}

const ahead = new Map<string, Period>();

/** The period `steps` after the one of `periodType` that holds `today` (an ISO date); negative: before. */
export function periodAhead(
  periodType: string,
  today: string,
  steps: number,
  calendar = 'iso8601',
): Period | undefined {
  if (!periodTypeByName(periodType)) return undefined;
  const key = `${calendar}|${periodType}|${today}|${steps}`;
  let period = ahead.get(key);
  if (!period) {
    checkCalendar(calendar);
    period = shiftPeriod(periodOfDate(periodType, today, calendar), steps);
    ahead.set(key, period);
  }
  return period;
}

/**
 * The period type of an analytics `pe` item: a relative period (`LAST_4_QUARTERS` → Quarterly;
 * financial years as DHIS2's default October start) or an ISO period id.
 */
export function periodTypeOfItem(item: string): string | undefined {
  if (isRelativePeriod(item))
    return resolveRelativePeriod(item, { date: '2020-06-15' })?.[0]?.periodType;
  return parseCached(item, 'iso8601')?.periodType;
}
