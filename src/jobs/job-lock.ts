import { hostname } from 'node:os';
import { T2aError } from '../core/errors.ts';
import { LOCK_RENEW_MS, staleLockReason, type ThisProcess } from '../core/job-lock.ts';
import type { Logger } from '../log.ts';
import type { LockHolder, T2aStore } from '../store/types.ts';
import type { JobRun } from './run-job.ts';

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

/** Why a run no longer holds its job's lock, from who holds it now. */
async function lockLost(store: T2aStore, job: string): Promise<T2aError> {
  const now = await store.lockHolder(job).catch(() => undefined);
  const taken = now
    ? `was taken over by run ${now.runId} on ${now.holder}, which found this run silent or gone`
    : 'was released by hand (`t2a unlock --force`) while it ran';
  return new T2aError(
    'aborted',
    `Job "${job}" lost its lock: it ${taken}. This run stopped between chunks and is recorded as abandoned; the run that holds the lock now, or the next one, does the rest.`,
    {
      fix: now
        ? 'Check what paused this process (a suspended machine, a long garbage collection, an overloaded host) if it was not stopped on purpose.'
        : 'Nothing to repair: the next run resumes. Unlock only runs known to be dead (without --force t2a refuses a live one).',
    },
  );
}

/** A run's hold on its job's lock while it runs. */
export interface Lease {
  /** Aborts when the lock is found taken from the run: it stops between chunks. */
  readonly lost: AbortSignal;
  /** Renews the lease now: whether the run still holds the lock (`lost` aborts when it does not). */
  confirm(): Promise<boolean>;
  stop(): void;
}

/**
 * Renews the run's lease every half minute while it runs. If the lease is lost (another run took the
 * lock after this process stalled for minutes, or `t2a unlock --force` released it), `lost` aborts, so
 * the run stops between chunks.
 */
export function keepLockAlive(
  store: T2aStore,
  job: string,
  runId: string,
  log: Logger,
  everyMs: number = LOCK_RENEW_MS,
): Lease {
  const lost = new AbortController();
  const renew = async (): Promise<boolean> => {
    if (lost.signal.aborted) return false;
    if (await store.renewLock(job, runId)) return true;
    if (!lost.signal.aborted) {
      log.error({ job, runId }, 'lost the job lock');
      lost.abort(await lockLost(store, job));
    }
    return false;
  };
  const timer = setInterval(() => {
    renew().catch((error: unknown) =>
      log.warn({ err: (error as Error).message }, 'could not renew the job lock; will retry'),
    );
  }, everyMs);
  timer.unref();
  return {
    lost: lost.signal,
    // A store that cannot answer says nothing of the lock: the run's own record will fail to be written.
    confirm: () => renew().catch(() => !lost.signal.aborted),
    stop: () => clearInterval(timer),
  };
}

/**
 * A run that lost its lock ends abandoned, whatever it did: another run (or the next) owns the job now,
 * and a success recorded later would contradict the abandoned record written when the lock was taken.
 */
export async function keptLock(lease: Lease | undefined, run: JobRun): Promise<JobRun> {
  if (!lease || (await lease.confirm())) return run;
  const reason = lease.lost.reason as T2aError;
  return { ...run, error: { kind: reason.kind, message: reason.message, fix: reason.fix } };
}
