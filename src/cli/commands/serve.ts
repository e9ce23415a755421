import { loadConfig } from '../../config/load.ts';
import { startScheduler } from '../../jobs/serve.ts';
import { createLogger } from '../../log.ts';
import { notifiersFromConfig } from '../../notify/from-config.ts';
import { openStore } from '../../store/open.ts';
import { EXIT } from '../exit-codes.ts';

/** `t2a serve`: the jobs on their schedules until SIGTERM. */
export async function serveCommand(options: { config: string }): Promise<number> {
  const loaded = loadConfig(options.config);
  const logger = createLogger({
    file: loaded.logFile,
    level: loaded.config.log.level,
    secrets: loaded.secrets,
  });
  const store = await openStore(loaded.storePath);
  const scheduler = startScheduler({
    config: loaded,
    logger,
    store,
    notifiers: notifiersFromConfig(loaded, logger),
  });
  for (const { job, at } of scheduler.nextRuns(3)) {
    process.stdout.write(`${job}: next runs ${at.map((date) => date.toISOString()).join(', ')}\n`);
  }
  logger.info({ jobs: scheduler.nextRuns(1) }, 't2a serve started');
  const watch = setInterval(() => void scheduler.checkMissedRuns(), 5 * 60_000);
  void scheduler.checkMissedRuns();
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stdout.write(
        `${signal}: finishing running jobs (up to ${loaded.config.serve.graceSeconds} s)…\n`,
      );
      logger.info({ signal }, 'shutting down');
      clearInterval(watch);
      void scheduler.stop(loaded.config.serve.graceSeconds * 1000).then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await store.close();
  logger.flush();
  return EXIT.OK;
}
