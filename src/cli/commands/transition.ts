import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../config/load.ts';
import { toCsv } from '../../core/csv.ts';
import { T2aError } from '../../core/errors.ts';
import { compareJob } from '../../jobs/compare.ts';
import { completeJob } from '../../jobs/complete.ts';
import { createLogger } from '../../log.ts';
import { renderCompareHtml } from '../../report/compare-html.ts';
import { openStore } from '../../store/open.ts';
import { EXIT } from '../exit-codes.ts';

function open(configFile: string) {
  const loaded = loadConfig(configFile);
  return {
    loaded,
    logger: createLogger({
      file: loaded.logFile,
      level: loaded.config.log.level,
      secrets: loaded.secrets,
    }),
  };
}

export async function completeCommand(options: {
  config: string;
  job: string;
  dryRun?: boolean;
  json?: boolean;
}): Promise<number> {
  const { loaded, logger } = open(options.config);
  const store = await openStore(loaded.storePath);
  try {
    const results = await completeJob(loaded, store, logger, options.job, {
      dryRun: options.dryRun === true,
    });
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
  } finally {
    await store.close();
  }
}

export async function compareCommand(options: {
  config: string;
  job: string;
  periods: string[];
  format: string;
  output?: string;
}): Promise<number> {
  const { loaded, logger } = open(options.config);
  const { comparison, names, job } = await compareJob(loaded, logger, options.job, options.periods);
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
  return EXIT.OK;
}
