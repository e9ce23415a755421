import { describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../src/sandbox/index.ts';
import { configFor, demoSandboxes, get, runT2a, targetValues } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202609', '202610'];
const CLERK = {
  username: 'facility-clerk',
  password: 'Clerk-2026!',
  authorities: ['F_DATAVALUE_ADD'],
};
const MIGRATION = {
  username: 'migration',
  password: 'Migrate-2026!',
  authorities: ['F_DATAVALUE_ADD'],
};

/** Values typed into the HMIS as a user of it would, through the API's data value set import. */
async function typeIn(
  target: RunningSandbox,
  user: { username: string; password: string },
  values: {
    dataElement: string;
    categoryOptionCombo: string;
    period: string;
    orgUnit: string;
    value: string;
  }[],
) {
  const response = await fetch(
    `${target.baseUrl}/api/dataValueSets?dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ dataValues: values }),
    },
  );
  expect(response.status).toBe(200);
}

/**
 * The case to design for: the first run into an HMIS that already holds numbers facilities typed by
 * hand into the same data elements, and some a migration stored. What the tracker would give for each
 * cell is read from the source's own analytics, independently of t2a.
 */
describe('the first run into an HMIS that already holds manual data', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: '2.41',
    facilities: 3,
    now: NOW,
    targetUsers: [CLERK, MIGRATION],
  });
  const analytics = await get(
    source,
    `analytics/dataValueSet.json?dimension=dx:${(
      await get(
        source,
        `programIndicators?filter=programIndicatorGroups.id:eq:${ids.group}&fields=id&paging=false`,
      )
    ).programIndicators
      .map((pi: { id: string }) => pi.id)
      .join(
        ';',
      )}&dimension=pe:${PERIODS.join(';')}&dimension=ou:${source.seed.facilities.join(';')}&outputDataItemIdScheme=ATTRIBUTE:vudyDP7jUy5`,
  );
  const tracker = analytics.dataValues as {
    dataElement: string;
    categoryOptionCombo: string;
    period: string;
    orgUnit: string;
    value: string;
  }[];
  const cell = (v: (typeof tracker)[number]) =>
    `${v.dataElement}|${v.categoryOptionCombo}|${v.period}|${v.orgUnit}`;
  // Three cells a clerk typed, of three data elements (one more than the tracker gives), and one of a
  // fourth the migration stored.
  const firstOf = [...new Map(tracker.map((v) => [v.dataElement, v])).values()];
  expect(firstOf.length).toBeGreaterThanOrEqual(4);
  const typed = firstOf.slice(0, 3).map((v) => ({ ...v, value: String(Number(v.value) + 1) }));
  const migrated = { ...firstOf[3]!, value: String(Number(firstOf[3]!.value) + 7) };
  await typeIn(target, CLERK, typed);
  await typeIn(target, MIGRATION, [migrated]);
  const config = (extra = '') =>
    configFor({
      source,
      target,
      group: ids.group,
      root: ids.root,
      periods: `{ fixed: [${PERIODS.join(', ')}] }`,
      jobExtra: extra,
    });

  it('plans it: how many cells others hold, each with what it holds, who stored it and when', async () => {
    const { file, env } = config();
    const planned = await runT2a(['plan', '--config', file, '--json'], env);
    const plan = JSON.parse(planned.stdout);
    const hmis = plan.jobs[0].targets[0];
    const others = Object.values(hmis.plan.byDataElementPeriod).reduce(
      (sum: number, row: any) => sum + row.heldByOthers,
      0,
    );
    expect(others).toBe(4);
    const issue = hmis.issues.find((i: any) => i.cause === 'held-by-others');
    expect(issue.count).toBe(4);
    expect(issue.objects.join('\n')).toContain(
      `holds ${typed[0]!.value} (stored by facility-clerk`,
    );
    expect(issue.objects.join('\n')).toContain('stored by migration');
    expect(issue.fix).toContain('takeOverFrom');
    // A plan changes nothing.
    const held = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    expect(held.size).toBe(4);
  });

  it('syncs around them: every typed number stays, everything else is the tracker’s, and the run says so', async () => {
    const { file, env } = config();
    const run = await runT2a(['sync', '--config', file, '--json'], env);
    expect(run.code).toBe(4);
    const report = JSON.parse(run.stdout);
    expect(report.outcome).toBe('incomplete');
    const held = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    const expected = new Map(tracker.map((v) => [cell(v), v.value]));
    for (const v of [...typed, migrated]) expected.set(cell(v), v.value);
    const normalised = new Map([...expected].map(([k, v]) => [k, String(Number(v))]));
    expect(new Map([...held].map(([k, v]) => [k, String(Number(v))]))).toEqual(normalised);
  });

  it('a job that names the migration’s user takes over its cells, and no one else’s', async () => {
    const { file, env } = config('    reconcile: { takeOverFrom: [migration] }');
    await runT2a(['sync', '--config', file], env);
    const held = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    expect(Number(held.get(cell(migrated)))).toBe(Number(firstOf[3]!.value));
    for (const v of typed) expect(held.get(cell(v))).toBe(v.value);
  });

  it('adopting one data element’s cells lets the next run write the tracker’s numbers there only', async () => {
    const { file, env } = config();
    const chosen = typed[0]!.dataElement;
    const shown = await runT2a(
      ['adopt', '--job', 'immunisation', '--data-element', chosen, '--config', file],
      env,
    );
    expect(shown.stdout).toContain('Nothing recorded');
    await runT2a(
      ['adopt', '--job', 'immunisation', '--data-element', chosen, '--yes', '--config', file],
      env,
    );
    await runT2a(['sync', '--config', file], env);
    const held = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    for (const v of typed) {
      const tracked = tracker.find((t) => cell(t) === cell(v))!;
      expect(held.get(cell(v))).toBe(
        v.dataElement === chosen ? String(Number(tracked.value)) : v.value,
      );
    }
  });
});
