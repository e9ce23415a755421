import { hostname } from 'node:os';
import { T2aError } from '../core/errors.ts';
import { LOCK_RENEW_MS, staleLockReason, type ThisProcess } from '../core/job-lock.ts';
import type { Logger } from '../log.ts';
import type { LockHolder, T2aStore } from '../store/types.ts';

/** Whether a process with this pid exists here (signal 0 tests without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const thisProcess = (): ThisProcess => ({ host: hostname(), pid: process.pid, alive });

/** What trying to take a job's lock gave. */
export type LockAttempt =
  | { readonly taken: true; readonly tookOver?: { holder: LockHolder; reason: string } }
  | { readonly taken: false; readonly holder: LockHolder | undefined };

/**
 * Takes the job's lock for a run. A lock whose holder is gone (a dead process on this host, or a lease
 * run out on any host) is taken over, and the run that held it is recorded as abandoned.
 */
export async function takeJobLock(
  store: T2aStore,
  job: string,
  runId: string,
  log: Logger,
  here: ThisProcess = thisProcess(),
): Promise<LockAttempt> {
  const me = `${here.host}:${here.pid}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await store.acquireLock(job, runId, me)) return { taken: true };
    const holder = await store.lockHolder(job);
    if (!holder) continue; // released in between: try again
    const reason = staleLockReason(holder, new Date(), here);
    if (!reason) return { taken: false, holder };
    if (!(await store.takeOverLock(job, holder.runId, runId, me))) continue;
    const old = await store.run(holder.runId);
    if (old?.status === 'running') {
      await store.finishRun(
        holder.runId,
        'abandoned',
        old.report,
        `Abandoned: ${reason}; run ${runId} took over the job's lock.`,
      );
    }
    log.warn({ staleRun: holder.runId, holder: holder.holder, reason }, 'took over a stale lock');
    return { taken: true, tookOver: { holder, reason } };
  }
  return { taken: false, holder: await store.lockHolder(job) };
}

/**
 * Renews the run's lease every half minute while it runs. If the lease is lost (another run took the
 * lock after this process stalled for minutes), `lost` aborts, so the run stops between chunks.
 */
export function keepLockAlive(
  store: T2aStore,
  job: string,
  runId: string,
  log: Logger,
  everyMs: number = LOCK_RENEW_MS,
): { readonly lost: AbortSignal; stop(): void } {
  const lost = new AbortController();
  const timer = setInterval(() => {
    store.renewLock(job, runId).then(
      (held) => {
        if (held || lost.signal.aborted) return;
        log.error({ job, runId }, 'lost the job lock to another run');
        lost.abort(
          new T2aError(
            'aborted',
            `Job "${job}" lost its lock to another run (this process did not renew it in time); it stopped between chunks.`,
            {
              fix: 'Check what paused this process (a suspended machine, a long garbage collection, an overloaded host); the run that took over continues the work.',
            },
          ),
        );
      },
      (error: unknown) =>
        log.warn({ err: (error as Error).message }, 'could not renew the job lock; will retry'),
    );
  }, everyMs);
  timer.unref();
  return { lost: lost.signal, stop: () => clearInterval(timer) };
}
