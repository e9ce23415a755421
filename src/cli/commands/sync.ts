import { httpTransport } from '../../dhis2/transport.ts';
import { runPlan } from '../../jobs/plan.ts';
import { runSync } from '../../jobs/sync.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { exitCodeForRun } from '../exit-codes.ts';
import { watchInterrupts } from '../interrupts.ts';
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
    const interrupts = watchInterrupts((line) => process.stderr.write(line));
    try {
      const report = await runSync(ctx, {
        jobs: options.job,
        dryRun: options.dryRun,
        force: options.force,
        signal: interrupts.signal,
        stopNow: interrupts.now,
        allowMassDelete: options.allowMassDelete,
        trustEmptyIndicators: options.trustEmptyIndicators,
        periods: options.period,
        onProgress,
      });
      ctx.logger.info({ outcome: report.outcome, totals: report.totals }, 'sync finished');
      const dryRun = report.jobs.some((job) => job.targets.some((target) => target.dryRun));
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ mode: options.dryRun ? 'dry-run' : 'sync', ...report }, null, 2)}\n`
          : `${dryRun ? `${DRY_RUN_SAYS}\n\n` : ''}${renderSyncReport(report)}\n`,
      );
      return exitCodeForRun(report);
    } finally {
      interrupts.dispose();
    }
  });
  return run.finally(() => lines?.stop());
}

const DRY_RUN_SAYS =
  'Dry run: each target was sent the values to validate (an import with dryRun=true) and saved nothing; the run is in the history as a dry run. `t2a plan` computes the same here without asking the targets.';

/** What a plan is, said before it: where its numbers come from, and what it did not do. */
function planSays(analyticsNotRun: readonly string[]): string {
  const lines = [
    'Plan: computed here from the source’s export and what each target holds. No import was sent, not even a dry run (`t2a sync --dry-run` asks the targets to validate); nothing is recorded in the history.',
  ];
  if (analyticsNotRun.length > 0)
    lines.push(
      `Analytics was not run first (sync runs it for ${analyticsNotRun.join(', ')}): the plan reads the source’s analytics as they are now.`,
    );
  return lines.join('\n');
}

/** `t2a plan`: what a sync would do, computed without sending the targets anything. */
export function planCommand(
  options: ConfigOptions & { job?: string[]; period?: string[]; json?: boolean; force?: boolean },
): Promise<number> {
  return withContext(options, { store: true }, async (ctx) => {
    const { report, analyticsNotRun } = await runPlan(ctx, {
      jobs: options.job,
      periods: options.period,
      force: options.force === true,
    });
    process.stdout.write(
      options.json
        ? `${JSON.stringify({ mode: 'plan', analyticsNotRun, ...planJson(report) }, null, 2)}\n`
        : `${planSays(analyticsNotRun)}\n\n${renderSyncReport(report, 'plan')}\n`,
    );
    return exitCodeForRun(report);
  });
}
