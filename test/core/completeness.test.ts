import { describe, expect, it } from 'vitest';
import {
  type CompletenessInput,
  completenessKey,
  planCompleteness,
} from '../../src/core/completeness.ts';

const input = (overrides: Partial<CompletenessInput>): CompletenessInput => ({
  delivered: new Map([
    [completenessKey('A', '202410'), new Set(['BCG', 'OPV'])],
    [completenessKey('B', '202410'), new Set(['BCG'])],
  ]),
  valueCounts: new Map([
    [completenessKey('A', '202410'), 4],
    [completenessKey('B', '202410'), 1],
  ]),
  rule: { kind: 'min-values', count: 2 },
  mappedDataElements: new Set(['BCG', 'OPV']),
  registered: new Set(),
  openPeriods: new Set(),
  ...overrides,
});
const candidates = [
  { orgUnit: 'A', period: '202410' },
  { orgUnit: 'B', period: '202410' },
  { orgUnit: 'C', period: '202410' },
];

describe('marking data sets complete by rule', () => {
  it('marks the org units with at least N values delivered', () => {
    const plan = planCompleteness(input({}), candidates);
    expect(plan.mark).toEqual([{ orgUnit: 'A', period: '202410' }]);
    expect(plan.belowRule.map((below) => [below.orgUnit, below.why])).toEqual([
      ['B', '1 value(s), the rule asks 2'],
      ['C', '0 value(s), the rule asks 2'],
    ]);
  });

  it('can ask for every mapped data element', () => {
    expect(planCompleteness(input({ rule: { kind: 'all-mapped' } }), candidates).mark).toEqual([
      { orgUnit: 'A', period: '202410' },
    ]);
  });

  it('can ask for N of a listed set of data elements', () => {
    expect(
      planCompleteness(
        input({ rule: { kind: 'min-of', dataElements: ['BCG', 'PENTA'], count: 1 } }),
        candidates,
      ).mark,
    ).toHaveLength(2);
  });

  it('leaves registrations alone, and marks none a second time', () => {
    const plan = planCompleteness(
      input({ registered: new Set([completenessKey('A', '202410')]) }),
      candidates,
    );
    expect(plan.mark).toEqual([]);
    expect(plan.alreadyComplete).toBe(1);
  });

  it('never marks a period still open', () => {
    const plan = planCompleteness(input({ openPeriods: new Set(['202410']) }), candidates);
    expect(plan.mark).toEqual([]);
    expect(plan.stillOpen).toBe(3);
  });
});
