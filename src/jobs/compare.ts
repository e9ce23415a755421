import type { LoadedConfig } from '../config/load.ts';
import type { JobConfig } from '../config/schema.ts';
import { type ComparedValue, type Comparison, compareValues } from '../core/compare.ts';
import { T2aError } from '../core/errors.ts';
import { checkExportedValues } from '../core/export-check.ts';
import { mappingKey, resolveMappings, withShadowCodes } from '../core/mapping.ts';
import { periodDates, periodsInWindow, periodTypeOf } from '../core/periods.ts';
import { planChunks } from '../core/plan.ts';
import { withoutDefaultCombos } from '../core/reconcile.ts';
import { exportDataValueSet } from '../dhis2/analytics.ts';
import { Dhis2Client } from '../dhis2/client.ts';
import { fetchHeldValues } from '../dhis2/data-value-sets.ts';
import { fetchOrgUnits, fetchProgramIndicators } from '../dhis2/metadata.ts';
import { getSystemInfo, serverToday } from '../dhis2/system.ts';
import type { Logger } from '../log.ts';
import { isRelativePeriod, resolveRelativePeriod } from '../periods/relative-period.ts';
import { findJob } from './job-context.ts';
import { type PreparedTarget, prepareTarget } from './sync-target.ts';

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
}

async function heldAsCompared(
  target: PreparedTarget,
  periods: readonly string[],
  units: readonly string[],
  inScope: Set<string>,
  suffix = '',
): Promise<ComparedValue[]> {
  const values: ComparedValue[] = [];
  for (let i = 0; i < units.length; i += 100) {
    const held = await fetchHeldValues(target.client, {
      dataSets: target.dataSets,
      periods,
      orgUnits: units.slice(i, i + 100),
      orgUnitIdScheme: target.orgUnitIdScheme,
    });
    for (const value of held.map(withoutDefaultCombos)) {
      if (!inScope.has(mappingKey(value))) continue;
      values.push({
        dataElement: value.dataElement.slice(0, value.dataElement.length - suffix.length),
        categoryOptionCombo: value.categoryOptionCombo,
        orgUnit: value.orgUnit,
        period: value.period,
        value: Number(value.value),
      });
    }
  }
  return values;
}

/** Tracker values against the manual ones in the target: from the shadow data elements, or straight from analytics. */
export async function compareJob(
  config: LoadedConfig,
  logger: Logger,
  jobName: string,
  periodSpec: readonly string[],
): Promise<CompareOutcome> {
  const job = findJob(config, jobName);
  const source = new Dhis2Client(config.connections.get(job.source)!, logger);
  const info = await getSystemInfo(source);
  const periods = comparePeriods(periodSpec, serverToday(info), info.calendar);
  const indicators = await fetchProgramIndicators(source, job.programIndicators);
  const { mapped } = resolveMappings(indicators, job.mappingAttribute);
  const orgUnits = await fetchOrgUnits(source, job.orgUnits);
  const targetConfig = job.targets[0]!;
  const client =
    targetConfig.connection === 'same'
      ? source
      : new Dhis2Client(config.connections.get(targetConfig.connection)!, logger);
  const setup = {
    client,
    config: targetConfig,
    configFile: config.file,
    orgUnits,
    importStrategy: job.importStrategy,
    dryRun: true,
    periodType: job.periodType,
  };
  const target = await prepareTarget({ ...setup, codes: mapped.map((m) => m.dataElement) });
  const units = orgUnits.flatMap((unit) => target.translate(unit.id) ?? []);
  const names = new Map(orgUnits.map((unit) => [target.translate(unit.id) ?? unit.id, unit.name]));
  const manual = await heldAsCompared(target, periods, units, new Set(mapped.map(mappingKey)));
  let tracker: ComparedValue[];
  if (job.shadow) {
    const shadow = resolveMappings(
      withShadowCodes(indicators, job.mappingAttribute, job.shadow.suffix),
      job.mappingAttribute,
    ).mapped;
    const shadowTarget = await prepareTarget({ ...setup, codes: shadow.map((m) => m.dataElement) });
    tracker = await heldAsCompared(
      shadowTarget,
      periods,
      units,
      new Set(shadow.map(mappingKey)),
      job.shadow.suffix,
    );
  } else {
    tracker = [];
    for (const chunk of planChunks(
      periods,
      orgUnits.map((unit) => unit.id),
      job.chunk,
    )) {
      const exported = await exportDataValueSet(source, info.version, {
        programIndicators: mapped.map((m) => m.programIndicator),
        periods: chunk.periods,
        orgUnits: chunk.orgUnits,
        mappingAttribute: job.mappingAttribute,
      });
      for (const value of checkExportedValues(exported, {
        programIndicators: new Set(indicators.map((i) => i.id)),
        targetDataElements: target.dataElements,
      }).values) {
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
  }
  return { comparison: compareValues(manual, tracker, job.compare.tolerance), names, periods, job };
}
