import type { JobConfig } from '../config/schema.ts';
import { T2aError } from '../core/errors.ts';
import {
  duplicateMappings,
  type IndicatorMapping,
  type ProgramIndicatorMetadata,
  resolveMappings,
  withShadowCodes,
} from '../core/mapping.ts';
import { jobPeriodIds } from '../core/periods.ts';
import { validateMapping } from '../core/validation.ts';
import { checkAnalyticsFreshness, runAnalyticsTables } from '../dhis2/analytics-tables.ts';
import type { Dhis2Client } from '../dhis2/client.ts';
import { fetchOrgUnits, fetchProgramIndicators, type OrgUnit } from '../dhis2/metadata.ts';
import { getSystemInfo, type SystemInfo, serverToday } from '../dhis2/system.ts';
import type { SyncDeps, SyncOptions } from './sync.ts';
import { type PreparedTarget, prepareTarget } from './sync-target.ts';

export interface JobDeps extends SyncDeps {
  readonly clientFor: (name: string) => Dhis2Client;
}

/** Everything a job needs before its chunks run: versions, mappings, periods, org units, targets. */
export interface JobPlan {
  /** Hours since the source's analytics last ran, by its own clock; undefined if it never did. */
  readonly analyticsAgeHours: number | undefined;
  /** An org unit's name and UID, for messages. */
  orgUnitName(id: string): string;
  readonly info: SystemInfo;
  readonly mappings: readonly IndicatorMapping[];
  readonly allIndicators: ReadonlySet<string>;
  readonly periods: readonly string[];
  readonly orgUnits: readonly OrgUnit[];
  readonly targets: readonly PreparedTarget[];
  readonly unmapped: readonly { programIndicator: string; name: string }[];
  readonly duplicates: readonly IndicatorMapping[][];
}

export async function planJob(
  job: JobConfig,
  deps: JobDeps,
  options: SyncOptions,
): Promise<JobPlan> {
  const source = deps.clientFor(job.source);
  const info = await freshAnalytics(job, source, deps);
  const indicators = withShadowCodes(
    await fetchProgramIndicators(source, job.programIndicators),
    job.mappingAttribute,
    job.shadow?.suffix,
  );
  if (indicators.length === 0) {
    throw new T2aError(
      'mapping',
      `Job "${job.name}" has no program indicators on ${source.name}.`,
      {
        fix:
          'group' in job.programIndicators
            ? `The program indicator group ${job.programIndicators.group} is empty or does not exist: check its UID.`
            : 'None of the listed program indicator UIDs exist: check them.',
      },
    );
  }
  const resolution = resolveMappings(indicators, job.mappingAttribute);
  const duplicates = duplicateMappings(resolution.mapped);
  const duplicated = new Set(duplicates.flat().map((mapping) => mapping.programIndicator));
  const periods = jobPeriods(job, info, options);
  const orgUnits = await fetchOrgUnits(source, job.orgUnits);
  if (orgUnits.length === 0) {
    throw new T2aError('config', `Job "${job.name}" selects no org units on ${source.name}.`, {
      fix: 'Check the job’s orgUnits: the roots, level, groups or ids.',
    });
  }
  const codes = resolution.mapped.map((mapping) => mapping.dataElement);
  const targets = await Promise.all(
    job.targets.map((target) =>
      prepareTarget({
        client: target.connection === 'same' ? source : deps.clientFor(target.connection),
        config: target,
        configFile: deps.config.file,
        codes,
        orgUnits,
        importStrategy: target.importStrategy ?? job.importStrategy,
        periodType: job.periodType,
        dryRun:
          options.dryRun === true ||
          target.dryRun === true ||
          (target.dryRun === undefined && job.dryRun),
      }),
    ),
  );
  if (!options.force) refuseInvalidMapping(job, indicators, targets);
  for (const target of targets) {
    for (const indicator of resolution.unmapped) {
      target.issues.add(
        'unmapped-indicator',
        1,
        [`${indicator.name} (${indicator.programIndicator})`],
        undefined,
      );
    }
    for (const group of duplicates) {
      const names = group
        .map((mapping) => `${mapping.name} (${mapping.programIndicator})`)
        .join(' + ');
      target.issues.add(
        'duplicate',
        group.length,
        [`${group[0]!.dataElement} / ${group[0]!.categoryOptionCombo ?? 'default'}: ${names}`],
        undefined,
      );
    }
  }
  const names = new Map(orgUnits.map((unit) => [unit.id, unit.name]));
  return {
    analyticsAgeHours: analyticsAge(info),
    orgUnitName: (id) => (names.has(id) ? `${names.get(id)} (${id})` : id),
    info,
    mappings: resolution.mapped.filter((mapping) => !duplicated.has(mapping.programIndicator)),
    allIndicators: new Set(indicators.map((indicator) => indicator.id)),
    periods,
    orgUnits,
    targets,
    unmapped: resolution.unmapped,
    duplicates,
  };
}

/** Validation before any value moves: a job whose mapping has errors does not run unless forced. */
function refuseInvalidMapping(
  job: JobConfig,
  indicators: readonly ProgramIndicatorMetadata[],
  targets: readonly PreparedTarget[],
): void {
  for (const target of targets) {
    const errors = validateMapping(indicators, target.metadata, {
      mappingAttribute: job.mappingAttribute,
      periodType: job.periodType,
    }).filter((finding) => finding.severity === 'error');
    if (errors.length === 0) continue;
    const shown = errors.slice(0, 5).map((finding) => `  - ${finding.message}`);
    throw new T2aError(
      'validation',
      `Job "${job.name}" was not run: its mapping has ${errors.length} error(s) for ${target.client.name}:\n${shown.join('\n')}${errors.length > 5 ? `\n  … and ${errors.length - 5} more` : ''}`,
      {
        fix: `Run "t2a validate --job ${job.name}" for the whole report and correct the mapping; or run with --force to send what can be sent.`,
        details: errors,
      },
    );
  }
}

function jobPeriods(job: JobConfig, info: SystemInfo, options: SyncOptions): string[] {
  return jobPeriodIds(job, serverToday(info), info.calendar, options.periods);
}

function analyticsAge(info: SystemInfo): number | undefined {
  if (!info.lastAnalyticsTableSuccess) return undefined;
  const now = info.serverDate ? Date.parse(`${info.serverDate}Z`) : Date.now();
  return (now - Date.parse(`${info.lastAnalyticsTableSuccess}Z`)) / 3_600_000;
}

/** Analytics before export, as the job says: run it and wait, or refuse it when it is too old. */
async function freshAnalytics(
  job: JobConfig,
  source: Dhis2Client,
  deps: JobDeps,
): Promise<SystemInfo> {
  const info = await getSystemInfo(source);
  if (job.analytics.mode === 'run') {
    deps.logger.info({ lastYears: job.analytics.lastYears }, 'running analytics on the source');
    const message = await runAnalyticsTables(source, info.version, {
      tables: 'tracker',
      lastYears: job.analytics.lastYears,
      timeoutMs: job.analytics.timeoutMinutes * 60_000,
      pollMs: 500,
    });
    deps.logger.info({ message }, 'analytics finished');
    return getSystemInfo(source);
  }
  if (job.analytics.mode === 'check')
    checkAnalyticsFreshness(source.name, analyticsAge(info), job.analytics.maxAgeHours);
  return info;
}
