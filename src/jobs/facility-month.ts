import type { ComparisonRow } from '../core/compare.ts';
import { T2aError } from '../core/errors.ts';
import { compareJob } from './compare.ts';
import type { JobContext } from './context.ts';
import { resolveJob } from './resolve-job.ts';

/** One value of a facility's month: the tracker number t2a delivers, the manual one beside it. */
export interface FacilityMonthRow extends ComparisonRow {
  /** The data element t2a delivers to (the shadow code where the job has shadow data elements). */
  readonly deliveredDataElement: string;
}

export interface FacilityMonth {
  readonly job: string;
  /** The org unit as the target names it. */
  readonly orgUnit: string;
  readonly orgUnitName: string;
  readonly period: string;
  readonly rows: readonly FacilityMonthRow[];
}

/**
 * All of one facility's values for one period: the comparison of `t2a compare` narrowed to it, each
 * value with the data element an explanation asks about (`t2a explain`).
 */
export async function facilityMonth(
  ctx: JobContext,
  job: string,
  orgUnit: string,
  period: string,
): Promise<FacilityMonth> {
  const resolved = await resolveJob(ctx, job, { periods: [period], dryRun: true });
  const target = resolved.targets[0]!;
  const unit = resolved.orgUnits.find(
    (candidate) => candidate.id === orgUnit || target.translate(candidate.id) === orgUnit,
  );
  if (!unit)
    throw new T2aError('usage', `The org unit ${orgUnit} is not one of job "${job}"'s org units.`, {
      fix: 'Choose a facility the job delivers for.',
    });
  const outcome = await compareJob(ctx, { ...resolved, orgUnits: [unit] });
  const suffix = resolved.job.shadow?.suffix ?? '';
  return {
    job: resolved.job.name,
    orgUnit: target.translate(unit.id) ?? unit.id,
    orgUnitName: unit.name,
    period,
    rows: outcome.comparison.rows.map((row) => ({
      ...row,
      deliveredDataElement: `${row.dataElement}${suffix}`,
    })),
  };
}
