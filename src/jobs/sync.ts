import pLimit from 'p-limit';
import type { LoadedConfig } from '../config/load.ts';
import type { JobConfig } from '../config/schema.ts';
import type { DataValue } from '../core/data-value.ts';
import { isT2aError, T2aError } from '../core/errors.ts';
import { checkExportedValues } from '../core/export-check.ts';
import {
  duplicateMappings,
  type IndicatorMapping,
  type ProgramIndicatorMetadata,
  resolveMappings,
} from '../core/mapping.ts';
import { isPeriodOfType, periodsInWindow } from '../core/periods.ts';
import { type Chunk, planChunks } from '../core/plan.ts';
import { type FailedChunk, type JobReport, type RunReport, summarise } from '../core/report.ts';
import { validateMapping } from '../core/validation.ts';
import { exportDataValueSet } from '../dhis2/analytics.ts';
import { Dhis2Client } from '../dhis2/client.ts';
import { importDataValues } from '../dhis2/data-value-sets.ts';
import { fetchOrgUnits, fetchProgramIndicators, type OrgUnit } from '../dhis2/metadata.ts';
import { getSystemInfo, type SystemInfo } from '../dhis2/system.ts';
import type { Logger } from '../log.ts';
import { groupForImport, type PreparedTarget, prepareTarget, targetReport } from './sync-target.ts';

export interface SyncOptions {
  /** Jobs to run by name; all when absent. */
  readonly jobs?: readonly string[] | undefined;
  readonly dryRun?: boolean | undefined;
  /** Explicit ISO periods, overriding the jobs' windows. */
  readonly periods?: readonly string[] | undefined;
  /** Run jobs whose mapping validation found errors (they are still reported). */
  readonly force?: boolean | undefined;
  readonly onProgress?:
    | ((progress: { job: string; done: number; total: number }) => void)
    | undefined;
}

export interface SyncDeps {
  readonly config: LoadedConfig;
  readonly logger: Logger;
}

/** `t2a sync`: every selected job, one after the other; a failing job does not stop the next. */
export async function runSync(deps: SyncDeps, options: SyncOptions = {}): Promise<RunReport> {
  const jobs = selectJobs(deps.config, options.jobs);
  const clients = new Map<string, Dhis2Client>();
  const clientFor = (name: string) => {
    let client = clients.get(name);
    if (!client) {
      const connection = deps.config.connections.get(name);
      if (!connection) throw new T2aError('config', `No connection named "${name}".`);
      client = new Dhis2Client(connection, deps.logger);
      clients.set(name, client);
    }
    return client;
  };
  const reports: JobReport[] = [];
  for (const job of jobs) {
    const logger = deps.logger.child({ job: job.name });
    reports.push(await runJob(job, { ...deps, logger, clientFor }, options));
  }
  return summarise(reports);
}

function selectJobs(config: LoadedConfig, names: readonly string[] | undefined): JobConfig[] {
  if (!names || names.length === 0) return config.config.jobs;
  return names.map((name) => {
    const job = config.config.jobs.find((candidate) => candidate.name === name);
    if (!job) {
      throw new T2aError('usage', `No job named "${name}" in ${config.file}.`, {
        fix: `Jobs defined: ${config.config.jobs.map((j) => j.name).join(', ')}.`,
      });
    }
    return job;
  });
}

interface JobDeps extends SyncDeps {
  readonly clientFor: (name: string) => Dhis2Client;
}

interface JobPlan {
  readonly info: SystemInfo;
  readonly mappings: readonly IndicatorMapping[];
  readonly allIndicators: ReadonlySet<string>;
  readonly periods: readonly string[];
  readonly orgUnits: readonly OrgUnit[];
  readonly targets: readonly PreparedTarget[];
  readonly unmapped: readonly { programIndicator: string; name: string }[];
  readonly duplicates: readonly IndicatorMapping[][];
}

async function runJob(job: JobConfig, deps: JobDeps, options: SyncOptions): Promise<JobReport> {
  const startedAt = new Date().toISOString();
  const source = deps.clientFor(job.source);
  let plan: JobPlan | undefined;
  const failedChunks: FailedChunk[] = [];
  try {
    plan = await planJob(job, deps, options);
    const chunks = planChunks(
      plan.periods,
      plan.orgUnits.map((unit) => unit.id),
      job.chunk,
    );
    deps.logger.info(
      { chunks: chunks.length, periods: plan.periods, orgUnits: plan.orgUnits.length },
      'job planned',
    );
    const limit = pLimit(job.concurrency);
    let done = 0;
    const ready = plan;
    await Promise.all(
      chunks.map((chunk) =>
        limit(async () => {
          await runChunk(job, chunk, ready, source, failedChunks, deps.logger);
          done += 1;
          options.onProgress?.({ job: job.name, done, total: chunks.length });
        }),
      ),
    );
  } catch (error) {
    const known = isT2aError(error)
      ? error
      : new T2aError('internal', (error as Error).message, { cause: error });
    deps.logger.error({ err: known.message, kind: known.kind }, 'job failed');
    return jobReport(job, plan, failedChunks, startedAt, {
      kind: known.kind,
      message: known.message,
      fix: known.fix,
    });
  }
  return jobReport(job, plan, failedChunks, startedAt, undefined);
}

