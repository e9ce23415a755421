import { describe, expect, it } from 'vitest';
import { jobContext } from '../../src/jobs/context.ts';
import { unlockJob } from '../../src/jobs/unlock.ts';
import { silentLogger } from '../../src/log.ts';
import { openStore } from '../../src/store/open.ts';
import { configFor, demoSandboxes, exited, spawnT2a, storeOf, sync } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');

async function until(condition: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a run stopped by hand, or whose lock is taken from it, is abandoned', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: '2.41',
    facilities: 12,
    now: NOW,
  });
  const setup = (chunk?: string) =>
    configFor({
      source,
      target,
      group: ids.group,
      root: ids.root,
      periods: '{ fixed: [202609, 202610] }',
      ...(chunk ? { chunk, jobExtra: '    concurrency: 1' } : {}),
    });

  it('Ctrl-C twice: the run is recorded as abandoned, its lock released, and t2a exits 7 (not 130)', async () => {
    const { file, env, loaded } = setup();
    // The second export never answers: the first Ctrl-C would wait for it (timeouts, retries).
    source.context.faults.add({
      path: '/api/analytics/dataValueSet.json',
      fault: { kind: 'hang' },
      after: 1,
    });
    const child = spawnT2a(['sync', '--config', file], env);
    let output = '';
    child.stdout?.on('data', (data) => (output += data));
    child.stderr?.on('data', (data) => (output += data));
    const gone = exited(child);
    await until(() => source.context.faults.list()[0]!.fired >= 1, 'the hung export');
    child.kill('SIGINT');
    await until(() => output.includes('stopping between chunks'), 'the first Ctrl-C');
    const second = Date.now();
    child.kill('SIGINT');
    const code = await gone;
    source.context.faults.clear();
    expect(code, output).toBe(7);
    expect(Date.now() - second).toBeLessThan(3_000);
    expect(output).toMatch(/SIGINT again: stopping now/);
    const store = await openStore(loaded.storePath);
    const [run] = await store.runs();
    expect(run).toMatchObject({
      status: 'abandoned',
      error: expect.stringContaining('stopped at once'),
    });
    expect(await store.lockHolder('immunisation')).toBeUndefined();
    await store.close();
  });

  it('unlock --force during a run: the run ends abandoned (exit 7), never later as success', async () => {
    const { loaded } = setup('{ periods: 1, orgUnits: 2 }');
    // Each import takes a while, so the run is still going when its lock is released.
    target.context.faults.add({
      method: 'POST',
      path: '/api/dataValueSets',
      fault: { kind: 'latency', ms: 300 },
    });
    const running = sync(loaded);
    await until(() => target.context.faults.list()[0]!.fired >= 1, 'the first import');
    const store = storeOf(loaded)!;
    const ctx = { ...jobContext(loaded, silentLogger(), { store }), store };
    const unlocked = await unlockJob(ctx, 'immunisation', { force: true });
    expect(unlocked.released).toBe(true);
    const report = await running;
    target.context.faults.clear();
    expect(report.jobs[0]!.error).toMatchObject({
      kind: 'aborted',
      message: expect.stringContaining('lost its lock: it was released by hand'),
    });
    const [run] = await store.runs();
    expect(run?.id).toBe(report.jobs[0]!.runId);
    expect(run?.status).toBe('abandoned');
    expect(await store.lockHolder('immunisation')).toBeUndefined();
    // The next run is an ordinary one.
    expect((await sync(loaded)).jobs[0]!.error).toBeUndefined();
  });
});
