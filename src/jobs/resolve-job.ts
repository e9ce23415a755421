import type { JobConfig } from '../config/schema.ts';
import { T2aError } from '../core/errors.ts';
import { type IssueEntry, issue } from '../core/issues.ts';
import {
  duplicateMappings,
  type IndicatorMapping,
  mappingKey,
  type ProgramIndicatorMetadata,
  resolveMappings,
  withShadowCodes,
} from '../core/mapping.ts';
import { jobPeriodIds, periodsInWindow } from '../core/periods.ts';
import { closest, didYouMean } from '../core/similar.ts';
import type { SourceMetadata } from '../core/source-metadata.ts';
import type { Dhis2Client } from '../dhis2/client.ts';
import { fetchProgramIndicators, fetchSourcePrograms } from '../dhis2/metadata.ts';
import { fetchOrgUnits, type OrgUnit } from '../dhis2/org-units.ts';
import { getSystemInfo, type SystemInfo, serverToday } from '../dhis2/system.ts';
import type { JobContext } from './context.ts';
import { type JobDisaggregation, resolveDisaggregation } from './disaggregation.ts';
import { type PreparedTarget, prepareTarget } from './target.ts';

/**
 * A job as every command works with it, resolved once: its source and server, its periods, its
 * indicators and their mappings (shadow codes applied), its org units and its prepared targets.
 */
export interface ResolvedJob {
  readonly job: JobConfig;
  readonly source: { readonly client: Dhis2Client; readonly info: SystemInfo };
  /** The source server's own date (yyyy-MM-dd): the job's periods follow it. */
  readonly today: string;
  /** The periods the job runs for: --period, its fixed list, or its window on `today`. */
  readonly periods: readonly string[];
  /** The period that holds `today`, still open for reporting (undefined for explicit weekly types…). */
  readonly currentPeriod: string | undefined;
  /** The program indicators as the source holds them. */
  readonly indicators: readonly ProgramIndicatorMetadata[];
  /** The same, with the data element codes t2a delivers to (shadow codes when the job has them). */
  readonly deliveredIndicators: readonly ProgramIndicatorMetadata[];
  /** Mappings t2a delivers: mapped and not duplicated. */
  readonly mappings: readonly IndicatorMapping[];
  /** 2.42 disaggregated indicators: their cells per target, and how an exported value becomes one. */
  readonly disaggregation: JobDisaggregation;
  readonly unmapped: readonly { readonly programIndicator: string; readonly name: string }[];
  readonly duplicates: readonly (readonly IndicatorMapping[])[];
  /** UIDs of every indicator of the job: an exported value still carrying one was not mapped. */
  readonly allIndicators: ReadonlySet<string>;
  readonly orgUnits: readonly OrgUnit[];
  /** Roots, org units and groups the job names that the source does not have. */
  readonly missingOrgUnits: readonly string[];
  readonly targets: readonly PreparedTarget[];
  /** The indicators' programmes, for the checks of their expressions' references. */
  readonly sourceMetadata: SourceMetadata;
  /** Hours since the source's analytics last ran, by its own clock; undefined if it never did. */
  readonly analyticsAgeHours: number | undefined;
  /** What every target's report carries from the start: unmapped and duplicated indicators. */
  readonly issues: readonly IssueEntry[];
  /** An org unit's name and UID, for messages. */
  orgUnitName(id: string): string;
}

export interface JobOverrides {
  /** ISO periods instead of the job's (`--period`). */
  readonly periods?: readonly string[] | undefined;
  /** Every target validates and saves nothing. */
  readonly dryRun?: boolean | undefined;
  /** No target is sent an import, not even a dry run: what would be sent is counted by t2a (`t2a plan`). */
  readonly offline?: boolean | undefined;
}

/**
 * A job of the configuration by name (`--job`), or its only job when none is named; an error naming the
 * jobs there are otherwise.
 */
export function findJob(ctx: JobContext, name: string | undefined): JobConfig {
  const jobs = ctx.config.config.jobs;
  const names = jobs.map((job) => job.name);
  if (name === undefined) {
    if (jobs.length === 1) return jobs[0]!;
    throw new T2aError(
      'usage',
      `${ctx.config.file} has ${jobs.length} jobs: name one with --job.`,
      { fix: `Jobs defined: ${names.join(', ') || '(none)'}.` },
    );
  }
  const job = jobs.find((candidate) => candidate.name === name);
  if (!job) {
    throw new T2aError('usage', `No job named "${name}" in ${ctx.config.file}.`, {
      fix: `Jobs defined: ${names.join(', ')}.${closest(name, names).length > 0 ? ` ${didYouMean(name, names)}` : ''}`,
    });
  }
  return job;
}

/** The jobs named, in that order, or every job when none is. */
export function selectJobs(ctx: JobContext, names: readonly string[] | undefined): JobConfig[] {
  return names?.length ? names.map((name) => findJob(ctx, name)) : [...ctx.config.config.jobs];
}

/** The client of a job's source or of one of its targets (`same` is the source). */
export function connectionClient(ctx: JobContext, job: JobConfig, connection: string): Dhis2Client {
  return ctx.clients.client(connection === 'same' ? job.source : connection);
}

export function analyticsAge(info: SystemInfo): number | undefined {
  if (!info.lastAnalyticsTableSuccess) return undefined;
  const now = info.serverDate ? Date.parse(`${info.serverDate}Z`) : Date.now();
  return (now - Date.parse(`${info.lastAnalyticsTableSuccess}Z`)) / 3_600_000;
}

