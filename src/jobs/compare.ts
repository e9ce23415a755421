import type { JobConfig } from '../config/schema.ts';
import { type ComparedValue, type Comparison, compareValues } from '../core/compare.ts';
import { T2aError } from '../core/errors.ts';
import { checkExportedValues } from '../core/export-check.ts';
import { mappingKey, resolveMappings } from '../core/mapping.ts';
import { periodDates, periodsInWindow, periodTypeOf } from '../core/periods.ts';
import { planChunks } from '../core/plan.ts';
import { withoutDefaultCombos } from '../core/reconcile.ts';
import { exportDataValueSet } from '../dhis2/analytics.ts';
import { fetchHeldValues } from '../dhis2/data-value-sets.ts';
import { getSystemInfo, serverToday } from '../dhis2/system.ts';
import { isRelativePeriod, resolveRelativePeriod } from '../periods/relative-period.ts';
import { renderCompareHtml } from '../report/compare-html.ts';
import type { JobContext } from './context.ts';
import { findJob, type ResolvedJob } from './resolve-job.ts';
import { type PreparedTarget, prepareTarget } from './target.ts';

const UNITS: Record<string, string> = {
  DAYS: 'Daily',
  WEEKS: 'Weekly',
  MONTHS: 'Monthly',
  QUARTERS: 'Quarterly',
  YEARS: 'Yearly',
};

/**
 * DHIS2's relative periods (`LAST_6_MONTHS`, `LAST_4_QUARTERS`, `THIS_FINANCIAL_YEAR`…), any
 * `LAST_<n>_<DAYS|WEEKS|MONTHS|QUARTERS|YEARS>`, or a list of ISO periods.
 */
export function comparePeriods(spec: readonly string[], today: string, calendar: string): string[] {
  const [first] = spec;
  if (spec.length === 1 && first && isRelativePeriod(first) && calendar === 'iso8601') {
    return resolveRelativePeriod(first, { date: today })!.map((period) => period.id);
  }
  const match =
    spec.length === 1 && first
      ? /^LAST_(\d+)_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS)$/.exec(first)
      : null;
  if (match)
    return periodsInWindow(
      { periodType: UNITS[match[2]!]!, last: Number(match[1]), includeCurrent: false },
      today,
      calendar,
    );
  const unknown = spec.filter((period) => !periodTypeOf(period, calendar));
  if (unknown.length > 0) {
    throw new T2aError('usage', `"${unknown.join(' ')}" are not periods.`, {
      fix: 'Give ISO periods (202401 202402) or a relative period: LAST_6_MONTHS, LAST_4_QUARTERS, THIS_YEAR…',
    });
  }
  return spec.map((period) => periodDates(period, calendar)!.id);
}

export interface CompareOutcome {
  readonly comparison: Comparison;
  readonly names: Map<string, string>;
  readonly periods: readonly string[];
  readonly job: JobConfig;
  /** Values of the manual side that t2a wrote itself (a job without shadow data elements): left out. */
  readonly ownValuesLeftOut: number;
}

/**
 * Without shadow data elements the target's data elements hold what facilities reported, until t2a
 * writes there: a value t2a wrote (its ledger says so, and it is unchanged) is not a manual report, and
 * a facility must never look ready on t2a's own numbers.
 */
async function withoutOwnValues(
  ctx: JobContext,
  resolved: ResolvedJob,
  target: PreparedTarget,
  manual: readonly ComparedValue[],
): Promise<{ values: ComparedValue[]; left: number }> {
  if (resolved.job.shadow) return { values: [...manual], left: 0 };
  if (!ctx.store) {
    throw new T2aError(
      'internal',
      'Comparing without shadow data elements reads the ledger, and no store was opened.',
    );
  }
  const written = new Map(
    (await ctx.store.ledger.entries(target.ledgerKey, resolved.job.name, resolved.periods)).map(
      (entry) => [
        `${entry.dataElement}|${entry.categoryOptionCombo ?? ''}|${entry.orgUnit}|${entry.period}`,
        Number(entry.value),
      ],
    ),
  );
  const values = manual.filter(
    (value) =>
      written.get(
        `${value.dataElement}|${value.categoryOptionCombo ?? ''}|${value.orgUnit}|${value.period}`,
      ) !== value.value,
  );
  return { values, left: manual.length - values.length };
}

