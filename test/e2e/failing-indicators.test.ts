import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/jobs/doctor.ts';
import { validateLive } from '../../src/jobs/validate-live.ts';
import { silentLogger } from '../../src/log.ts';
import type { RunningSandbox } from '../../src/sandbox/index.ts';
import { configFor, contextOf, demoSandboxes, get, send, sync, targetValues } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202608', '202609', '202610'];

/** Breaks one indicator of the demo group on the source: `fields` replace its own. */
async function breakIndicator(
  source: RunningSandbox,
  fields: Record<string, unknown>,
): Promise<string> {
  const group = await get(
    source,
    'programIndicators?filter=programIndicatorGroups.id:eq:DemoPiGrp01&fields=:owner&paging=false&order=id:asc',
  );
  const indicator = group.programIndicators[0];
  await send(source, 'PUT', `programIndicators/${indicator.id}`, { ...indicator, ...fields });
  return indicator.id as string;
}

/** The demo pair (2.41), a first sync that delivers every indicator, and the job's configuration. */
async function delivered(sourceVersion = '2.41') {
  const demo = await demoSandboxes({
    source: sourceVersion,
    target: '2.41',
    facilities: 4,
    now: NOW,
  });
  const { loaded } = configFor({
    source: demo.source,
    target: demo.target,
    group: demo.ids.group,
    root: demo.ids.root,
    periods: `{ fixed: [${PERIODS.join(', ')}] }`,
  });
  const first = await sync(loaded);
  expect(first.outcome).toBe('success');
  const before = await targetValues(demo.target, demo.ids.dataSet, demo.ids.root, PERIODS);
  return { ...demo, loaded, first, before };
}

/** The cells of the target an indicator fed: its data element and combo code. */
async function cellsOf(source: RunningSandbox, indicator: string, held: Map<string, string>) {
  const pi = await get(
    source,
    `programIndicators/${indicator}?fields=attributeValues[value],aggregateExportCategoryOptionCombo`,
  );
  const prefix = `${pi.attributeValues[0].value}|${pi.aggregateExportCategoryOptionCombo}|`;
  return [...held].filter(([key]) => key.startsWith(prefix));
}

describe('an indicator the source cannot evaluate costs only itself', () => {
  it('a data exception fails every request it is in (E7132): narrowed down, withheld alone, its values kept, the rest delivered', async () => {
    const { source, target, ids, loaded, before } = await delivered();
    // A yes/no data element of the stage (an integer column in DHIS2's analytics tables), compared
    // with text by the indicator's filter: PostgreSQL refuses 'Yes' as an integer (22P02).
    const stage = await get(source, 'programStages/DemoVaccStg?fields=:owner');
    await send(source, 'POST', 'metadata', {
      dataElements: [
        { id: 'DemoDeBool1', name: 'Referred', valueType: 'BOOLEAN', domainType: 'TRACKER' },
      ],
      programStages: [
        {
          ...stage,
          programStageDataElements: [
            ...stage.programStageDataElements,
            { dataElement: { id: 'DemoDeBool1' } },
          ],
        },
      ],
    });
    const broken = await breakIndicator(source, { filter: "#{DemoVaccStg.DemoDeBool1} == 'Yes'" });
    const ownCells = await cellsOf(source, broken, before);
    expect(ownCells.length).toBeGreaterThan(0);
    const report = await sync(loaded);
    const job = report.jobs[0]!;
    const issues = job.targets[0]!.issues;
    expect(job.failedChunks).toEqual([]);
    const failed = issues.find((issue) => issue.cause === 'indicator-failed');
    expect(failed?.count).toBe(1);
    expect(failed?.objects[0]).toContain(`(${broken}): E7132 Expression violation.`);
    expect(issues.find((issue) => issue.cause === 'kept-uncertain')?.count).toBe(ownCells.length);
    expect(report.outcome).toBe('incomplete');
    // Nothing deleted or changed: the other indicators' values are as the first run left them, and
    // the broken one's are kept.
    expect(report.totals.deleted).toBe(0);
    expect(await targetValues(target, ids.dataSet, ids.root, PERIODS)).toEqual(before);
    // Narrowing costs a few requests in one chunk (halving 16 indicators); a chunk that failed meanwhile
    // asks once more after it, and later chunks leave the indicator out: found once per run.
    const exports = job.exports!;
    const concurrency = loaded.config.jobs[0]!.concurrency;
    expect(exports.requests).toBeLessThanOrEqual(
      exports.chunks + concurrency + 2 * Math.ceil(Math.log2(16)),
    );
  });

  it('a grammar error DHIS2 drops silently from a request of several (42883): asked alone before deleting, its values kept', async () => {
    const { source, target, ids, loaded, before } = await delivered();
    // A sum over text: sum(text) does not exist in PostgreSQL, which t2a's own checks cannot see.
    const broken = await breakIndicator(source, {
      aggregationType: 'SUM',
      expression: "if(#{DemoVaccStg.DemoDeVacc1} == 'BCG', 'yes', 'no')",
    });
    const ownCells = await cellsOf(source, broken, before);
    const report = await sync(loaded);
    const issues = report.jobs[0]!.targets[0]!.issues;
    const failed = issues.find((issue) => issue.cause === 'indicator-failed');
    expect(failed?.objects[0]).toContain(
      `(${broken}): E7145 Query failed because of a syntax error (SqlState: 42883)`,
    );
    expect(issues.find((issue) => issue.cause === 'kept-uncertain')?.count).toBe(ownCells.length);
    expect(report.totals.deleted).toBe(0);
    expect(await targetValues(target, ids.dataSet, ids.root, PERIODS)).toEqual(before);
    expect(report.outcome).toBe('incomplete');
    // validate and doctor ask the source about each indicator alone, and name this one with DHIS2's words.
    const validation = await validateLive(contextOf(loaded));
    const warning = validation.jobs[0]!.findings.find(
      (finding) => finding.kind === 'indicator-fails-on-source',
    );
    expect(warning).toMatchObject({ severity: 'warning', programIndicator: { id: broken } });
    expect(warning!.message).toContain('E7145 Query failed because of a syntax error');
    expect(validation.errors).toBe(0);
    const checks = await runDoctor(loaded, silentLogger());
    const indicators = checks.find((check) => check.kind === 'indicators')!;
    expect(indicators.ok).toBe(false);
    expect(indicators.detail).toMatch(
      new RegExp(`cannot evaluate 1 of 16: ".*" \\(${broken}\\): E7145`),
    );
  });
});

