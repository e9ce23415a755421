import { addDays } from '../periods/days.ts';

/**
 * Whether a target still takes a value for a period, as DHIS2 decides it at import: expiry days, open
 * future periods and data input periods of the data element's data sets. t2a checks first, so a closed
 * period is reported as closed, with the fix, instead of arriving as a conflict per value.
 */
export interface DataSetLocks {
  readonly id: string;
  readonly name: string;
  readonly periodType: string;
  /** Days after the period's end during which values are accepted; 0: never locked. */
  readonly expiryDays: number;
  readonly openFuturePeriods: number;
  readonly dataInputPeriods: readonly {
    readonly period: string;
    readonly openingDate?: string | undefined;
    readonly closingDate?: string | undefined;
  }[];
}

export interface PeriodDates {
  readonly id: string;
  readonly startDate: string;
  readonly endDate: string;
}

/** How a version checks timeliness (the target's ServerProfile.lockRules). */
export interface LockRules {
  /**
   * Whose locks apply: the data element's, through its most frequent data set and its most open future
   * periods (up to 2.39.0); every data set of the element assigned to the org unit (2.39.1–2.42); the
   * one data set the value is imported into (2.43).
   */
  readonly scope: 'data-element' | 'assigned-data-sets' | 'import-data-set';
  /**
   * The last day a period with expiry days n takes values: its end + n − 1 (2.36, 2.37.0–9,
   * 2.38.0–3, 2.39.0–1), or its end + n (from DHIS2-14591 on).
   */
  readonly lastDayOpen: 'before-end-plus-n' | 'end-plus-n';
  /** Future periods are checked only on servers with the ISO calendar (up to 2.42). */
  readonly futureNeedsIso: boolean;
  /** 2.43.0–2.43.1 refuse a period while its input window is open, and one without a window. */
  readonly inputPeriodsInverted: boolean;
}

/** Why the target refuses the period, with its cause (core/issues.ts), or undefined when it takes it. */
export interface Refusal {
  readonly cause: 'locked-period' | 'future-period';
  /** The data set that refuses it, by name. */
  readonly dataSet: string;
  readonly reason: string;
}

export interface LockQuestion {
  /** The value's data element's data sets in the target. */
  readonly dataSets: readonly DataSetLocks[];
  /** Whether the org unit is assigned to a data set (undefined: not known, taken as assigned). */
  readonly assigned: (dataSet: string) => boolean | undefined;
  /** The data set the value is imported into (2.43: one request per data set). */
  readonly importDataSet?: string | undefined;
  readonly period: PeriodDates;
  /** The target's own date. */
  readonly today: string;
  /** The import user has F_EDIT_EXPIRED (or ALL). */
  readonly canEditExpired: boolean;
  readonly isoCalendar: boolean;
  readonly rules: LockRules;
  /**
   * The latest period open for data entry of a period type: `getNextPeriod(getPreviousPeriod(current),
   * n)` — "Rewind one as 0 open periods implies current period is locked" (`DataElement
   * .getLatestOpenFuturePeriod`, 2.36.13 l.396–411; `PeriodType.getFuturePeriod` from 2.39.1). So 0
   * closes the current period, 1 opens it.
   */
  readonly latestOpen: (periodType: string, openFuturePeriods: number) => PeriodDates | undefined;
}

/** `DataSet.isLocked`: past the last day the expiry days leave open. */
function expired(ds: DataSetLocks, q: LockQuestion): Refusal | undefined {
  if (q.canEditExpired || !(ds.expiryDays > 0)) return undefined;
  const days = Math.trunc(ds.expiryDays) - (q.rules.lastDayOpen === 'end-plus-n' ? 0 : 1);
  if (q.today <= addDays(q.period.endDate, days)) return undefined;
  return {
    cause: 'locked-period',
    dataSet: ds.name,
    reason: `${q.period.id} closed ${ds.expiryDays} days after it ended (expiry days of ${ds.name})`,
  };
}

