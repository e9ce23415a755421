import { describe, expect, it } from 'vitest';
import { type ComparedValue, compareValues } from '../../src/core/compare.ts';

const v = (orgUnit: string, period: string, value: number, dataElement = 'BCG'): ComparedValue => ({
  dataElement,
  orgUnit,
  period,
  value,
});
const PERIODS = ['202407', '202408', '202409', '202410'];

describe('comparing tracker with manually reported numbers', () => {
  // Facility A agrees; B under-reports by 10 % on paper; C reports nothing manually; D's paper report is a month late.
  const tracker = PERIODS.flatMap((p, i) => [
    v('A', p, 100 + i),
    v('B', p, 100),
    v('C', p, 40),
    v('D', p, 10 * (i + 1)),
  ]);
  const manual = PERIODS.flatMap((p, i) => [
    v('A', p, 100 + i),
    v('B', p, 90),
    ...(i > 0 ? [v('D', p, 10 * i)] : []),
  ]);
  const comparison = compareValues(manual, tracker, 0.05);

  it('gives both values, the difference and the relative difference per value', () => {
    const b = comparison.rows.find((r) => r.orgUnit === 'B' && r.period === '202410');
    expect(b).toMatchObject({ manual: 90, tracker: 100, difference: 10, status: 'differ' });
    expect(b?.relative).toBeCloseTo(0.1111, 3);
  });

  it('finds the facility missing on the manual side', () => {
    expect(comparison.manualOnly).toEqual([]);
    expect(comparison.trackerOnly).toEqual(['C']);
  });

  it('shows a shifted month as a difference in every period', () => {
    const d = comparison.rows.filter((r) => r.orgUnit === 'D');
    expect(d.map((r) => r.status)).toEqual(['manual-missing', 'differ', 'differ', 'differ']);
    expect(d.slice(1).map((r) => r.difference)).toEqual([10, 10, 10]);
  });

  it('sums per org unit, largest discrepancy first', () => {
    expect(comparison.byOrgUnit.map((t) => [t.key, t.difference])).toEqual([
      ['C', 160],
      ['B', 40],
      ['D', 40],
      ['A', 0],
    ]);
  });

  it('counts the periods in a row each facility agreed within the tolerance', () => {
    expect(comparison.streaks).toEqual([
      { orgUnit: 'A', periods: 4 },
      { orgUnit: 'B', periods: 0 },
      { orgUnit: 'C', periods: 0 },
      { orgUnit: 'D', periods: 0 },
    ]);
  });
});
