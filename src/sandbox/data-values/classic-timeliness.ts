import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import type { MetadataObject } from '../metadata/store.ts';
import type { parsePeriod } from '../periods/period.ts';
import { since } from '../version.ts';
import type { Conflicts } from './import-outcome.ts';
import type { ImportRequest } from './request.ts';
import { dataSetsOf, targetDataSets } from './target-data-sets.ts';
import {
  dataElementFuturePeriods,
  inputPeriodAllows,
  isAfter,
  latestOpenPeriod,
  mayEditExpired,
  pastExpiry,
} from './timeliness.ts';

/** A value whose identifiers the classic engine found, as the later checks read it. */
export interface Resolved {
  element: MetadataObject;
  period: NonNullable<ReturnType<typeof parsePeriod>>;
  orgUnit: MetadataObject;
  coc: MetadataObject;
  aoc: MetadataObject;
}

/**
 * Locks, future periods and input periods (`checkDataValueDataSetIsNotLocked`, `…NotAfterLatestOpen
 * FuturePeriod`, `…PeriodIsOpenNow`, `…ConformsToOpenPeriodsOfAssociatedDataSets`, in that order).
 * Up to 2.39.0 against one data set, the value's "approval data set", with the future periods of the
 * data element; from 2.39.1 against every target data set (`checkDataValueTargetDataSets`).
 */
export function lockProblem(
  ctx: SandboxContext,
  user: SandboxUser,
  request: ImportRequest,
  v: Resolved,
  index: number,
  conflicts: Conflicts,
): boolean {
  const o = request.options;
  if (o.force && user.superuser) return false;
  const bodyDataSet = request.dataSet
    ? ctx.metadata.find('dataSets', o.dataSetIdScheme, request.dataSet)
    : undefined;
  const perDataSet = since(ctx.version, '2.39.1');
  const targets = perDataSet
    ? targetDataSets(ctx, v.element.id, v.orgUnit.id, bodyDataSet)
    : approvalDataSet(ctx, v.element.id, bodyDataSet);
  if (targets.length === 0) return false;
  const now = ctx.clock.now();
  const add = (code: string, objects: Record<string, string>, message: string) => {
    conflicts.add(code, 'period', objects, message, index);
    return true;
  };
  const expired = mayEditExpired(user)
    ? []
    : targets.filter((ds) => pastExpiry(ctx.version, ds, v.period, now));
  if (
    o.strictDataSetLocking || !perDataSet ? expired.length > 0 : expired.length === targets.length
  )
    return add(
      'E7640',
      { period: v.period.id, dataSet: expired[0]!.id },
      `Current date is past expiry days for period: \`${v.period.id}\`  and data set: \`${expired[0]!.id}\``,
    );
  const future = futureProblem(ctx, v, perDataSet ? targets : dataSetsOf(ctx, v.element.id), now);
  if (future) return add('E7641', future.objects, future.message);
  const closed = targets.filter((ds) => !inputPeriodAllows(ctx.version, ds, v.period, now));
  if (
    o.strictDataSetInputPeriods || !perDataSet
      ? closed.length > 0
      : closed.length === targets.length
  )
    return add(
      'E7643',
      { period: v.period.id, dataSet: closed[0]!.id },
      `Period: \`${v.period.id}\` is not open for this data set at this time: \`${closed[0]!.id}\``,
    );
  // `DataElement.isDataInputAllowedForPeriodAndDate`: some data set of the element takes it now.
  if (
    !dataSetsOf(ctx, v.element.id).some((ds) => inputPeriodAllows(ctx.version, ds, v.period, now))
  )
    return add(
      'E7644',
      { period: v.period.id },
      `Period: \`${v.period.id}\` does not conform to the open periods of associated data sets`,
    );
  return false;
}

/**
 * `ImportContext.getApprovalDataSet` before 2.39.1: the body's data set, else the element's most
 * frequent one (`DataElement.getApprovalDataSet`); none means nothing is checked.
 */
function approvalDataSet(
  ctx: SandboxContext,
  element: string,
  bodyDataSet: MetadataObject | undefined,
): MetadataObject[] {
  if (bodyDataSet) return [bodyDataSet];
  const sets = dataSetsOf(ctx, element);
  if (sets.length === 0) return [];
  const { periodType } = dataElementFuturePeriods(sets);
  return [sets.find((ds) => ds.periodType === periodType) ?? sets[0]!];
}

/**
 * A value after the latest open future period: per target data set from 2.39.1 (E7641 naming it), the
 * data element's own before (the most open of its data sets, in its most frequent period type).
 */
function futureProblem(
  ctx: SandboxContext,
  v: Resolved,
  dataSets: readonly MetadataObject[],
  now: Date,
): { objects: Record<string, string>; message: string } | undefined {
  if (!since(ctx.version, '2.39.1')) {
    if (dataSets.length === 0) return undefined;
    const { periodType, openFuturePeriods } = dataElementFuturePeriods(dataSets);
    const latest = latestOpenPeriod(periodType, openFuturePeriods, now);
    if (!isAfter(v.period, latest)) return undefined;
    return {
      objects: { period: v.period.id, dataElement: v.element.id },
      message: `Period: \`${v.period.id}\` is after latest open future period: \`${latest.id}\` for data element: \`${v.element.id}\``,
    };
  }
  for (const dataSet of dataSets) {
    const latest = latestOpenPeriod(
      String(dataSet.periodType ?? v.period.periodType),
      Number(dataSet.openFuturePeriods ?? 0),
      now,
    );
    if (isAfter(v.period, latest))
      return {
        objects: { period: v.period.id, dataElement: v.element.id, dataSet: dataSet.id },
        message: `Period: \`${v.period.id}\` is after latest open future period: \`${latest.id}\` for data element: \`${v.element.id}\` and data set: \`${dataSet.id}\``,
      };
  }
  return undefined;
}