/** `Period.isAfter` the latest open future period (end dates compared). */
function afterLatestOpen(
  periodType: string,
  openFuturePeriods: number,
  name: string,
  q: LockQuestion,
): Refusal | undefined {
  if (q.rules.futureNeedsIso && !q.isoCalendar) return undefined;
  const latest = q.latestOpen(periodType, openFuturePeriods);
  if (!latest || q.period.endDate <= latest.endDate) return undefined;
  const current = openFuturePeriods === 0 && q.period.startDate <= q.today;
  return {
    cause: 'future-period',
    dataSet: name,
    reason: current
      ? `${q.period.id} is the current period, and ${name} keeps it closed: its open future periods are 0 (the latest open period is ${latest.id})`
      : `${q.period.id} is after the latest open future period ${latest.id} of ${name} (open future periods: ${openFuturePeriods})`,
  };
}

/** `DataSet.isDataInputPeriodAndDateAllowed`: no input periods, or one for this period open today. */
function inputClosed(ds: DataSetLocks, q: LockQuestion): Refusal | undefined {
  if (ds.dataInputPeriods.length === 0) return undefined;
  const windows = ds.dataInputPeriods.filter((input) => input.period === q.period.id);
  const open = windows.some(
    (input) =>
      (!input.openingDate || input.openingDate.slice(0, 10) <= q.today) &&
      (!input.closingDate || q.today <= input.closingDate.slice(0, 10)),
  );
  if (q.rules.inputPeriodsInverted ? windows.length > 0 && !open : open) return undefined;
  return {
    cause: 'locked-period',
    dataSet: ds.name,
    reason: q.rules.inputPeriodsInverted
      ? `${q.period.id} is refused by ${ds.name}'s data input periods as DHIS2 2.43.0–2.43.1 check them (inverted, DHIS2-21981: a period is refused while its window is open)`
      : `${q.period.id} is not an open data input period of ${ds.name}`,
  };
}

/** The data sets whose periods order them: the most frequent first (`PeriodType.getFrequencyOrder`). */
const FREQUENCY: Readonly<Record<string, number>> = {
  Daily: 1,
  Weekly: 7,
  BiWeekly: 14,
  Monthly: 30,
  BiMonthly: 60,
  Quarterly: 90,
  SixMonthly: 180,
};
const frequency = (type: string) =>
  FREQUENCY[type] ??
  (type.startsWith('Weekly')
    ? 7
    : type.startsWith('Quarterly')
      ? 90
      : type.startsWith('SixMonthly')
        ? 180
        : 365);

/**
 * Up to 2.39.0 (`ImportContext.getApprovalDataSet`, `DataElement.getOpenFuturePeriods`/`getPeriodType`):
 * expiry and input periods of the element's most frequent data set; future periods the most open of
 * its data sets (DataElementTest `testGetOpenFuturePeriods`: 0 and 3 give 3), in that set's period type.
 */
function dataElementRefusal(q: LockQuestion): Refusal | undefined {
  const sets = [...q.dataSets].sort((a, b) => frequency(a.periodType) - frequency(b.periodType));
  const first = sets[0];
  if (!first) return undefined;
  const most = Math.max(...sets.map((ds) => ds.openFuturePeriods));
  return (
    expired(first, q) ??
    afterLatestOpen(first.periodType, most, `the data element's data sets`, q) ??
    inputClosed(first, q)
  );
}

/**
 * Whether the target refuses the value's period, and why. 2.39.1–2.42 check every data set of the
 * element that the org unit is assigned to, and refuse when one refuses (`checkDataValueTargetDataSets`,
 * strict by the default system settings); 2.43 checks the data set of the import only, its input periods
 * alone where it has any, and lets F_EDIT_EXPIRED skip expiry and future periods both
 * (`DefaultDataEntryService.validateEntryTimeliness`, 2.43.1 l.801–868).
 */
export function lockRefusal(q: LockQuestion): Refusal | undefined {
  if (q.rules.scope === 'data-element') return dataElementRefusal(q);
  if (q.rules.scope === 'assigned-data-sets') {
    for (const ds of q.dataSets.filter((set) => q.assigned(set.id) !== false)) {
      const refusal =
        expired(ds, q) ??
        afterLatestOpen(ds.periodType, ds.openFuturePeriods, ds.name, q) ??
        inputClosed(ds, q);
      if (refusal) return refusal;
    }
    return undefined;
  }
  const ds = q.dataSets.find((set) => set.id === q.importDataSet) ?? q.dataSets[0];
  if (!ds) return undefined;
  if (ds.dataInputPeriods.length > 0) return inputClosed(ds, q);
  if (q.canEditExpired) return undefined;
  return expired(ds, q) ?? afterLatestOpen(ds.periodType, ds.openFuturePeriods, ds.name, q);
}
