import { T2aError } from '../core/errors.ts';
import { LOCK_LEASE_MS, parseHolder, staleLockReason, type ThisProcess } from '../core/job-lock.ts';
import type { LockHolder, T2aStore } from '../store/types.ts';
import type { JobContext } from './context.ts';
import { thisProcess } from './job-lock.ts';
import { findJob } from './resolve-job.ts';

/** What `t2a unlock` did: nothing to do, or released a lock, and why that was safe. */
export type Unlocked =
  | { readonly released: false }
  | { readonly released: true; readonly holder: LockHolder; readonly reason: string };

/**
 * A lock whose holder is alive and renewing its lease: freeing it would let a second run of the job
 * write beside the first one, so it is refused, with who holds it and what to do.
 */
function stillHeld(job: string, holder: LockHolder, now: Date): T2aError {
  const { host, pid } = parseHolder(holder.holder);
  const silent = Math.max(0, Math.round((now.getTime() - Date.parse(holder.renewedAt)) / 1000));
  return new T2aError(
    'busy',
    `Job "${job}" is held by run ${holder.runId} (pid ${pid ?? '?'} on ${host}), since ${holder.acquiredAt}, last renewed ${holder.renewedAt} (${silent} s ago): that run is alive, and its lock was not released.`,
    {
      fix: `Let it finish, or stop it (\`kill -TERM ${pid ?? 'PID'}\` on ${host}: it stops between chunks and releases the lock). Only if that process is known to be dead (its machine lost) use \`t2a unlock ${job} --force\`; a lease not renewed for ${LOCK_LEASE_MS / 60_000} min is released without --force.`,
    },
  );
}

/**
 * `t2a unlock JOB`: releases a job's lock whose holder is gone (its process no longer runs on this
 * machine, or its lease ran out: the rule a new run takes over by), or any holder with `force`, and
 * records its run as abandoned. The run that held it, if it still runs, notices at its next renewal and
 * stops between chunks.
 */
export async function unlockJob(
  ctx: JobContext & { readonly store: T2aStore },
  name: string,
  options: { readonly force?: boolean; readonly here?: ThisProcess; readonly now?: Date } = {},
): Promise<Unlocked> {
  const job = findJob(ctx, name).name;
  const { store } = ctx;
  const now = options.now ?? new Date();
  const holder = await store.lockHolder(job);
  if (!holder) return { released: false };
  const gone = staleLockReason(holder, now, options.here ?? thisProcess());
  if (!gone && options.force !== true) throw stillHeld(job, holder, now);
  const reason = gone ?? `released with --force (was held by ${holder.holder})`;
  await store.releaseLock(job, holder.runId);
  // A run that finished between the look and the release keeps its own record.
  const run = await store.run(holder.runId);
  if (run?.status === 'running')
    await store.finishRun(holder.runId, 'abandoned', run.report, `Unlocked by hand: ${reason}.`);
  return { released: true, holder, reason };
}
