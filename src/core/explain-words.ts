import type { Period } from '../periods/period.ts';
import { periodDisplayName } from '../periods/period-name.ts';

/**
 * A program indicator's period boundaries and counting rules in the words an HMIS officer reads:
 * "events whose event date falls in March 2026 (2026-03-01 to 2026-03-31)". Follows DHIS2's
 * `AnalyticsPeriodBoundary` (2.36–2.43): a start boundary compares with the reporting period's first
 * day, an end boundary with the day after its last; `AFTER_…` is `>=`, `BEFORE_…` is `<`; an offset
 * moves the compared day by whole periods of `offsetPeriodType`. An indicator without boundaries has
 * no date condition at all: `ProgramIndicator.hasNonDefaultBoundaries` holds (not two boundaries) and
 * `EventTimeFieldSqlRenderer`/`EnrollmentTimeFieldSqlRenderer.getConditionForNonDefaultBoundaries`
 * join none (2.42.0), so every record counts whatever its date.
 */
export interface PeriodBoundary {
  readonly boundaryTarget: string;
  readonly analyticsPeriodBoundaryType: string;
  readonly offsetPeriods?: number | undefined;
  readonly offsetPeriodType?: string | undefined;
}

export type AnalyticsType = 'EVENT' | 'ENROLLMENT';

const TARGET_WORDS: Record<string, string> = {
  EVENT_DATE: 'event date',
  ENROLLMENT_DATE: 'enrollment date',
  INCIDENT_DATE: 'incident date',
  SCHEDULED_DATE: 'scheduled date',
};

