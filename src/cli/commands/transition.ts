import { writeFileSync } from 'node:fs';
import { compareJob, comparisonPeriods } from '../../jobs/compare.ts';
import { completeJob } from '../../jobs/complete.ts';
import { resolveJob } from '../../jobs/resolve-job.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { renderComparison } from '../render-compare.ts';

export function completeCommand(
  options: ConfigOptions & { job?: string; dryRun?: boolean; json?: boolean },
): Promise<number> {
  return withContext(options, { store: true }, async (ctx) => {
    const resolved = await resolveJob(ctx, options.job, { dryRun: options.dryRun === true });
    const results = await completeJob(ctx, resolved, { dryRun: options.dryRun === true });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      return EXIT.OK;
    }
    for (const { dataSet, plan, marked, dryRun } of results) {
      process.stdout.write(
        `Data set ${dataSet}: ${dryRun ? `would mark ${plan.mark.length}` : `marked ${marked}`} complete, ${plan.alreadyComplete} already complete, ${plan.belowRule.length} below the rule, ${plan.stillOpen} in a period still open.\n`,
      );
      if (dryRun) for (const m of plan.mark) process.stdout.write(`  ${m.orgUnit} ${m.period}\n`);
    }
    return EXIT.OK;
  });
}

export function compareCommand(
  options: ConfigOptions & { job?: string; periods: string[]; format: string; output?: string },
): Promise<number> {
  return withContext(options, { store: true }, async (ctx) => {
    const periods = await comparisonPeriods(ctx, options.job, options.periods);
    const resolved = await resolveJob(ctx, options.job, { periods, dryRun: true });
    const text = renderComparison(await compareJob(ctx, resolved), options.format);
    if (options.output) writeFileSync(options.output, text);
    else process.stdout.write(text);
    return EXIT.OK;
  });
}
