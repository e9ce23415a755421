import { describe, expect, it } from 'vitest';
import { exitCodeForRun } from '../../src/cli/exit-codes.ts';
import {
  configFor,
  demoIds,
  demoSandboxes,
  get,
  indicators,
  sandbox,
  send,
  sync,
  withCode,
} from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');

describe('t2a sync reports what did not arrive, by cause', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.40',
    target: '2.40',
    facilities: 6,
    now: NOW,
  });
  // Indicators of children under one: every facility has values for them each month.
  const [unmapped, duplicateA, duplicateB, unknown] = (await indicators(source, ids.group)).filter(
    (pi) => pi.name.includes('<1 year'),
  );
  await send(source, 'PUT', `programIndicators/${unmapped.id}`, withCode(unmapped, undefined));
  await send(source, 'PUT', `programIndicators/${duplicateB.id}`, {
    ...withCode(duplicateB, duplicateA.attributeValues[0].value),
    aggregateExportCategoryOptionCombo: duplicateA.aggregateExportCategoryOptionCombo,
  });
  await send(
    source,
    'PUT',
    `programIndicators/${unknown.id}`,
    withCode(unknown, 'NO_SUCH_DATA_ELEMENT'),
  );
  const { loaded } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: '{ fixed: [202609, 202610] }',
  });
  const refused = await sync(loaded);
  const report = await sync(loaded, { force: true });
  const issues = report.jobs[0]!.targets[0]!.issues;
  const issue = (cause: string) => issues.find((candidate) => candidate.cause === cause);

  it('refuses to run the job without --force, saying why', () => {
    expect(refused.jobs[0]!.error).toMatchObject({
      kind: 'validation',
      message: expect.stringContaining('NO_SUCH_DATA_ELEMENT'),
    });
    expect(exitCodeForRun(refused)).toBe(5);
  });

  it('names the unmapped indicator and does not send it', () => {
    expect(issue('unmapped-indicator')?.objects).toEqual([`${unmapped.name} (${unmapped.id})`]);
    expect(report.jobs[0]!.indicators.unmapped).toBe(1);
  });

  it('names both indicators of a duplicate mapping and withholds them', () => {
    expect(issue('duplicate')?.objects[0]).toContain(duplicateA.id);
    expect(issue('duplicate')?.objects[0]).toContain(duplicateB.id);
  });

  it('names the unknown data element code with the fix', () => {
    expect(issue('unknown-data-element')?.objects).toContain('NO_SUCH_DATA_ELEMENT');
    expect(issue('unknown-data-element')?.fix).toMatch(/mapping attribute/);
  });

  it('ends with the "finished with conflicts" exit code', () => {
    expect(report.outcome).toBe('incomplete');
    expect(exitCodeForRun(report)).toBe(4);
  });
});

describe('a locked period in the target', async () => {
  const source = await sandbox({
    dhis2Version: '2.40',
    seed: 'demo-tracker',
    runAnalytics: true,
    now: NOW,
    facilities: 4,
  });
  // The HMIS import user is no superuser: a superuser (authority ALL) may write expired periods.
  const target = await sandbox({
    dhis2Version: '2.40',
    seed: 'demo-hmis',
    now: NOW,
    facilities: 4,
    users: [
      { username: 'hmis-import', password: 'Import-2026!', authorities: ['F_DATAVALUE_ADD'] },
    ],
  });
  const ids = await demoIds(source, target);
  const dataSet = await get(target, `dataSets/${ids.dataSet}?fields=:owner`);
  // Closed 10 days after the period ends: August is locked on 24 November, October is not.
  await send(target, 'PUT', `dataSets/${ids.dataSet}`, { ...dataSet, expiryDays: 10 });
  const { loaded } = configFor({
    source,
    target,
    targetAuth: '{ username: hmis-import, password: "Import-2026!" }',
    group: ids.group,
    root: ids.root,
    periods: '{ fixed: [202608] }',
  });

  it('reports DHIS2’s lock conflicts as a locked period, with the period, and exit code 4', async () => {
    const report = await sync(loaded);
    const locked = report.jobs[0]!.targets[0]!.issues.find(
      (issue) => issue.cause === 'locked-period',
    );
    expect(locked?.count).toBeGreaterThan(0);
    expect(locked?.messages.join(' ')).toContain('202608');
    expect(report.totals.imported).toBe(0);
    // Found before sending: nothing went to the target to be refused.
    expect(report.totals.sent).toBe(0);
    expect(locked?.objects[0]).toBe('202608 Immunisation monthly (demo)');
    expect(locked?.messages[0]).toBe(
      '202608 closed 10 days after it ended (expiry days of Immunisation monthly (demo))',
    );
    expect(exitCodeForRun(report)).toBe(4);
  });

  it('fails the chunk instead when the job says lockedPeriods: fail', async () => {
    const { loaded: failing } = configFor({
      source,
      target,
      targetAuth: '{ username: hmis-import, password: "Import-2026!" }',
      group: ids.group,
      root: ids.root,
      periods: '{ fixed: [202608] }',
      jobExtra: '    lockedPeriods: fail',
    });
    const report = await sync(failing);
    expect(report.jobs[0]!.failedChunks[0]?.error).toMatch(/Period 202608 is closed in hmis/);
    expect(exitCodeForRun(report)).toBe(4);
    // What did not arrive is counted as withheld, not lost from the totals.
    const [delivery] = report.jobs[0]!.targets;
    expect(delivery!.exported).toBeGreaterThan(0);
    expect(delivery!.withheld).toBe(delivery!.exported);
    expect(report.totals.sent).toBe(0);
  });
});
