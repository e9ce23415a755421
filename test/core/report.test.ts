import { describe, expect, it } from 'vitest';
import type { DataValue } from '../../src/core/data-value.ts';
import { issue } from '../../src/core/issues.ts';
import { delivered, foldTargetReport, planOf } from '../../src/core/report.ts';

const value = (dataElement: string, period: string, orgUnit: string): DataValue => ({
  dataElement,
  period,
  orgUnit,
  categoryOptionCombo: undefined,
  attributeOptionCombo: undefined,
  value: '1',
});
const identity = { target: 'hmis', dhis2Version: '2.41.0', dryRun: false };

describe("a target's report as the fold of its steps", () => {
  const first = delivered({
    exported: 10,
    withheld: 2,
    sent: 6,
    unchanged: 2,
    counts: { imported: 5, updated: 1, ignored: 0, deleted: 0 },
    conflicted: 1,
    plan: planOf({
      create: [value('A', '202601', 'ou1'), value('A', '202601', 'ou2')],
      update: [{ value: value('B', '202601', 'ou1'), before: '3' }],
      unchanged: [value('A', '202601', 'ou3')],
      stale: [],
      heldByOthers: [],
    }),
    issues: [issue('unknown-data-element', 2, ['X']), issue('invalid-value', 1, ['B 202601 ou9'])],
  });
  const second = delivered({
    exported: 4,
    sent: 4,
    counts: { imported: 4, updated: 0, ignored: 0, deleted: 0 },
    plan: planOf({
      create: [value('A', '202601', 'ou4')],
      update: [],
      unchanged: [],
      stale: [{ held: value('C', '202512', 'ou1') }],
      heldByOthers: [{ value: value('A', '202601', 'ou5'), held: value('A', '202601', 'ou5') }],
    }),
    issues: [issue('unknown-data-element', 1, ['X', 'Y'], 'Data element not found: `Y`')],
  });
  const stale = delivered({
    stale: 1,
    counts: { imported: 0, updated: 0, ignored: 0, deleted: 1 },
  });

  it('adds up every count of every step', () => {
    const report = foldTargetReport(identity, [first, second, stale]);
    expect(report).toMatchObject({
      target: 'hmis',
      exported: 14,
      withheld: 2,
      sent: 10,
      unchanged: 2,
      stale: 1,
      conflicted: 1,
      counts: { imported: 9, updated: 1, ignored: 0, deleted: 1 },
    });
    expect(report.plan.byDataElementPeriod).toEqual({
      'A 202601': { create: 3, update: 0, unchanged: 1, stale: 0, heldByOthers: 1 },
      'B 202601': { create: 0, update: 1, unchanged: 0, stale: 0, heldByOthers: 0 },
      'C 202512': { create: 0, update: 0, unchanged: 0, stale: 1, heldByOthers: 0 },
    });
  });

  it('groups issues by cause, most values first, each object and message named once', () => {
    const report = foldTargetReport(identity, [first, second]);
    expect(report.issues.map((i) => [i.cause, i.count, i.objects, i.messages])).toEqual([
      ['unknown-data-element', 3, ['X', 'Y'], ['Data element not found: `Y`']],
      ['invalid-value', 1, ['B 202601 ou9'], []],
    ]);
    expect(report.issues[0]!.title).toBe('Data element code not found in the target');
  });

  it('gives the same counts whatever order the chunks finished in', () => {
    const one = foldTargetReport(identity, [first, second, stale]);
    const other = foldTargetReport(identity, [stale, second, first]);
    const { plan: _a, issues: _b, ...counts } = one;
    const { plan: _c, issues: _d, ...same } = other;
    expect(same).toEqual(counts);
    expect(other.plan.byDataElementPeriod).toEqual(one.plan.byDataElementPeriod);
  });

  it('keeps at most five examples of each kind and twenty objects per cause', () => {
    const many = Array.from({ length: 8 }, (_, i) =>
      delivered({
        plan: planOf({
          create: [value('A', '202601', `ou${i}`)],
          update: [],
          unchanged: [],
          stale: [],
          heldByOthers: [],
        }),
        issues: [issue('not-assigned', 3, [`unit ${i}a`, `unit ${i}b`, `unit ${i}c`])],
      }),
    );
    const report = foldTargetReport(identity, many);
    expect(report.plan.samples.create).toHaveLength(5);
    expect(report.issues[0]!.count).toBe(24);
    expect(report.issues[0]!.objects).toHaveLength(20);
  });

  it('reports a target no step reached as all zero', () => {
    expect(foldTargetReport(identity, [])).toMatchObject({
      sent: 0,
      issues: [],
      counts: { imported: 0 },
    });
  });
});
