import { describe, expect, it } from 'vitest';
import { exitCodeForRun } from '../../src/cli/exit-codes.ts';
import type { RunReport } from '../../src/core/report.ts';
import {
  configFor,
  demoIds,
  expectedValues,
  indicators,
  runAnalytics,
  sandbox,
  send,
  sync,
  targetValues,
  withCode,
} from './harness.ts';

// `t2a sync` is never looser than `t2a validate`: what fails validation is not sent, forced or not,
// and org units the target cannot take lose only their own values.
const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202609', '202610'];
const FIXED = '{ fixed: [202609, 202610] }';

const issuesOf = (report: RunReport) => report.jobs[0]!.targets[0]!.issues;
const issue = (report: RunReport, cause: string) =>
  issuesOf(report).find((candidate) => candidate.cause === cause);
/** Values of `map` whose key does not match `drop`. */
const without = (map: Map<string, string>, drop: (key: string) => boolean) =>
  new Map([...map].filter(([key]) => !drop(key)));

async function pair(targetVersion: string, facilities = 4, targetExtra = {}) {
  const source = await sandbox({
    dhis2Version: '2.41',
    seed: 'demo-tracker',
    runAnalytics: true,
    now: NOW,
    facilities,
  });
  const target = await sandbox({
    dhis2Version: targetVersion,
    seed: 'demo-hmis',
    now: NOW,
    facilities,
    ...targetExtra,
  });
  return { source, target, ids: await demoIds(source, target) };
}

describe('a job that cannot be validated sends nothing', async () => {
  const { source, target, ids } = await pair('2.41');
  const all = await indicators(source, ids.group);
  const unmapped = all.slice(0, 2);
  for (const pi of unmapped)
    await send(source, 'PUT', `programIndicators/${pi.id}`, withCode(pi, undefined));

  it('refuses a job whose indicators are all unmapped, forced or not, naming each (exit 5)', async () => {
    const { loaded } = configFor({
      source,
      target,
      group: ids.group,
      root: ids.root,
      periods: FIXED,
    });
    (loaded.config.jobs[0] as { programIndicators: unknown }).programIndicators = {
      ids: unmapped.map((pi) => pi.id),
    };
    for (const force of [false, true]) {
      const report = await sync(loaded, { force });
      expect(exitCodeForRun(report)).toBe(5);
      for (const pi of unmapped) expect(report.jobs[0]!.error?.message).toContain(pi.name);
    }
    expect((await targetValues(target, ids.dataSet, ids.root, PERIODS)).size).toBe(0);
  });

  it('refuses an unknown org unit root next to a valid one, and runs the valid part when forced', async () => {
    const { loaded } = configFor({
      source,
      target,
      group: ids.group,
      root: ids.root,
      periods: FIXED,
    });
    (loaded.config.jobs[0]!.orgUnits as { roots: string[] }).roots = [ids.root, 'NoSuchRoot1'];
    const refused = await sync(loaded);
    expect(exitCodeForRun(refused)).toBe(5);
    expect(refused.jobs[0]!.error?.message).toContain('NoSuchRoot1');
    expect((await targetValues(target, ids.dataSet, ids.root, PERIODS)).size).toBe(0);
    const forced = await sync(loaded, { force: true });
    expect(issue(forced, 'org-unit-root-missing')?.objects).toEqual(['NoSuchRoot1']);
    expect(forced.totals.imported).toBeGreaterThan(0);
  });
});

describe('with --force, what failed validation is withheld and the rest goes', async () => {
  const { source, target, ids } = await pair('2.41');
  const dataSet = target.context.metadata.get('dataSets', ids.dataSet)!;
  const elements = dataSet.dataSetElements as { dataElement: { id: string } }[];
  const [yearly, orphan] = elements.map(
    (dse) => target.context.metadata.get('dataElements', dse.dataElement.id)!,
  );
  // One data element moves to a yearly data set, one leaves every data set.
  target.context.metadata.put('dataSets', {
    ...dataSet,
    dataSetElements: elements.filter(
      (dse) => dse.dataElement.id !== yearly!.id && dse.dataElement.id !== orphan!.id,
    ),
  });
  target.context.metadata.put('dataSets', {
    id: 'DemoImmYear1',
    name: 'Immunisation (yearly)',
    periodType: 'Yearly',
    categoryCombo: dataSet.categoryCombo,
    dataSetElements: [{ dataElement: { id: yearly!.id } }],
    organisationUnits: dataSet.organisationUnits,
  });
  const { loaded } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: FIXED,
  });

  it('refuses without --force, naming the period type and the data element in no data set', async () => {
    const report = await sync(loaded);
    expect(exitCodeForRun(report)).toBe(5);
    expect(report.jobs[0]!.error?.message).toMatch(/not in a Monthly data set/);
    expect(report.jobs[0]!.error?.message).toMatch(/in no data set/);
  });

  it('sends everything else, and nothing of the two data elements', async () => {
    const report = await sync(loaded, { force: true });
    const expected = await expectedValues(source, ids.group, ids.root, PERIODS);
    const failed = (key: string) =>
      key.startsWith(`${yearly!.code}|`) || key.startsWith(`${orphan!.code}|`);
    expect([...expected.keys()].some(failed)).toBe(true);
    const held = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    expect(held).toEqual(without(expected, failed));
    const yearlyHeld = await send(
      target,
      'GET',
      `dataValueSets.json?dataSet=DemoImmYear1&period=2026&orgUnit=${ids.root}&children=true`,
      undefined,
    );
    expect(yearlyHeld?.dataValues ?? []).toEqual([]);
    expect(issue(report, 'period-type')?.objects).toEqual([yearly!.code]);
    expect(issue(report, 'no-data-set')?.objects).toEqual([orphan!.code]);
    expect(exitCodeForRun(report)).toBe(4);
  });
});

