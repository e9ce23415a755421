import { type Scheduler, startScheduler } from '../../jobs/serve.ts';
import type { Logger } from '../../log.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

/** The dead-man checks every five minutes; a failing check is logged, never lost in a floating promise. */
function watchMissedRuns(scheduler: Scheduler, logger: Logger): () => void {
  const check = () =>
    scheduler
      .checkMissedRuns()
      .catch((error: unknown) =>
        logger.error({ err: (error as Error).message }, 'missed-run check failed'),
      );
  check();
  const timer = setInterval(check, 5 * 60_000);
  return () => clearInterval(timer);
}

/** `t2a serve`: the jobs on their schedules until SIGTERM. */
export function serveCommand(options: ConfigOptions): Promise<number> {
  return withContext(options, { store: true, notifiers: true }, async (ctx) => {
    const scheduler = startScheduler(ctx);
    for (const { job, at } of scheduler.nextRuns(3)) {
      process.stdout.write(
        `${job}: next runs ${at.map((date) => date.toISOString()).join(', ')}\n`,
      );
    }
    ctx.logger.info({ jobs: scheduler.nextRuns(1) }, 't2a serve started');
    const unwatch = watchMissedRuns(scheduler, ctx.logger);
    const graceSeconds = ctx.config.config.serve.graceSeconds;
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    process.stdout.write(`${signal}: finishing running jobs (up to ${graceSeconds} s)…\n`);
    ctx.logger.info({ signal }, 'shutting down');
    unwatch();
    await scheduler.stop(graceSeconds * 1000);
    return EXIT.OK;
  });
}
