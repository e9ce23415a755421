import { T2aError } from '../../core/errors.ts';
import { explainValue } from '../../jobs/explain.ts';
import { findRun } from '../../jobs/find-run.ts';
import { resolveJob } from '../../jobs/resolve-job.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { exitCodeForExplanation } from '../exit-codes.ts';
import { renderExplanation } from '../render-explain.ts';

export interface ExplainOptions extends ConfigOptions {
  readonly job?: string;
  readonly dataElement: string;
  readonly categoryOptionCombo?: string;
  readonly attributeOptionCombo?: string;
  readonly period?: string;
  readonly orgUnit: string;
  /** A run (`last`, an id or its start): its job, and its period when it ran one. */
  readonly run?: string;
  readonly target?: string;
  readonly json?: boolean;
  readonly showAttributes?: boolean;
}

/** `t2a explain`: one target cell back to the tracker records behind it. */
export function explainCommand(options: ExplainOptions): Promise<number> {
  return withContext(options, { store: true }, async (ctx) => {
    const run = options.run ? await findRun(ctx.store, options.run) : undefined;
    const period = options.period ?? (run?.periods.length === 1 ? run.periods[0] : undefined);
    if (!period)
      throw new T2aError('usage', 'Which period? Give --period (an ISO period such as 202603).', {
        fix: run
          ? `Run ${run.id} sent ${run.periods.join(', ')}: name one of them with --period.`
          : 'Give --period, or --run with a run of one period.',
      });
    const resolved = await resolveJob(ctx, options.job ?? run?.job, {
      periods: [period],
      dryRun: true,
    });
    const explanation = await explainValue(ctx, resolved, {
      dataElement: options.dataElement,
      categoryOptionCombo: options.categoryOptionCombo,
      attributeOptionCombo: options.attributeOptionCombo,
      period,
      orgUnit: options.orgUnit,
      target: options.target,
      showAttributes: options.showAttributes === true,
    });
    process.stdout.write(
      options.json ? `${JSON.stringify(explanation, null, 2)}\n` : renderExplanation(explanation),
    );
    return exitCodeForExplanation(explanation);
  });
}
