import { loadConfig } from '../../config/load.ts';
import { adoptValues } from '../../jobs/adopt.ts';
import { restoreRun } from '../../jobs/restore.ts';
import { createLogger } from '../../log.ts';
import { openStore } from '../../store/open.ts';
import { EXIT } from '../exit-codes.ts';

async function open(configFile: string) {
  const loaded = loadConfig(configFile);
  const logger = createLogger({
    file: loaded.logFile,
    level: loaded.config.log.level,
    secrets: loaded.secrets,
  });
  return { loaded, logger, store: await openStore(loaded.storePath) };
}

export async function adoptCommand(options: {
  config: string;
  job: string;
  yes?: boolean;
  period?: string[];
}): Promise<number> {
  const { loaded, logger, store } = await open(options.config);
  try {
    const results = await adoptValues(loaded, store, logger, options.job, {
      confirm: options.yes === true,
      periods: options.period,
    });
    for (const result of results) {
      process.stdout.write(
        `${result.target}: ${result.values.length} value(s) in the job's scope\n`,
      );
      for (const value of result.values.slice(0, 20)) {
        process.stdout.write(
          `  ${value.dataElement} ${value.categoryOptionCombo ?? 'default'} ${value.period} ${value.orgUnit} = ${value.value} (stored by ${value.storedBy ?? '?'})\n`,
        );
      }
      if (result.values.length > 20)
        process.stdout.write(`  … and ${result.values.length - 20} more\n`);
    }
    process.stdout.write(
      results.every((result) => result.recorded)
        ? 'Recorded as t2a’s own: reconciliation now clears them when the export stops producing them.\n'
        : 'Nothing recorded. Run again with --yes to adopt these values.\n',
    );
    return EXIT.OK;
  } finally {
    await store.close();
  }
}

export async function restoreCommand(
  runId: string,
  options: { config: string; dryRun?: boolean },
): Promise<number> {
  const { loaded, logger, store } = await open(options.config);
  try {
    const result = await restoreRun(loaded, store, logger, runId, options.dryRun === true);
    if (result.values === 0) {
      process.stdout.write(`Run ${result.runId} deleted nothing.\n`);
      return EXIT.OK;
    }
    for (const { target, result: imported } of result.results) {
      const c = imported.counts;
      process.stdout.write(
        `${target}: ${c.imported} imported, ${c.updated} updated, ${c.ignored} ignored, ${imported.conflicts.length} conflict(s)\n`,
      );
    }
    process.stdout.write(
      `${options.dryRun ? 'Dry run: would put back' : 'Put back'} the ${result.values} value(s) run ${result.runId} deleted.\n`,
    );
    return result.results.some(({ result: r }) => r.conflicts.length > 0)
      ? EXIT.CONFLICTS
      : EXIT.OK;
  } finally {
    await store.close();
  }
}
