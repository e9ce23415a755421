import { runSync } from '../../jobs/sync.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { exitCodeForRun } from '../exit-codes.ts';
import { planJson, progressBar, renderSyncReport } from '../render-sync.ts';

export interface SyncCommandOptions extends ConfigOptions {
  readonly job?: string[];
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly allowMassDelete?: boolean;
  readonly period?: string[];
  readonly json?: boolean;
}

export function syncCommand(options: SyncCommandOptions): Promise<number> {
  return withContext(options, { store: true, notifiers: true }, async (ctx) => {
    ctx.logger.info(
      { config: ctx.config.file, jobs: options.job ?? 'all', dryRun: options.dryRun ?? false },
      'sync started',
    );
    // SIGTERM (systemd, Kubernetes) stops between chunks, so the run is recorded and its lock released.
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    try {
      const report = await runSync(ctx, {
        jobs: options.job,
        dryRun: options.dryRun,
        force: options.force,
        signal: abort.signal,
        allowMassDelete: options.allowMassDelete,
        periods: options.period,
        onProgress: options.json ? undefined : progressBar(process.stderr),
      });
      ctx.logger.info({ outcome: report.outcome, totals: report.totals }, 'sync finished');
      process.stdout.write(
        options.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderSyncReport(report)}\n`,
      );
      return exitCodeForRun(report);
    } finally {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    }
  });
}

/** `t2a plan`: a dry run whose output is the plan. */
export function planCommand(
  options: ConfigOptions & { job?: string[]; period?: string[]; json?: boolean },
): Promise<number> {
  return withContext(options, { store: true }, async (ctx) => {
    const report = await runSync(ctx, { jobs: options.job, dryRun: true, periods: options.period });
    process.stdout.write(
      options.json
        ? `${JSON.stringify(planJson(report), null, 2)}\n`
        : `${renderSyncReport(report)}\n`,
    );
    return exitCodeForRun(report);
  });
}
