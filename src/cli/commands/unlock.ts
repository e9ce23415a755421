import { unlockJob } from '../../jobs/unlock.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

/** `t2a unlock JOB [--force]`: a lock left by a dead run released; a live run's lock refused (exit 6). */
export function unlockCommand(
  job: string,
  options: ConfigOptions & { force?: boolean },
): Promise<number> {
  return withContext(options, { store: true, connections: false }, async (ctx) => {
    const unlocked = await unlockJob(ctx, job, { force: options.force === true });
    process.stdout.write(
      unlocked.released
        ? `Released the lock of job ${job}, held by run ${unlocked.holder.runId} on ${unlocked.holder.holder} since ${unlocked.holder.acquiredAt}: ${unlocked.reason}. That run is recorded as abandoned; if it still runs, it stops at its next renewal.\n`
        : `Job ${job} is not locked.\n`,
    );
    return EXIT.OK;
  });
}
