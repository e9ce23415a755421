import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { configFor, demoSandboxes, get, sync } from './harness.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/t2a.js', import.meta.url).pathname;

describe('a Quarterly job on 2026-11-29', async () => {
  const NOW = new Date('2026-11-29T02:00:00Z');
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: '2.41',
    facilities: 4,
    now: NOW,
  });
  // The HMIS data set reports quarterly here.
  const dataSet = target.context.metadata.get('dataSets', ids.dataSet)!;
  target.context.metadata.put('dataSets', { ...dataSet, periodType: 'Quarterly' });
  const { file, loaded, env } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: '{ last: 1, includeCurrent: false }',
    jobExtra: '    periodType: Quarterly',
  });

  it('sends 2026Q3, the quarter before the current one, and nothing else', async () => {
    const report = await sync(loaded);
    expect(report.jobs[0]?.error).toBeUndefined();
    expect(report.jobs[0]?.periods).toEqual(['2026Q3']);
    expect(report.totals.imported).toBeGreaterThan(0);
    const held = await get(
      target,
      `dataValueSets.json?dataSet=${ids.dataSet}&startDate=2025-01-01&endDate=2027-12-31&orgUnit=${ids.root}&children=true`,
    );
    const periods = new Set(held.dataValues.map((value: { period: string }) => value.period));
    expect([...periods]).toEqual(['2026Q3']);
    expect(held.dataValues).toHaveLength(report.totals.imported);
  });

  it('t2a periods --job prints the same window without asking any server', async () => {
    const { stdout } = await run(
      process.execPath,
      [BIN, 'periods', '--config', file, '--job', 'immunisation', '--date', '2026-11-29', '--json'],
      { env: { ...process.env, ...env } },
    );
    expect(JSON.parse(stdout)).toEqual(['2026Q3']);
  });
});
