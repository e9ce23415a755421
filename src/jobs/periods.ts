import type { LoadedConfig } from '../config/load.ts';
import { T2aError } from '../core/errors.ts';
import {
  checkCalendar,
  checkIsoDate,
  checkPeriodType,
  jobPeriodIds,
  type PeriodWindow,
  periodDates,
  periodsInWindow,
} from '../core/periods.ts';
import { localIsoDate } from '../dhis2/system.ts';
import { silentLogger } from '../log.ts';
import { jobContext } from './context.ts';
import { findJob } from './resolve-job.ts';

export interface PeriodsRequest {
  /** A window given on the command line… */
  readonly window?: PeriodWindow;
  /** …or a job of the configuration (its only job when unnamed). */
  readonly job?: { readonly config: LoadedConfig; readonly name: string | undefined };
  /** The ISO date to compute on (default: today on this machine). */
  readonly date?: string;
  readonly calendar?: string;
}

export interface ListedPeriod {
  readonly id: string;
  readonly startDate: string;
  readonly endDate: string;
}

export interface PeriodsAnswer {
  readonly periodType: string;
  readonly date: string;
  readonly calendar: string;
  readonly periods: readonly ListedPeriod[];
}

/**
 * The periods a job would send on a date, computed with no server: what `sync` computes from the
 * source's own date and calendar.
 */
export function listPeriods(request: PeriodsRequest): PeriodsAnswer {
  const date = request.date ?? localIsoDate(new Date());
  const calendar = request.calendar ?? 'iso8601';
  checkIsoDate(date);
  checkCalendar(calendar);
  let periodType: string;
  let ids: string[];
  if (request.job) {
    const job = findJob(jobContext(request.job.config, silentLogger()), request.job.name);
    periodType = job.periodType;
    ids = jobPeriodIds(job, date, calendar);
  } else if (request.window) {
    checkPeriodType(request.window.periodType);
    periodType = request.window.periodType;
    ids = periodsInWindow(request.window, date, calendar);
  } else {
    throw new T2aError('usage', 'Name a job (--job) or a window (--period-type and --last).', {
      fix: 'e.g. t2a periods --period-type Quarterly --last 2, or t2a periods --job tb-quarterly',
    });
  }
  const periods = ids.map((id) => {
    const { startDate, endDate } = periodDates(id, calendar)!;
    return { id, startDate, endDate };
  });
  return { periodType, date, calendar, periods };
}
