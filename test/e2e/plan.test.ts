import { describe, expect, it } from 'vitest';
import { configFor, demoSandboxes, get, runT2a, send } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');

describe('t2a plan shows what stands in the way', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: '2.41',
    facilities: 3,
    now: NOW,
  });
  const { file, env } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: '{ fixed: [202609, 202610] }',
  });

  it('names the chunks that failed, in JSON as in text, and exits 4', async () => {
    source.context.faults.add({
      path: '/api/analytics/dataValueSet.json',
      fault: { kind: 'status', status: 502 },
      after: 1,
      times: 4,
    });
    const planned = await runT2a(['plan', '--config', file, '--json'], env);
    source.context.faults.clear();
    expect(planned.code).toBe(4);
    const plan = JSON.parse(planned.stdout);
    expect(plan.outcome).toBe('failed');
    expect(plan.jobs[0].failedChunks).toHaveLength(1);
    expect(plan.jobs[0].failedChunks[0]).toMatchObject({
      error: expect.stringMatching(/answered HTTP 502/),
      fix: expect.any(String),
    });
    // The chunk that arrived is planned.
    expect(Object.keys(plan.jobs[0].targets[0].plan.byDataElementPeriod).length).toBeGreaterThan(0);
  });

  it('previews a job whose mapping fails validation with --force, the failing indicator withheld', async () => {
    const [indicator] = (
      await get(
        source,
        `programIndicators?filter=programIndicatorGroups.id:eq:${ids.group}&fields=:owner&paging=false&order=id:asc`,
      )
    ).programIndicators;
    await send(source, 'PUT', `programIndicators/${indicator.id}`, {
      ...indicator,
      attributeValues: [{ attribute: { id: 'vudyDP7jUy5' }, value: 'IMM_NO_SUCH_DOSES' }],
    });
    const refused = await runT2a(['plan', '--config', file], env);
    expect(refused.code).toBe(5);
    expect(refused.stdout + refused.stderr).toMatch(/--force/);
    const forced = await runT2a(['plan', '--config', file, '--force', '--json'], env);
    const plan = JSON.parse(forced.stdout);
    const issues = plan.jobs[0].targets[0].issues;
    expect(issues.find((i: any) => i.cause === 'failed-validation')).toMatchObject({
      count: 1,
      objects: [expect.stringContaining(`(${indicator.id}): `)],
    });
    expect(plan.outcome).toBe('incomplete');
    expect(forced.code).toBe(4);
  });
});