/** A boundary target as words: a date column, a stage's event date, or a data element or attribute. */
export function boundaryTargetWords(target: string, names: ReadonlyMap<string, string>): string {
  if (TARGET_WORDS[target]) return TARGET_WORDS[target]!;
  const stage = /^PS_EVENTDATE:(\w+)$/.exec(target);
  if (stage) return `event date of stage ${names.get(stage[1]!) ?? stage[1]}`;
  const item = /^[#A]\{([\w.]+)\}$/.exec(target);
  if (item) {
    const parts = item[1]!.split('.');
    return `date in ${parts.map((part) => names.get(part) ?? part).join(' / ')}`;
  }
  return target;
}

const offsetWords = (boundary: PeriodBoundary) =>
  boundary.offsetPeriods && boundary.offsetPeriodType
    ? ` moved ${Math.abs(boundary.offsetPeriods)} ${boundary.offsetPeriodType} period(s) ${boundary.offsetPeriods < 0 ? 'earlier' : 'later'}`
    : '';

/** One boundary: "on or after 2026-03-01", "before 2026-03-01 moved 12 Monthly period(s) earlier". */
export function boundaryWords(boundary: PeriodBoundary, period: Period): string {
  const moved = offsetWords(boundary);
  switch (boundary.analyticsPeriodBoundaryType) {
    case 'AFTER_START_OF_REPORTING_PERIOD':
      return `on or after ${period.startDate}${moved}`;
    case 'BEFORE_START_OF_REPORTING_PERIOD':
      return `before ${period.startDate}${moved}`;
    case 'BEFORE_END_OF_REPORTING_PERIOD':
      return `on or before ${period.endDate}${moved}`;
    case 'AFTER_END_OF_REPORTING_PERIOD':
      return `after ${period.endDate}${moved}`;
    default:
      return `${boundary.analyticsPeriodBoundaryType} ${period.id}${moved}`;
  }
}

const isWholePeriod = (boundaries: readonly PeriodBoundary[]) =>
  boundaries.length === 2 &&
  boundaries.every((b) => !b.offsetPeriods) &&
  boundaries.some((b) => b.analyticsPeriodBoundaryType === 'AFTER_START_OF_REPORTING_PERIOD') &&
  boundaries.some((b) => b.analyticsPeriodBoundaryType === 'BEFORE_END_OF_REPORTING_PERIOD');

/**
 * The records an indicator counts for a period, in words: "events whose event date falls in March 2026
 * (2026-03-01 to 2026-03-31)", or one clause per boundary target when they are not the whole period.
 */
export function periodRuleWords(
  analyticsType: AnalyticsType,
  boundaries: readonly PeriodBoundary[],
  period: Period,
  names: ReadonlyMap<string, string> = new Map(),
): string {
  const what = analyticsType === 'EVENT' ? 'events' : 'enrollments';
  if (boundaries.length === 0)
    return `${what} of any date (the indicator has no period boundaries, so DHIS2 counts every one, whatever the period)`;
  const byTarget = new Map<string, PeriodBoundary[]>();
  for (const boundary of boundaries)
    byTarget.set(boundary.boundaryTarget, [
      ...(byTarget.get(boundary.boundaryTarget) ?? []),
      boundary,
    ]);
  const clauses = [...byTarget].map(([target, group]) => {
    const words = boundaryTargetWords(target, names);
    // An enrollment is kept when one of its events has the date (the engine's and DHIS2's cohort rule).
    const whose =
      analyticsType === 'ENROLLMENT' && target === 'EVENT_DATE' ? 'with an event whose' : 'whose';
    return isWholePeriod(group)
      ? `${whose} ${words} falls in ${periodDisplayName(period)} (${period.startDate} to ${period.endDate})`
      : `${whose} ${words} is ${group.map((b) => boundaryWords(b, period)).join(' and ')}`;
  });
  return `${what} ${clauses.join(', and ')}`;
}

/** The org unit an indicator counts a record at (`ProgramIndicator.orgUnitField`, 2.37+). */
export function orgUnitFieldWords(
  analyticsType: AnalyticsType,
  orgUnitField: string | undefined,
  names: ReadonlyMap<string, string> = new Map(),
): string {
  switch (orgUnitField ?? '') {
    case '':
      return analyticsType === 'EVENT' ? "the event's org unit" : "the enrollment's org unit";
    case 'ENROLLMENT':
      return "the enrollment's org unit";
    case 'REGISTRATION':
      return 'the org unit the person was registered at';
    case 'OWNER_AT_START':
      return "the person's owner org unit at the start of the period";
    case 'OWNER_AT_END':
      return "the person's owner org unit at the end of the period";
    default:
      return `the org unit in ${names.get(orgUnitField!) ?? orgUnitField}`;
  }
}

/** How an aggregation type makes one number of the records' values. */
export function aggregationWords(aggregationType: string | undefined): string {
  switch (aggregationType ?? 'SUM') {
    case 'COUNT':
      return 'counts them';
    case 'SUM':
    case 'CUSTOM':
    case 'DEFAULT':
      return 'adds their values up';
    case 'AVERAGE':
    case 'AVERAGE_SUM_ORG_UNIT':
      return 'takes the average of their values';
    case 'MIN':
      return 'takes the smallest value';
    case 'MAX':
      return 'takes the largest value';
    default:
      return `aggregates them by ${aggregationType}`;
  }
}

/**
 * Whether the event or enrollment query, which lists rows whose own date (event date, enrollment date)
 * falls in the period, lists exactly the rows the indicator's boundaries keep.
 */
export function boundariesMatchQuery(
  analyticsType: AnalyticsType,
  boundaries: readonly PeriodBoundary[],
): boolean {
  const own = analyticsType === 'EVENT' ? 'EVENT_DATE' : 'ENROLLMENT_DATE';
  return boundaries.every((b) => b.boundaryTarget === own) && isWholePeriod(boundaries);
}

/**
 * A filter's parts: its top-level conjuncts (`&&` or `and`, outside parentheses, braces and quotes),
 * each a condition a record must meet; a filter without one is one part.
 */
export function filterParts(filter: string | undefined): string[] {
  if (!filter?.trim()) return [];
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  const text = filter;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    else if (depth === 0) {
      const and = text.startsWith('&&', i)
        ? 2
        : /^\sand\s/i.test(text.slice(i - 1, i + 4)) && c.toLowerCase() === 'a'
          ? 3
          : 0;
      if (and > 0) {
        parts.push(text.slice(start, i));
        start = i + and;
        i += and - 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim().replace(/\s+/g, ' ')).filter((part) => part !== '');
}