function jobReport(
  job: JobConfig,
  plan: JobPlan | undefined,
  failedChunks: FailedChunk[],
  startedAt: string,
  error: JobReport['error'],
): JobReport {
  const mapped = plan?.mappings.length ?? 0;
  const duplicated = plan?.duplicates.flat().length ?? 0;
  return {
    job: job.name,
    source: job.source,
    sourceVersion: plan?.info.version.text,
    periods: plan?.periods ?? [],
    orgUnitCount: plan?.orgUnits.length ?? 0,
    indicators: {
      total: mapped + duplicated + (plan?.unmapped.length ?? 0),
      mapped: mapped + duplicated,
      unmapped: plan?.unmapped.length ?? 0,
    },
    targets: plan?.targets.map(targetReport) ?? [],
    failedChunks,
    error,
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}

async function planJob(job: JobConfig, deps: JobDeps, options: SyncOptions): Promise<JobPlan> {
  const source = deps.clientFor(job.source);
  const info = await getSystemInfo(source);
  const indicators = await fetchProgramIndicators(source, job.programIndicators);
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
  return {
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
  const explicit = options.periods?.length
    ? options.periods
    : 'fixed' in job.periods
      ? job.periods.fixed
      : undefined;
  if (explicit) {
    const wrong = explicit.filter(
      (period) => !isPeriodOfType(period, job.periodType, info.calendar),
    );
    if (wrong.length > 0) {
      throw new T2aError(
        'usage',
        `Period(s) ${wrong.join(', ')} are not ${job.periodType} periods (job "${job.name}").`,
        {
          fix: `Give ${job.periodType} periods, e.g. ${job.periodType === 'Monthly' ? '202401' : 'as DHIS2 writes them'}.`,
        },
      );
    }
    return [...explicit];
  }
  const window = job.periods as { last: number; includeCurrent: boolean };
  const today = info.serverDate?.slice(0, 10) ?? new Date().toISOString().slice(0, 10);
  return periodsInWindow(
    { periodType: job.periodType, last: window.last, includeCurrent: window.includeCurrent },
    today,
    info.calendar,
  );
}

async function runChunk(
  job: JobConfig,
  chunk: Chunk,
  plan: JobPlan,
  source: Dhis2Client,
  failed: FailedChunk[],
  logger: Logger,
): Promise<void> {
  const log = logger.child({ chunk: chunk.index });
  let exported: DataValue[];
  try {
    exported = await exportDataValueSet(source, plan.info.version, {
      programIndicators: plan.mappings.map((mapping) => mapping.programIndicator),
      periods: chunk.periods,
      orgUnits: chunk.orgUnits,
      mappingAttribute: job.mappingAttribute,
    });
  } catch (error) {
    failed.push(failedChunk(chunk, plan, error, `export from ${source.name}`));
    log.error({ err: (error as Error).message }, 'export failed');
    return;
  }
  for (const target of plan.targets) {
    await deliver(job, chunk, exported, plan, target, failed, log);
  }
}

async function deliver(
  job: JobConfig,
  chunk: Chunk,
  exported: DataValue[],
  plan: JobPlan,
  target: PreparedTarget,
  failed: FailedChunk[],
  log: Logger,
): Promise<void> {
  const tally = target.tally as {
    -readonly [K in keyof typeof target.tally]: (typeof target.tally)[K];
  };
  tally.exported += exported.length;
  const checked = checkExportedValues(exported, {
    programIndicators: plan.allIndicators,
    targetDataElements: target.dataElements,
  });
  for (const problem of checked.problems) target.issues.addProblem(problem);
  const values: DataValue[] = [];
  for (const value of checked.values) {
    const orgUnit = target.translate(value.orgUnit);
    if (orgUnit === undefined) {
      target.issues.add('unknown-org-unit', 1, [orgUnitName(plan, value.orgUnit)], undefined);
      continue;
    }
    values.push(orgUnit === value.orgUnit ? value : { ...value, orgUnit });
  }
  tally.withheld += exported.length - values.length;
  for (const group of groupForImport(target, values, job.periodType)) {
    if (group.values.length === 0) continue;
    try {
      const result = await importDataValues(target.client, {
        values: group.values,
        orgUnitIdScheme: target.orgUnitIdScheme,
        importStrategy: target.importStrategy,
        dryRun: target.dryRun,
        dataSet: group.dataSet,
      });
      tally.sent += group.values.length;
      for (const key of ['imported', 'updated', 'ignored', 'deleted'] as const)
        tally.counts[key] += result.counts[key];
      for (const conflict of result.conflicts) {
        target.issues.addConflict(conflict);
        tally.conflicted += conflict.count;
      }
      log.info(
        { target: target.client.name, status: result.status, ...result.counts },
        'chunk imported',
      );
    } catch (error) {
      failed.push(failedChunk(chunk, plan, error, `import into ${target.client.name}`));
      log.error({ err: (error as Error).message, target: target.client.name }, 'import failed');
    }
  }
}

function orgUnitName(plan: JobPlan, id: string): string {
  const unit = plan.orgUnits.find((candidate) => candidate.id === id);
  return unit ? `${unit.name} (${id})` : id;
}

function failedChunk(chunk: Chunk, plan: JobPlan, error: unknown, step: string): FailedChunk {
  const names = chunk.orgUnits.slice(0, 3).map((id) => orgUnitName(plan, id));
  const more = chunk.orgUnits.length > 3 ? ` and ${chunk.orgUnits.length - 3} more` : '';
  return {
    periods: chunk.periods,
    orgUnits: `${names.join(', ')}${more}`,
    error: `${step}: ${(error as Error).message}`,
    fix: isT2aError(error) ? error.fix : undefined,
  };
}
