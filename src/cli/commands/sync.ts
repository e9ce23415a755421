import { loadConfig } from '../../config/load.ts';
import { runSync } from '../../jobs/sync.ts';
import { createLogger } from '../../log.ts';
import { notifiersFromConfig } from '../../notify/from-config.ts';
import { openStore } from '../../store/open.ts';
import { exitCodeForRun } from '../exit-codes.ts';
import { progressBar, renderSyncReport } from '../render-sync.ts';

export interface SyncCommandOptions {
  readonly config: string;
  readonly job?: string[];
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly allowMassDelete?: boolean;
  readonly period?: string[];
  readonly json?: boolean;
  readonly logFile?: string;
  readonly logLevel?: string;
}

export async function syncCommand(options: SyncCommandOptions): Promise<number> {
  const loaded = loadConfig(options.config);
  const logger = createLogger({
    file: options.logFile ?? loaded.logFile,
    level: options.logLevel ?? loaded.config.log.level,
    secrets: loaded.secrets,
  });
  logger.info(
    { config: loaded.file, jobs: options.job ?? 'all', dryRun: options.dryRun ?? false },
    'sync started',
  );
  const store = await openStore(loaded.storePath);
  // SIGTERM (systemd, Kubernetes) stops between chunks, so the run is recorded and its lock released.
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const report = await runSync(
    { config: loaded, logger, store, notifiers: notifiersFromConfig(loaded, logger) },
    {
      jobs: options.job,
      dryRun: options.dryRun,
      force: options.force,
      signal: abort.signal,
      allowMassDelete: options.allowMassDelete,
      periods: options.period,
      onProgress: options.json ? undefined : progressBar(process.stderr),
    },
  );
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
  await store.close();
  logger.info({ outcome: report.outcome, totals: report.totals }, 'sync finished');
  logger.flush();
  process.stdout.write(
    options.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderSyncReport(report)}\n`,
  );
  return exitCodeForRun(report);
}

/** `t2a plan`: a dry run whose output is the plan. */
export async function planCommand(options: {
  config: string;
  job?: string[];
  period?: string[];
  json?: boolean;
}): Promise<number> {
  const loaded = loadConfig(options.config);
  const logger = createLogger({
    file: loaded.logFile,
    level: loaded.config.log.level,
    secrets: loaded.secrets,
  });
  const store = await openStore(loaded.storePath);
  const report = await runSync(
    { config: loaded, logger, store },
    { jobs: options.job, dryRun: true, periods: options.period },
  );
  await store.close();
  if (options.json) {
    const plans = report.jobs.map((job) => ({
      job: job.job,
      runId: job.runId,
      error: job.error,
      targets: job.targets.map((t) => ({ target: t.target, plan: t.plan, stale: t.stale })),
    }));
    process.stdout.write(`${JSON.stringify({ jobs: plans }, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderSyncReport(report)}\n`);
  }
  return exitCodeForRun(report);
}
