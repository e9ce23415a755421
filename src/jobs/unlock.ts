import type { LockHolder, T2aStore } from '../store/types.ts';

/**
 * `t2a unlock JOB`: releases a lock whose run's process died, and records that run as abandoned.
 * Undefined when the job was not locked.
 */
export async function unlockJob(store: T2aStore, job: string): Promise<LockHolder | undefined> {
  const holder = await store.lockHolder(job);
  if (!holder) return undefined;
  await store.releaseLock(job, holder.runId);
  await store.finishRun(
    holder.runId,
    'abandoned',
    (await store.run(holder.runId))?.report,
    `unlocked by hand (was held by ${holder.holder})`,
  );
  return holder;
}
