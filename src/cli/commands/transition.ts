import { writeFileSync } from 'node:fs';
import { toCsv } from '../../core/csv.ts';
import { T2aError } from '../../core/errors.ts';
import { compareJob, comparisonPeriods } from '../../jobs/compare.ts';
import { completeJob } from '../../jobs/complete.ts';
import { resolveJob } from '../../jobs/resolve-job.ts';
import { renderCompareHtml } from '../../report/compare-html.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

export function completeCommand(
  options: ConfigOptions & { job: string; dryRun?: boolean; json?: boolean },
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
  options: ConfigOptions & { job: string; periods: string[]; format: string; output?: string },
): Promise<number> {
  return withContext(options, {}, async (ctx) => {
    const periods = await comparisonPeriods(ctx, options.job, options.periods);
    const resolved = await resolveJob(ctx, options.job, { periods, dryRun: true });
    const { comparison, names, job } = await compareJob(ctx, resolved);
    writeComparison(comparison, names, job, options);
    return EXIT.OK;
  });
}

function writeComparison(
  comparison: Awaited<ReturnType<typeof compareJob>>['comparison'],
  names: ReadonlyMap<string, string>,
  job: Awaited<ReturnType<typeof compareJob>>['job'],
  options: { format: string; output?: string },
): void {
  const name = (id: string) => names.get(id) ?? id;
  let text: string;
  switch (options.format) {
    case 'json':
      text = `${JSON.stringify(comparison, null, 2)}\n`;
      break;
    case 'csv':
      text = toCsv([
        [
          'org_unit',
          'org_unit_name',
          'period',
          'data_element',
          'category_option_combo',
          'manual',
          'tracker',
          'difference',
          'relative',
          'status',
        ],
        ...comparison.rows.map((r) => [
          r.orgUnit,
          name(r.orgUnit),
          r.period,
          r.dataElement,
          r.categoryOptionCombo ?? '',
          String(r.manual ?? ''),
          String(r.tracker ?? ''),
          String(r.difference ?? ''),
          r.relative === undefined ? '' : String(r.relative),
          r.status,
        ]),
      ]);
      break;
    case 'html':
      text = renderCompareHtml(comparison, {
        job: job.name,
        tolerance: job.compare.tolerance,
        agreeFor: job.compare.agreeFor,
        generatedAt: new Date().toISOString().slice(0, 16).replace('T', ' '),
        orgUnitNames: names,
      });
      break;
    case 'table': {
      const lines = comparison.byOrgUnit.map(
        (t) =>
          `${name(t.key).padEnd(36)} manual ${String(t.manual).padStart(7)}  tracker ${String(t.tracker).padStart(7)}  diff ${String(t.difference).padStart(6)}  ${t.relative === undefined ? '' : `${(t.relative * 100).toFixed(1)} %`}`,
      );
      const agreed = comparison.streaks
        .filter((s) => s.periods >= job.compare.agreeFor)
        .map((s) => name(s.orgUnit));
      lines.push(
        '',
        `Only on paper: ${comparison.manualOnly.map(name).join(', ') || 'none'}; only in tracker: ${comparison.trackerOnly.map(name).join(', ') || 'none'}.`,
      );
      lines.push(
        `Agreed within ${job.compare.tolerance * 100} % for ${job.compare.agreeFor}+ periods in a row: ${agreed.join(', ') || 'none yet'}.`,
      );
      text = `${lines.join('\n')}\n`;
      break;
    }
    default:
      throw new T2aError('usage', `Unknown format "${options.format}".`, {
        fix: 'Use table, csv, json or html.',
      });
  }
  if (options.output) writeFileSync(options.output, text);
  else process.stdout.write(text);
}
