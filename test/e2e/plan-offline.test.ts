import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import { configFor, demoSandboxes, runT2a } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');

/** The totals line of a run's text: `Total: 48 exported, … 48 sent, …; 48 imported, 0 updated, …`. */
function totals(text: string) {
  const line = /^Total[^:]*: (.*)$/m.exec(text)?.[1] ?? '';
  const count = (name: string) => Number(new RegExp(`(\\d+) ${name}`).exec(line)?.[1]);
  return {
    exported: count('exported'),
    sent: count('sent'),
    imported: count('imported'),
    updated: count('updated'),
  };
}

describe('t2a plan is computed here; t2a sync --dry-run asks the target', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: '2.41',
    facilities: 3,
    now: NOW,
  });
  const { file, env, loaded } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: '{ fixed: [202609, 202610] }',
  });
  // Counts the imports the target is sent (a rule that delays nothing).
  target.context.faults.add({
    method: 'POST',
    path: '/api/dataValueSets',
    fault: { kind: 'latency', ms: 0 },
  });
  const imports = () => target.context.faults.list()[0]!.fired;
  const history = async () => {
    const store = await openStore(loaded.storePath);
    const runs = await store.runs();
    const lock = await store.lockHolder('immunisation');
    await store.close();
    return { runs, lock };
  };

  it('plan sends the target no import, not even a dry run, says so, and leaves no run in the history', async () => {
    const planned = await runT2a(['plan', '--config', file], env);
    expect(planned.code, planned.stderr).toBe(0);
    expect(imports()).toBe(0);
    expect(planned.stdout).toMatch(
      /^Plan: computed here from the source’s export and what each target holds\. No import was sent, not even a dry run/,
    );
    expect(totals(planned.stdout).sent).toBeGreaterThan(0);
    const json = JSON.parse((await runT2a(['plan', '--config', file, '--json'], env)).stdout);
    expect(json).toMatchObject({ mode: 'plan', analyticsNotRun: [] });
    expect(json.jobs[0].runId).toBeUndefined();
    expect(imports()).toBe(0);
    expect(await history()).toEqual({ runs: [], lock: undefined });
  });

  it('sync --dry-run asks the target to validate, says so, is a dry run in the history, and counts what the plan counted', async () => {
    const plan = totals((await runT2a(['plan', '--config', file], env)).stdout);
    const dry = await runT2a(['sync', '--config', file, '--dry-run'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(imports()).toBeGreaterThan(0);
    expect(dry.stdout).toContain(
      'Dry run: each target was sent the values to validate (an import with dryRun=true) and saved nothing',
    );
    // What the plan counted by itself is what the target said it would do.
    expect(totals(dry.stdout)).toEqual(plan);
    const { runs } = await history();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ dryRun: true, status: 'success' });
    const json = JSON.parse(
      (await runT2a(['sync', '--config', file, '--dry-run', '--json'], env)).stdout,
    );
    expect(json.mode).toBe('dry-run');
  });
});
