import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { jobContext } from '../../src/jobs/context.ts';
import { keepLockAlive, keptLock } from '../../src/jobs/job-lock.ts';
import type { JobRun } from '../../src/jobs/run-job.ts';
import { unlockJob } from '../../src/jobs/unlock.ts';
import { silentLogger } from '../../src/log.ts';
import { openStore } from '../../src/store/open.ts';
import type { LockHolder, T2aStore } from '../../src/store/types.ts';

const dir = mkdtempSync(join(tmpdir(), 't2a-job-lock-'));
const file = join(dir, 't2a.yaml');
writeFileSync(
  file,
  `
connections:
  tracker: { url: https://tracker.example.org, auth: { token: "\${TOKEN}" } }
jobs:
  - name: immunisation
    source: tracker
    programIndicators: { group: Abcdefghij1 }
    orgUnits: { roots: [ImspTQPwCqd], level: 4 }
    targets: [{ connection: same }]
  - name: tb-quarterly
    source: tracker
    periodType: Quarterly
    programIndicators: { group: Abcdefghij2 }
    orgUnits: { roots: [ImspTQPwCqd], level: 4 }
    targets: [{ connection: same }]
store: ${join(dir, 't2a.sqlite')}
log: { file: ${join(dir, 't2a.log')} }
`,
);
const store = await openStore(join(dir, 't2a.sqlite'));
afterAll(() => store.close());
const ctx = {
  ...jobContext(loadConfig(file, {}, { connections: false }), silentLogger(), { store }),
  store,
};

/** This machine as the unlock sees it: `hmis-sync`, where the pids listed are running. */
const here = (alive: number[]) => ({
  host: 'hmis-sync',
  pid: 100,
  alive: (pid: number) => alive.includes(pid),
});

async function running(job: string, runId: string, holder: string): Promise<LockHolder> {
  await store.startRun({
    id: runId,
    job,
    trigger: 'manual',
    startedAt: new Date().toISOString(),
    dryRun: false,
    t2aVersion: 'test',
  });
  expect(await store.acquireLock(job, runId, holder)).toBe(true);
  return (await store.lockHolder(job))!;
}

describe('t2a unlock', () => {
  it('never frees a lock whose holder is alive and renewing: it says who, since when, last renewed', async () => {
    const holder = await running('immunisation', 'run-alive', 'hmis-sync:4242');
    const refused = unlockJob(ctx, 'immunisation', { here: here([4242]) });
    await expect(refused).rejects.toMatchObject({
      kind: 'busy',
      message: expect.stringContaining(
        `held by run run-alive (pid 4242 on hmis-sync), since ${holder.acquiredAt}, last renewed ${holder.renewedAt}`,
      ),
      fix: expect.stringContaining('t2a unlock immunisation --force'),
    });
    expect(await store.lockHolder('immunisation')).toMatchObject({ runId: 'run-alive' });
    expect((await store.run('run-alive'))?.status).toBe('running');
  });

  it('frees it with --force, and records that run as abandoned', async () => {
    const unlocked = await unlockJob(ctx, 'immunisation', { here: here([4242]), force: true });
    expect(unlocked).toMatchObject({ released: true, reason: expect.stringMatching(/--force/) });
    expect(await store.lockHolder('immunisation')).toBeUndefined();
    expect(await store.run('run-alive')).toMatchObject({
      status: 'abandoned',
      error: expect.stringContaining('Unlocked by hand'),
    });
  });

  it('frees without --force a lock whose process is gone from this machine', async () => {
    await running('tb-quarterly', 'run-dead', 'hmis-sync:4343');
    const unlocked = await unlockJob(ctx, 'tb-quarterly', { here: here([]) });
    expect(unlocked).toMatchObject({
      released: true,
      reason: 'its process (pid 4343 on hmis-sync) is no longer running',
    });
    expect((await store.run('run-dead'))?.status).toBe('abandoned');
  });

  it('leaves alone the record of a run that finished meanwhile', async () => {
    await running('tb-quarterly', 'run-done', 'hmis-sync:4444');
    await store.finishRun('run-done', 'success', undefined);
    await unlockJob(ctx, 'tb-quarterly', { here: here([]) });
    expect((await store.run('run-done'))?.status).toBe('success');
  });

  it('names the jobs there are for a job that is not one (exit 2), and says when nothing is locked', async () => {
    await expect(unlockJob(ctx, 'immunization')).rejects.toMatchObject({
      kind: 'usage',
      message: expect.stringContaining('No job named "immunization"'),
      fix: 'Jobs defined: immunisation, tb-quarterly. Did you mean "immunisation"?',
    });
    expect(await unlockJob(ctx, 'immunisation')).toEqual({ released: false });
  });
});

/** A store whose lock is held by the run until `take()` hands it to someone else. */
function lockStore(): { store: T2aStore; take(by?: LockHolder): void } {
  let held = true;
  let now: LockHolder | undefined;
  const fake = {
    renewLock: async () => held,
    lockHolder: async () => now,
  } as unknown as T2aStore;
  return {
    store: fake,
    take: (by) => {
      held = false;
      now = by;
    },
  };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('a run whose lock is taken from it', () => {
  it('notices at its next renewal: it aborts, saying the lock was released by hand', async () => {
    const { store: fake, take } = lockStore();
    const lease = keepLockAlive(fake, 'immunisation', 'run-1', silentLogger(), 10);
    await new Promise((r) => setTimeout(r, 30));
    expect(lease.lost.aborted).toBe(false);
    take();
    await until(() => lease.lost.aborted);
    lease.stop();
    expect(lease.lost.reason).toMatchObject({
      kind: 'aborted',
      message: expect.stringMatching(
        /lost its lock: it was released by hand.*recorded as abandoned/,
      ),
    });
  });

  it('names the run that took it over', async () => {
    const { store: fake, take } = lockStore();
    const lease = keepLockAlive(fake, 'immunisation', 'run-1', silentLogger(), 10);
    take({ runId: 'run-2', holder: 'other:7', acquiredAt: 'x', renewedAt: 'x' });
    await until(() => lease.lost.aborted);
    lease.stop();
    expect((lease.lost.reason as Error).message).toContain('taken over by run run-2 on other:7');
  });

  it('ends abandoned even when every chunk was done before it noticed: never a success', async () => {
    const { store: fake, take } = lockStore();
    // Renewals far apart: only the check at the end of the run sees the lock gone.
    const lease = keepLockAlive(fake, 'immunisation', 'run-1', silentLogger(), 60_000);
    const done: JobRun = { resolved: undefined, targets: [], failedChunks: [] };
    expect(await keptLock(lease, done)).toBe(done);
    take();
    const after = await keptLock(lease, done);
    lease.stop();
    expect(after.error).toMatchObject({
      kind: 'aborted',
      message: expect.stringContaining('lost its lock'),
    });
    expect(lease.lost.aborted).toBe(true);
  });
});
