import { explainValue } from '../../jobs/explain.ts';
import { resolveJob } from '../../jobs/resolve-job.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { exitCodeForExplanation } from '../exit-codes.ts';
import { renderExplanation } from '../render-explain.ts';

export interface ExplainOptions extends ConfigOptions {
  readonly job?: string;
  readonly dataElement: string;
  readonly categoryOptionCombo?: string;
  readonly attributeOptionCombo?: string;
  readonly period: string;
  readonly orgUnit: string;
  readonly target?: string;
  readonly json?: boolean;
  readonly showAttributes?: boolean;
}

/** `t2a explain`: one target cell back to the tracker records behind it. */
export function explainCommand(options: ExplainOptions): Promise<number> {
  return withContext(options, { store: true }, async (ctx) => {
    const resolved = await resolveJob(ctx, options.job, {
      periods: [options.period],
      dryRun: true,
    });
    const explanation = await explainValue(ctx, resolved, {
      dataElement: options.dataElement,
      categoryOptionCombo: options.categoryOptionCombo,
      attributeOptionCombo: options.attributeOptionCombo,
      period: options.period,
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