async function heldAsCompared(
  target: PreparedTarget,
  periods: readonly string[],
  units: readonly string[],
  inScope: Set<string>,
  suffix = '',
): Promise<ComparedValue[]> {
  const values: ComparedValue[] = [];
  const held = await fetchHeldValues(target.client, target.info.profile, {
    dataSets: target.dataSets,
    periods,
    orgUnits: units,
    orgUnitIdScheme: target.orgUnitIdScheme,
    uidOf: target.uidOf,
    names: target.names,
  });
  for (const value of held.map((v) => withoutDefaultCombos(v, target.defaultCombos))) {
    if (!inScope.has(mappingKey(value))) continue;
    values.push({
      dataElement: value.dataElement.slice(0, value.dataElement.length - suffix.length),
      categoryOptionCombo: value.categoryOptionCombo,
      orgUnit: value.orgUnit,
      period: value.period,
      value: Number(value.value),
    });
  }
  return values;
}

/** Tracker values straight from analytics, as a sync would deliver them to the target. */
async function exportedAsCompared(
  resolved: ResolvedJob,
  target: PreparedTarget,
): Promise<ComparedValue[]> {
  const { job, source } = resolved;
  const tracker: ComparedValue[] = [];
  const ids = resolved.orgUnits.map((unit) => unit.id);
  for (const chunk of planChunks(resolved.periods, ids, job.chunk)) {
    const { values: exported } = await exportDataValueSet(source.client, source.info.profile, {
      programIndicators: resolved.mappings.map((m) => m.programIndicator),
      periods: chunk.periods,
      orgUnits: chunk.orgUnits,
      mappingAttribute: job.mappingAttribute,
    });
    const checked = checkExportedValues(exported, {
      programIndicators: resolved.allIndicators,
      targetDataElements: target.dataElements,
    });
    for (const value of checked.values) {
      const orgUnit = target.translate(value.orgUnit);
      if (orgUnit)
        tracker.push({
          dataElement: value.dataElement,
          categoryOptionCombo: value.categoryOptionCombo,
          orgUnit,
          period: value.period,
          value: Number(value.value),
        });
    }
  }
  return tracker;
}

/**
 * Tracker values against the manual ones in the job's first target: from the shadow data elements, or
 * straight from analytics. `resolved` runs over the periods to compare.
 */
export async function compareJob(ctx: JobContext, resolved: ResolvedJob): Promise<CompareOutcome> {
  const { job, periods, orgUnits } = resolved;
  const delivered = resolved.targets[0]!;
  const manualMappings = resolveMappings(resolved.indicators, job.mappingAttribute).mapped;
  const manualTarget = job.shadow
    ? await prepareTarget({
        client: delivered.client,
        config: job.targets[0]!,
        configFile: ctx.config.file,
        codes: manualMappings.map((m) => m.dataElement),
        orgUnits,
        importStrategy: job.importStrategy,
        dryRun: true,
        periodType: job.periodType,
      })
    : delivered;
  const units = orgUnits.flatMap((unit) => manualTarget.translate(unit.id) ?? []);
  const names = new Map(
    orgUnits.map((unit) => [manualTarget.translate(unit.id) ?? unit.id, unit.name]),
  );
  const held = await heldAsCompared(
    manualTarget,
    periods,
    units,
    new Set(manualMappings.map(mappingKey)),
  );
  const manual = await withoutOwnValues(ctx, resolved, manualTarget, held);
  const tracker = job.shadow
    ? await heldAsCompared(
        delivered,
        periods,
        units,
        new Set(resolved.mappings.map(mappingKey)),
        job.shadow.suffix,
      )
    : await exportedAsCompared(resolved, delivered);
  return {
    comparison: compareValues(manual.values, tracker, job.compare.tolerance),
    names,
    periods,
    job,
    ownValuesLeftOut: manual.left,
  };
}

/** The periods to compare, read on the job's source: relative (`LAST_6_MONTHS`…) or ISO. */
export async function comparisonPeriods(
  ctx: JobContext,
  jobName: string | undefined,
  spec: readonly string[],
): Promise<string[]> {
  const info = await getSystemInfo(ctx.clients.client(findJob(ctx, jobName).source));
  return comparePeriods(spec, serverToday(info), info.calendar);
}

/** The comparison as the self-contained HTML report (`t2a compare --format html`, the dashboard's charts). */
export function comparisonReport(outcome: CompareOutcome, generatedAt = new Date()): string {
  return renderCompareHtml(outcome.comparison, {
    job: outcome.job.name,
    tolerance: outcome.job.compare.tolerance,
    agreeFor: outcome.job.compare.agreeFor,
    generatedAt: generatedAt.toISOString().slice(0, 16).replace('T', ' '),
    orgUnitNames: outcome.names,
  });
}
