import { existsSync } from 'node:fs';
import { loadConfig } from '../../config/load.ts';
import { T2aError } from '../../core/errors.ts';
import { listPeriods } from '../../jobs/periods.ts';
import { EXIT } from '../exit-codes.ts';

export interface PeriodsCommandOptions {
  readonly config: string;
  readonly job?: string;
  readonly periodType?: string;
  readonly last?: string;
  readonly includeCurrent?: boolean;
  readonly date?: string;
  readonly calendar?: string;
  readonly json?: boolean;
}

function count(last: string | undefined): number {
  const value = Number(last ?? '1');
  if (!Number.isInteger(value) || value < 0) {
    throw new T2aError('usage', `--last ${last} is not a number of periods.`, {
      fix: 'Give a whole number: 0 (only with --include-current), 1, 2, 3…',
    });
  }
  return value;
}

/**
 * Whose window: `--period-type` (with --last) is a window of its own; otherwise the job named with --job,
 * or the configuration's only job.
 */
const windowOfJob = (options: PeriodsCommandOptions) =>
  options.job !== undefined || options.periodType === undefined;

function request(options: PeriodsCommandOptions) {
  const job = windowOfJob(options);
  if (job && (options.periodType || options.last || options.includeCurrent)) {
    throw new T2aError('usage', 'A job takes its window from the configuration.', {
      fix: 'Give either --job NAME (or nothing, for the only job), or --period-type with --last (and --include-current).',
    });
  }
  if (job && options.job === undefined && !existsSync(options.config)) {
    throw new T2aError(
      'usage',
      `No window given, and no configuration file ${options.config} to take a job’s from.`,
      {
        fix: 'Give a window (t2a periods --period-type Quarterly --last 2), or the configuration (t2a periods --config /etc/t2a/t2a.yaml).',
      },
    );
  }
  return {
    ...(job && {
      job: {
        config: loadConfig(options.config, process.env, { connections: false }),
        name: options.job,
      },
    }),
    ...(options.periodType && {
      window: {
        periodType: options.periodType,
        last: count(options.last),
        includeCurrent: options.includeCurrent ?? false,
      },
    }),
    ...(options.date && { date: options.date }),
    ...(options.calendar && { calendar: options.calendar }),
  };
}

export async function periodsCommand(options: PeriodsCommandOptions): Promise<number> {
  const fromJob = windowOfJob(options);
  const answer = listPeriods(request(options));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(answer.periods.map((period) => period.id))}\n`);
    return EXIT.OK;
  }
  for (const period of answer.periods) {
    process.stdout.write(`${period.id.padEnd(12)} ${period.startDate} to ${period.endDate}\n`);
  }
  process.stderr.write(
    `${answer.periods.length} ${answer.periodType} period(s) on ${answer.date}, ${answer.calendar} calendar${fromJob ? '; sync uses the source server’s own date and calendar' : ''}.\n`,
  );
  return EXIT.OK;
}
