import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/config/load.ts';
import type { RunningSandbox } from '../../src/sandbox/index.ts';
import { openStore } from '../../src/store/open.ts';
import {
  configFor,
  demoIds,
  exited,
  expectedValues,
  sandbox,
  spawnT2a,
  storeOf,
  sync,
  targetValues,
} from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202609', '202610'];

/** What the ledger says t2a wrote into the target, keyed as `targetValues` keys the target's values. */
async function ledgerValues(loaded: LoadedConfig, target: RunningSandbox) {
  const store = storeOf(loaded) ?? (await openStore(loaded.storePath));
  const entries = await store.ledger.entries(target.baseUrl, 'immunisation', PERIODS);
  if (!storeOf(loaded)) await store.close();
  return new Map(
    entries.map((entry) => [
      `${entry.dataElement}|${entry.categoryOptionCombo ?? 'default'}|${entry.period}|${entry.orgUnit}`,
      entry.value,
    ]),
  );
}

async function until(condition: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a sync killed or cut off in the middle', async () => {
  const source = await sandbox({
    dhis2Version: '2.41',
    seed: 'demo-tracker',
    runAnalytics: true,
    now: NOW,
    facilities: 24,
  });
  /** A target of its own per test, empty, and a configuration for it. */
  const setup = async (jobExtra?: string) => {
    const target = await sandbox({
      dhis2Version: '2.41',
      seed: 'demo-hmis',
      now: NOW,
      facilities: 24,
    });
    const ids = await demoIds(source, target);
    const config = configFor({
      source,
      target,
      group: ids.group,
      root: ids.root,
      periods: '{ fixed: [202609, 202610] }',
      ...(jobExtra ? { jobExtra } : {}),
    });
    return { ...config, target, ids };
  };

  it('kill -9 between send and record: the next run takes over the lock and the ledger misses nothing', async () => {
    const { loaded, file, env, target, ids } = await setup();
    // The third import commits, then its answer never comes: the process is killed while it waits.
    target.context.faults.add({
      method: 'POST',
      path: '/api/dataValueSets',
      fault: { kind: 'hang' },
      after: 2,
      times: 1,
      late: true,
    });
    const child = spawnT2a(['sync', '--config', file], env);
    child.stdout?.resume();
    child.stderr?.resume();
    const gone = exited(child);
    await until(() => target.context.faults.list()[0]!.fired === 1, 'the hung import');
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGKILL');
    await gone;
    target.context.faults.clear();

    const store = await openStore(loaded.storePath);
    const holder = await store.lockHolder('immunisation');
    expect(holder?.holder).toMatch(new RegExp(`:${child.pid}$`));
    const [killed] = await store.runs();
    expect(killed?.status).toBe('running');
    expect((await store.ledger.intents(target.baseUrl, 'immunisation')).length).toBeGreaterThan(0);
    // What the target took from the killed import is not in the ledger yet.
    const before = await ledgerValues(loaded, target);
    const held = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    expect(before.size).toBeLessThan(held.size);
    await store.close();

    const again = spawnT2a(['sync', '--config', file], env);
    let output = '';
    again.stdout?.on('data', (data) => (output += data));
    again.stderr?.on('data', (data) => (output += data));
    expect(await exited(again), output).toBe(0);

    const after = await openStore(loaded.storePath);
    expect(await after.lockHolder('immunisation')).toBeUndefined();
    expect(await after.run(killed!.id)).toMatchObject({
      status: 'abandoned',
      error: expect.stringContaining(`pid ${child.pid}`),
    });
    expect(await after.ledger.intents(target.baseUrl, 'immunisation')).toEqual([]);
    await after.close();
    const expected = await expectedValues(source, ids.group, ids.root, PERIODS);
    const final = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    expect(final).toEqual(expected);
    // Every value t2a wrote is in the ledger, so reconciliation can clear any of them later.
    expect(await ledgerValues(loaded, target)).toEqual(final);
  });

  it('answers lost on every retry: the chunk fails, and the next run settles what the target took', async () => {
    // One chunk at a time, so that the four lost answers are one chunk's four attempts.
    const { loaded, target, ids } = await setup('    concurrency: 1');
    target.context.faults.add({
      method: 'POST',
      path: '/api/dataValueSets',
      fault: { kind: 'status', status: 504 },
      after: 1,
      times: 4,
      late: true,
    });
    const first = await sync(loaded);
    target.context.faults.clear();
    expect(first.jobs[0]!.failedChunks).toHaveLength(1);
    expect(first.jobs[0]!.failedChunks[0]!.error).toMatch(/504.*after 4 attempts/);
    const held = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    expect((await ledgerValues(loaded, target)).size).toBeLessThan(held.size);

    const second = await sync(loaded);
    expect(second.outcome).toBe('success');
    const final = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    expect(final).toEqual(await expectedValues(source, ids.group, ids.root, PERIODS));
    expect(await ledgerValues(loaded, target)).toEqual(final);
  });

  it('takes over a lock whose lease ran out on another machine, and waits for a live one', async () => {
    const { loaded } = await setup();
    const store = await openStore(loaded.storePath);
    await store.acquireLock('immunisation', 'run-elsewhere', 'other-host:4242');
    const refused = await sync(loaded);
    expect(refused.jobs[0]!.error).toMatchObject({
      kind: 'busy',
      message: expect.stringContaining('other-host:4242'),
    });
    // Ten minutes without a renewal: that process froze or died.
    const db = new Database(loaded.storePath);
    db.prepare('UPDATE job_locks SET renewed_at = ? WHERE job = ?').run(
      new Date(Date.now() - 10 * 60_000).toISOString(),
      'immunisation',
    );
    db.close();
    const report = await sync(loaded);
    expect(report.jobs[0]!.error).toBeUndefined();
    expect(await store.lockHolder('immunisation')).toBeUndefined();
    await store.close();
  });
});
