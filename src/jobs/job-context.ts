import type { LoadedConfig } from '../config/load.ts';
import type { JobConfig, TargetConfig } from '../config/schema.ts';
import { T2aError } from '../core/errors.ts';
import { jobPeriodIds } from '../core/periods.ts';
import { Dhis2Client } from '../dhis2/client.ts';
import { type SystemInfo, serverToday } from '../dhis2/system.ts';
import type { Logger } from '../log.ts';

/** A job by name, or an error listing the jobs there are. */
export function findJob(config: LoadedConfig, name: string): JobConfig {
  const job = config.config.jobs.find((candidate) => candidate.name === name);
  if (!job) {
    throw new T2aError('usage', `No job named "${name}" in ${config.file}.`, {
      fix: `Jobs defined: ${config.config.jobs.map((j) => j.name).join(', ')}.`,
    });
  }
  return job;
}

/** The job's periods: explicit ones, or its "how far back" window on the source's own date and calendar. */
export function jobPeriods(job: JobConfig, info: SystemInfo): string[] {
  return jobPeriodIds(job, serverToday(info), info.calendar);
}

/** The client of a job's target: the source itself for `same`. */
export function targetClient(
  config: LoadedConfig,
  target: TargetConfig,
  source: Dhis2Client,
  logger: Logger,
): Dhis2Client {
  return target.connection === 'same'
    ? source
    : new Dhis2Client(config.connections.get(target.connection)!, logger);
}
