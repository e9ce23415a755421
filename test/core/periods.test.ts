import { describe, expect, it } from 'vitest';
import { isPeriodOfType, periodsInWindow, periodTypeOf } from '../../src/core/periods.ts';

describe('job periods: how far back, and the current period', () => {
  it('takes the last 3 months before the current one', () => {
    expect(
      periodsInWindow({ periodType: 'Monthly', last: 3, includeCurrent: false }, '2026-11-24'),
    ).toEqual(['202608', '202609', '202610']);
  });

  it('adds the current month when asked', () => {
    expect(
      periodsInWindow({ periodType: 'Monthly', last: 2, includeCurrent: true }, '2026-01-05'),
    ).toEqual(['202511', '202512', '202601']);
  });

  it('handles quarters, ISO weeks across a year end, and years', () => {
    expect(
      periodsInWindow({ periodType: 'Quarterly', last: 2, includeCurrent: false }, '2026-02-01'),
    ).toEqual(['2025Q3', '2025Q4']);
    expect(
      periodsInWindow({ periodType: 'Weekly', last: 1, includeCurrent: true }, '2025-01-01'),
    ).toEqual(['2024W52', '2025W1']);
    expect(
      periodsInWindow({ periodType: 'Yearly', last: 1, includeCurrent: false }, '2026-11-24'),
    ).toEqual(['2025']);
  });

  it('computes Nepali periods in the Nepali calendar', () => {
    const [period] = periodsInWindow(
      { periodType: 'Monthly', last: 0, includeCurrent: true },
      '2024-05-01',
      'nepali',
    );
    expect(period).toMatch(/^2081\d{2}$/);
  });

  it('explains that Ethiopian periods must be given explicitly', () => {
    expect(() =>
      periodsInWindow(
        { periodType: 'Monthly', last: 1, includeCurrent: false },
        '2024-05-01',
        'ethiopian',
      ),
    ).toThrow(/Ethiopian/);
  });

  it('knows the type of an ISO period', () => {
    expect(periodTypeOf('202401')).toBe('Monthly');
    expect(periodTypeOf('2024Q1')).toBe('Quarterly');
    expect(isPeriodOfType('2024W3', 'Monthly')).toBe(false);
    expect(periodTypeOf('notaperiod')).toBeUndefined();
  });
});