describe('org units the target cannot take lose only their own values', () => {
  it('2.43: a facility not assigned to the data set is withheld by name; the rest of its period arrives', async () => {
    const { source, target, ids } = await pair('2.43');
    const dataSet = target.context.metadata.get('dataSets', ids.dataSet)!;
    const units = dataSet.organisationUnits as { id: string }[];
    const left = units.find(
      (unit) => target.context.metadata.get('organisationUnits', unit.id)?.level === 4,
    )!;
    target.context.metadata.put('dataSets', {
      ...dataSet,
      organisationUnits: units.filter((unit) => unit.id !== left.id),
    });
    const { loaded } = configFor({
      source,
      target,
      group: ids.group,
      root: ids.root,
      periods: FIXED,
    });
    const report = await sync(loaded);
    const expected = await expectedValues(source, ids.group, ids.root, PERIODS);
    const ofLeft = (key: string) => key.endsWith(`|${left.id}`);
    expect([...expected.keys()].some(ofLeft)).toBe(true);
    expect(await targetValues(target, ids.dataSet, ids.root, PERIODS)).toEqual(
      without(expected, ofLeft),
    );
    const name = target.context.metadata.get('organisationUnits', left.id)!.name as string;
    expect(issue(report, 'not-assigned')?.objects[0]).toContain(`${name} (${left.id})`);
    expect(report.jobs[0]!.failedChunks).toEqual([]);
  });

  it('by code: a facility whose code the target lacks is withheld by name; the chunk is read and delivered', async () => {
    const { source, target, ids } = await pair('2.41', 4, { orgUnitIds: 'distinct' });
    const facility = source.context.metadata
      .list('organisationUnits')
      .find((unit) => unit.level === 4)!;
    const theirs = target.context.metadata
      .list('organisationUnits')
      .find((unit) => unit.code === facility.code)!;
    target.context.metadata.put('organisationUnits', { ...theirs, code: 'RENAMED_CODE' });
    const { loaded } = configFor({
      source,
      target,
      group: ids.group,
      root: ids.root,
      periods: FIXED,
      targetExtra: '\n        orgUnitIdScheme: CODE',
    });
    const report = await sync(loaded);
    expect(report.jobs[0]!.failedChunks).toEqual([]);
    expect(issue(report, 'unknown-org-unit')?.objects).toEqual([
      `${facility.name} (${facility.id})`,
    ]);
    const withheld = issue(report, 'unknown-org-unit')!.count;
    const expected = await expectedValues(source, ids.group, ids.root, PERIODS);
    expect(withheld).toBe(
      [...expected.keys()].filter((key) => key.endsWith(`|${facility.id}`)).length,
    );
    expect(report.totals.imported + report.totals.updated).toBe(expected.size - withheld);
  });
});

describe('zeros the target does not store', async () => {
  const { source, target, ids } = await pair('2.41');
  const { loaded } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: FIXED,
  });

  it('are not sent, are counted, and clear the values t2a wrote before (as DHIS2 would)', async () => {
    const first = await sync(loaded);
    expect(first.outcome).toBe('success');
    const [pi] = await indicators(source, ids.group);
    const code = pi.attributeValues[0].value as string;
    const before = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    const ofPi = (key: string) =>
      key.startsWith(`${code}|${pi.aggregateExportCategoryOptionCombo}|`);
    const stored = [...before.keys()].filter(ofPi).length;
    expect(stored).toBeGreaterThan(0);
    // The indicator now sums to nothing where it counted before: analytics writes 0 for those rows.
    await send(source, 'PUT', `programIndicators/${pi.id}`, {
      ...pi,
      aggregationType: 'SUM',
      expression: '0',
    });
    await runAnalytics(source);
    const second = await sync(loaded);
    const t = second.jobs[0]!.targets[0]!;
    expect(t.zeros).toBe(stored);
    expect(t.exported).toBe(t.withheld + t.zeros + t.sent + t.unchanged);
    expect(t.counts.deleted).toBe(stored);
    const after = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    expect(after).toEqual(without(before, ofPi));
    expect(second.outcome).toBe('success');
  });
});
