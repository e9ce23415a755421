import type { SandboxUser } from '../http/env.ts';
import type { MetadataObject } from '../metadata/store.ts';
import { addDays, isoDate, type Period, periodContaining, shiftPeriod } from '../periods/period.ts';
import { atLeast, type Dhis2Version, since } from '../version.ts';

/*
 * When a data set still takes a value, per version (dhis2-core, research notes on
 * `DataValueSetImportValidator`, `DataSet`, `DataInputPeriod`, `PeriodType`, `DefaultDataEntryService`).
 * "Today" is the server's clock in every version.
 */

/** F_EDIT_EXPIRED (or ALL) lets a user write past the expiry days (`DataSet.isLocked`, every version). */
export const mayEditExpired = (user: SandboxUser) =>
  user.authorities.has('F_EDIT_EXPIRED') || user.authorities.has('ALL');

const DAY = 86_400_000;
const midnight = (date: string) => Date.parse(`${date}T00:00:00Z`);

/**
 * Whether the period is past the data set's expiry days. A period's end is 00:00 of its last day
 * (`DataSetTest.isLockedAtCertainTime`, 2.42.5 l.146–159), so for an end of 31 January and 10 days:
 * - locked once `end + expiryDays` is before now (`DataSet.isLocked`, 2.36.13 l.546–557): the last
 *   open day is 9 February, in 2.36, 2.37.0–9, 2.38.0–3, 2.39.0–1;
 * - day-granular and inclusive from DHIS2-14591 (2.37.10, 2.38.4, 2.39.2, 2.40+): 10 February;
 * - 2.42 compares `end + 1 day + expiryDays` to the millisecond, fractions allowed (l.458–469);
 * - 2.43 adds `expiryDays + 1` whole days (`DefaultDataEntryService` l.827–832), fractions cut.
 */
export function pastExpiry(
  version: Dhis2Version,
  dataSet: MetadataObject,
  period: Period,
  now: Date,
): boolean {
  const expiryDays = Number(dataSet.expiryDays ?? 0);
  if (!(expiryDays > 0)) return false;
  const end = midnight(period.endDate);
  if (atLeast(version, 43)) return now.getTime() > end + (Math.trunc(expiryDays) + 1) * DAY;
  if (atLeast(version, 42)) return now.getTime() > end + DAY + expiryDays * DAY;
  if (since(version, '2.37.10', '2.38.4', '2.39.2', '2.40.0'))
    return isoDate(now) > addDays(period.endDate, Math.trunc(expiryDays));
  return now.getTime() > end + Math.trunc(expiryDays) * DAY;
}

/**
 * Whether a data input period lets the value in: none defined, or one for this period open now.
 * 2.36 and the patches before DHIS2-14591 compare strictly (`DataInputPeriod.isDateWithinOpenCloseDates`,
 * 2.36.13 l.98–102); from it the days count, both ends included; 2.43 compares moments, both included
 * (`DateRange.includes`) — and 2.43.0–2.43.1 invert the check (`anyMatch(range.includes(now))` refuses,
 * DHIS2-21981, fixed after 2.43.1): a period is refused while its window is open.
 */
export function inputPeriodAllows(
  version: Dhis2Version,
  dataSet: MetadataObject,
  period: Period,
  now: Date,
): boolean {
  const inputs =
    (dataSet.dataInputPeriods as
      | { period?: { id?: string } | string; openingDate?: string; closingDate?: string }[]
      | undefined) ?? [];
  if (inputs.length === 0) return true;
  const windows = inputs.filter(
    (input) => (typeof input.period === 'string' ? input.period : input.period?.id) === period.id,
  );
  const open = windows.some((input) =>
    windowOpen(version, input.openingDate, input.closingDate, now),
  );
  // 2.43.0–2.43.1 refuse a period with no window, and one whose window holds now (l.857–867).
  if (atLeast(version, 43) && !atLeast(version, 43, 2)) return windows.length > 0 && !open;
  return open;
}

function windowOpen(
  version: Dhis2Version,
  opening: string | undefined,
  closing: string | undefined,
  now: Date,
): boolean {
  if (atLeast(version, 43)) {
    const time = now.getTime();
    return (!opening || Date.parse(opening) <= time) && (!closing || time <= Date.parse(closing));
  }
  if (since(version, '2.37.10', '2.38.4', '2.39.2', '2.40.0')) {
    const today = isoDate(now);
    return (
      (!opening || opening.slice(0, 10) <= today) && (!closing || today <= closing.slice(0, 10))
    );
  }
  const time = now.getTime();
  return (!opening || Date.parse(opening) < time) && (!closing || time < Date.parse(closing));
}

// The calendar library computes a period in milliseconds; an import asks the same question per value.
const latestCache = new Map<string, Period>();

/**
 * The latest period open for data entry with `openFuturePeriods` n: `getNextPeriod(
 * getPreviousPeriod(current), n)` in every version — "Rewind one as 0 open periods implies current period
 * is locked" (`DataElement.getLatestOpenFuturePeriod`, 2.36.13 l.396–411; `PeriodType.getFuturePeriod`,
 * 2.39.1+). So 0 closes the current period, 1 opens it, n opens n−1 periods after it.
 */
export function latestOpenPeriod(periodType: string, openFuturePeriods: number, now: Date): Period {
  const n = Math.max(0, Math.trunc(openFuturePeriods));
  const key = `${periodType}|${n}|${isoDate(now)}`;
  let latest = latestCache.get(key);
  if (!latest) {
    latest = shiftPeriod(periodContaining(periodType, isoDate(now)), n - 1);
    latestCache.set(key, latest);
  }
  return latest;
}

/** `Period.isAfter`: later end dates only (2.42.5 l.328–334). */
export const isAfter = (period: Period, latest: Period) => period.endDate > latest.endDate;

/** A data set's periods per year: its frequency (`PeriodType.getFrequencyOrder`, lower is more frequent). */
const FREQUENCY: Record<string, number> = {
  Daily: 1,
  Weekly: 7,
  BiWeekly: 14,
  Monthly: 30,
  BiMonthly: 60,
  Quarterly: 90,
  SixMonthly: 180,
  Yearly: 365,
};
const frequency = (periodType: string) =>
  FREQUENCY[periodType] ??
  (/^Weekly/.test(periodType)
    ? 7
    : /^Quarterly/.test(periodType)
      ? 90
      : /^SixMonthly/.test(periodType)
        ? 180
        : 365);

/**
 * Before 2.39.1 the future periods are the data element's (`DataElement.getOpenFuturePeriods` and
 * `getPeriodType`, 2.36.13 l.287–292, l.378–388): the most open of its data sets (DataElementTest
 * `testGetOpenFuturePeriods`: 0 and 3 give 3), in the period type of its most frequent data set.
 */
export function dataElementFuturePeriods(dataSets: readonly MetadataObject[]): {
  periodType: string;
  openFuturePeriods: number;
} {
  const byFrequency = [...dataSets].sort(
    (a, b) => frequency(String(a.periodType)) - frequency(String(b.periodType)),
  );
  return {
    periodType: String(byFrequency[0]?.periodType ?? 'Monthly'),
    openFuturePeriods: Math.max(0, ...dataSets.map((ds) => Number(ds.openFuturePeriods ?? 0))),
  };
}