function noIndicators(job: JobConfig, source: Dhis2Client): T2aError {
  return new T2aError(
    'validation',
    `Job "${job.name}" has no program indicators on ${source.name}.`,
    {
      fix:
        'group' in job.programIndicators
          ? `The program indicator group ${job.programIndicators.group} is empty or does not exist: check its UID.`
          : 'None of the listed program indicator UIDs exist: check them.',
      details: { finding: 'no-indicators' },
    },
  );
}

function currentPeriodOf(job: JobConfig, today: string, calendar: string): string | undefined {
  try {
    return periodsInWindow(
      { periodType: job.periodType, last: 0, includeCurrent: true },
      today,
      calendar,
    )[0];
  } catch {
    return undefined;
  }
}

/** Issues every target reports for the job itself: indicators not mapped, and mappings shared. */
function jobIssues(
  unmapped: ResolvedJob['unmapped'],
  duplicates: ResolvedJob['duplicates'],
  missingOrgUnits: readonly string[],
): IssueEntry[] {
  return [
    ...(missingOrgUnits.length > 0
      ? [issue('org-unit-root-missing', missingOrgUnits.length, missingOrgUnits)]
      : []),
    ...unmapped.map((pi) =>
      issue('unmapped-indicator', 1, [`${pi.name} (${pi.programIndicator})`]),
    ),
    ...duplicates.map((group) =>
      issue('duplicate', group.length, [
        `${group[0]!.dataElement} / ${group[0]!.categoryOptionCombo ?? 'default'}: ${group
          .map((mapping) => `${mapping.name} (${mapping.programIndicator})`)
          .join(' + ')}`,
      ]),
    ),
  ];
}

/** Each target of the job, prepared for the codes and combos its mappings write and its org units. */
function prepareTargets(
  ctx: JobContext,
  job: JobConfig,
  scope: { codes: string[]; comboCodes: string[]; orgUnits: OrgUnit[] },
  overrides: JobOverrides,
): Promise<PreparedTarget[]> {
  const { codes, comboCodes, orgUnits } = scope;
  return Promise.all(
    job.targets.map((target) =>
      prepareTarget({
        client: connectionClient(ctx, job, target.connection),
        config: target,
        configFile: ctx.config.file,
        codes,
        comboCodes,
        orgUnits,
        importStrategy: target.importStrategy ?? job.importStrategy,
        periodType: job.periodType,
        offline: overrides.offline === true,
        dryRun:
          overrides.offline === true ||
          overrides.dryRun === true ||
          target.dryRun === true ||
          (target.dryRun === undefined && job.dryRun),
      }),
    ),
  );
}

/** Resolves a job against its source and targets: the one place a command learns what a job is. */
export async function resolveJob(
  ctx: JobContext,
  name: string | undefined,
  overrides: JobOverrides = {},
): Promise<ResolvedJob> {
  const job = findJob(ctx, name);
  const client = ctx.clients.client(job.source);
  const info = await getSystemInfo(client);
  const today = serverToday(info);
  const periods = jobPeriodIds(job, today, info.calendar, overrides.periods);
  const indicators = await fetchProgramIndicators(
    client,
    job.programIndicators,
    info.profile.piDisaggregation,
  );
  if (indicators.length === 0) throw noIndicators(job, client);
  const deliveredIndicators = withShadowCodes(indicators, job.mappingAttribute, job.shadow?.suffix);
  const resolution = resolveMappings(deliveredIndicators, job.mappingAttribute);
  const disaggregation = await resolveDisaggregation(
    client,
    job.targets.map((target) => connectionClient(ctx, job, target.connection)),
    indicators,
    job.shadow?.suffix,
  );
  const allMapped = [...resolution.mapped, ...disaggregation.mappings];
  const duplicates = duplicateMappings(allMapped);
  const duplicated = new Set(duplicates.flat().map((mapping) => mappingKey(mapping)));
  const { units: orgUnits, missing: missingOrgUnits } = await fetchOrgUnits(client, job.orgUnits);
  if (orgUnits.length === 0) {
    throw new T2aError('validation', `Job "${job.name}" selects no org units on ${client.name}.`, {
      fix: `Check the job’s orgUnits: the roots, level, groups or ids${missingOrgUnits.length ? ` (${client.name} has none of ${missingOrgUnits.join(', ')})` : ''}.`,
      details: { finding: 'no-org-units' },
    });
  }
  const codes = allMapped.map((mapping) => mapping.dataElement);
  const comboCodes = allMapped.flatMap((mapping) => [
    ...(mapping.categoryOptionCombo ? [mapping.categoryOptionCombo] : []),
    ...(mapping.attributeOptionCombo ? [mapping.attributeOptionCombo] : []),
  ]);
  const sourceMetadata = await fetchSourcePrograms(
    client,
    indicators.flatMap((indicator) => indicator.program?.id ?? []),
  );
  const targets = await prepareTargets(ctx, job, { codes, comboCodes, orgUnits }, overrides);
  const names = new Map(orgUnits.map((unit) => [unit.id, unit.name]));
  return {
    job,
    source: { client, info },
    today,
    periods,
    currentPeriod: currentPeriodOf(job, today, info.calendar),
    indicators,
    deliveredIndicators,
    mappings: allMapped.filter((mapping) => !duplicated.has(mappingKey(mapping))),
    disaggregation,
    unmapped: resolution.unmapped,
    duplicates,
    allIndicators: new Set(indicators.map((indicator) => indicator.id)),
    orgUnits,
    missingOrgUnits,
    targets,
    sourceMetadata,
    analyticsAgeHours: analyticsAge(info),
    issues: jobIssues(resolution.unmapped, duplicates, missingOrgUnits),
    orgUnitName: (id) => (names.has(id) ? `${names.get(id)} (${id})` : id),
  };
}
