import type { JobRun } from './run-job.ts';

/**
 * A run asked to stop at once (a second Ctrl-C or SIGTERM while it was stopping between chunks): it
 * ends now as abandoned, without waiting for the chunk in flight, so its record is written and its lock
 * released before the process exits. What that chunk was importing is safe: its intents were written
 * before the request left, and the next run settles them against the target (ADR 8).
 */
export function untilStoppedNow(
  start: () => Promise<JobRun>,
  stopNow: AbortSignal | undefined,
  job: string,
): Promise<JobRun> {
  if (!stopNow) return start();
  const stopped = (): JobRun => ({
    resolved: undefined,
    targets: [],
    failedChunks: [],
    error: {
      kind: 'aborted',
      message: `Job "${job}" was stopped at once (asked twice to stop), without waiting for the work in flight.`,
      fix: 'Nothing is lost: what the targets took is settled and the rest sent by the next run.',
    },
  });
  // A job not begun when the stop came is not begun at all (no analytics started, no request sent).
  if (stopNow.aborted) return Promise.resolve(stopped());
  const run = start();
  return new Promise<JobRun>((resolve, reject) => {
    const stop = () => resolve(stopped());
    stopNow.addEventListener('abort', stop, { once: true });
    run.then(resolve, reject).finally(() => stopNow.removeEventListener('abort', stop));
  });
}
