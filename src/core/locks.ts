import { addDays } from '../periods/days.ts';

/**
 * Whether a data set still takes values for a period, as DHIS2 decides it at import
 * (`DataSet.isLocked`, `isDataInputPeriodAndDateAllowed`, open future periods): t2a checks first, so
 * a locked period is reported as locked instead of arriving as a conflict per value.
 */
export interface DataSetLocks {
  readonly id: string;
  readonly name: string;
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

/** Why the data set refuses the period today, or undefined when it takes it. */
export function lockReason(
  dataSet: DataSetLocks,
  period: PeriodDates,
  now: string,
  options: { canEditExpired: boolean; latestOpen?: PeriodDates | undefined },
): string | undefined {
  const today = now.slice(0, 10);
  if (
    !options.canEditExpired &&
    dataSet.expiryDays > 0 &&
    today > addDays(period.endDate, 1 + dataSet.expiryDays)
  ) {
    return `${period.id} closed ${dataSet.expiryDays} days after it ended (expiry days of ${dataSet.name})`;
  }
  if (dataSet.dataInputPeriods.length > 0) {
    const open = dataSet.dataInputPeriods.some(
      (input) =>
        input.period === period.id &&
        (!input.openingDate || input.openingDate.slice(0, 10) <= today) &&
        (!input.closingDate || today <= input.closingDate.slice(0, 10)),
    );
    if (!open) return `${period.id} is not an open data input period of ${dataSet.name}`;
  }
  if (options.latestOpen && period.startDate > options.latestOpen.endDate) {
    return `${period.id} is after the latest open future period ${options.latestOpen.id} of ${dataSet.name}`;
  }
  return undefined;
}
