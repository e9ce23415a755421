import { httpTransport } from '../../dhis2/transport.ts';
import { runSync } from '../../jobs/sync.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { exitCodeForRun } from '../exit-codes.ts';
import { progressLines } from '../progress-lines.ts';
import { planJson, progressBar, renderSyncReport } from '../render-sync.ts';

export interface SyncCommandOptions extends ConfigOptions {
  readonly job?: string[];
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly allowMassDelete?: boolean;
  readonly trustEmptyIndicators?: boolean;
  readonly period?: string[];
  readonly json?: boolean;
}

/**
 * How the run shows it is alive: a bar on a terminal; lines (chunks, failed answers, what it waits for)
 * in a log without one; nothing with --json.
 */
function progressFor(json: boolean) {
  if (json) return { onProgress: undefined, lines: undefined };
  if (process.stderr.isTTY) return { onProgress: progressBar(process.stderr), lines: undefined };
  const lines = progressLines((line) => process.stderr.write(line));
  return { onProgress: lines.onProgress, lines };
}

export function syncCommand(options: SyncCommandOptions): Promise<number> {
  const { onProgress, lines } = progressFor(options.json === true);
  const needs = {
    store: true,
    notifiers: true,
    ...(lines ? { transport: lines.transport(httpTransport) } : {}),
  } as const;
  const run = withContext(options, needs, async (ctx) => {
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
        trustEmptyIndicators: options.trustEmptyIndicators,
        periods: options.period,
        onProgress,
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
  return run.finally(() => lines?.stop());
}

/** `t2a plan`: a dry run whose output is the plan. */
export function planCommand(
  options: ConfigOptions & { job?: string[]; period?: string[]; json?: boolean; force?: boolean },
): Promise<number> {
  return withContext(options, { store: true }, async (ctx) => {
    const report = await runSync(ctx, {
      jobs: options.job,
      dryRun: true,
      periods: options.period,
      force: options.force === true,
    });
    process.stdout.write(
      options.json
        ? `${JSON.stringify(planJson(report), null, 2)}\n`
        : `${renderSyncReport(report)}\n`,
    );
    return exitCodeForRun(report);
  });
}
