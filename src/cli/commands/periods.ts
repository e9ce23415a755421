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

export async function periodsCommand(options: PeriodsCommandOptions): Promise<number> {
  if (options.job && (options.periodType || options.last || options.includeCurrent)) {
    throw new T2aError('usage', '--job takes its window from the configuration.', {
      fix: 'Give either --job NAME, or --period-type with --last (and --include-current).',
    });
  }
  const answer = listPeriods({
    ...(options.job && { job: { config: loadConfig(options.config), name: options.job } }),
    ...(options.periodType && {
      window: {
        periodType: options.periodType,
        last: count(options.last),
        includeCurrent: options.includeCurrent ?? false,
      },
    }),
    ...(options.date && { date: options.date }),
    ...(options.calendar && { calendar: options.calendar }),
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(answer.periods.map((period) => period.id))}\n`);
    return EXIT.OK;
  }
  for (const period of answer.periods) {
    process.stdout.write(`${period.id.padEnd(12)} ${period.startDate} to ${period.endDate}\n`);
  }
  process.stderr.write(
    `${answer.periods.length} ${answer.periodType} period(s) on ${answer.date}, ${answer.calendar} calendar${options.job ? '; sync uses the source server’s own date and calendar' : ''}.\n`,
  );
  return EXIT.OK;
}