/**
 * 2.40.1 and older patches answer an indicator whose SQL has a grammar error with no rows, even asked
 * alone (`AbstractJdbcEventAnalyticsManager.getAggregatedEventData` logs the `BadSqlGrammarException`,
 * 2.40.1 l.517–522): an indicator with no value at all may be empty or broken.
 */
describe('an indicator with no value at all, on a source that hides failing indicators (2.40.1)', () => {
  it('broken: its values are kept and the run says why and what to do', async () => {
    const { source, target, ids, loaded, before } = await delivered('2.40.1');
    const broken = await breakIndicator(source, {
      aggregationType: 'SUM',
      expression: "if(#{DemoVaccStg.DemoDeVacc1} == 'BCG', 'yes', 'no')",
    });
    const ownCells = await cellsOf(source, broken, before);
    expect(ownCells.length).toBeGreaterThan(0);
    const report = await sync(loaded);
    const issues = report.jobs[0]!.targets[0]!.issues;
    const kept = issues.find((issue) => issue.cause === 'kept-silent');
    expect(kept?.count).toBe(ownCells.length);
    expect(kept?.fix).toContain('--trust-empty-indicators');
    expect(report.totals.deleted).toBe(0);
    expect(await targetValues(target, ids.dataSet, ids.root, PERIODS)).toEqual(before);
    expect(report.outcome).not.toBe('success');
  });

  it('with values in the year before the run: it evaluates, so its stale values go', async () => {
    const { source, target, ids, loaded, before } = await delivered('2.40.1');
    // Counts only events before the run's periods: empty in them, but not broken.
    const emptied = await breakIndicator(source, { filter: "V{event_date} < '2026-08-01'" });
    const ownCells = await cellsOf(source, emptied, before);
    expect(ownCells.length).toBeGreaterThan(0);
    const report = await sync(loaded);
    const issues = report.jobs[0]!.targets[0]!.issues;
    expect(issues.find((issue) => issue.cause === 'kept-silent')).toBeUndefined();
    expect(report.totals.deleted).toBe(ownCells.length);
    const after = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    for (const [key] of ownCells) expect(after.has(key)).toBe(false);
  });

  it('empty everywhere: kept, until the person running t2a says it is right to be empty', async () => {
    const { source, target, ids, loaded, before } = await delivered('2.40.1');
    const emptied = await breakIndicator(source, { filter: '1 == 0' });
    const ownCells = await cellsOf(source, emptied, before);
    expect(ownCells.length).toBeGreaterThan(0);
    const first = await sync(loaded);
    expect(first.jobs[0]!.targets[0]!.issues.find((i) => i.cause === 'kept-silent')?.count).toBe(
      ownCells.length,
    );
    const trusted = await sync(loaded, { trustEmptyIndicators: true });
    expect(trusted.totals.deleted).toBe(ownCells.length);
    const after = await targetValues(target, ids.dataSet, ids.root, PERIODS);
    expect(after.size).toBe(before.size - ownCells.length);
  });
});
