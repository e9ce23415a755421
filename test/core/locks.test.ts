import { describe, expect, it } from 'vitest';
import { type DataSetLocks, lockReason } from '../../src/core/locks.ts';

const dataSet = (overrides: Partial<DataSetLocks>): DataSetLocks => ({
  id: 'ds',
  name: 'EPI monthly',
  expiryDays: 0,
  openFuturePeriods: 0,
  dataInputPeriods: [],
  ...overrides,
});
const august = { id: '202608', startDate: '2026-08-01', endDate: '2026-08-31' };

describe('locked and closed periods', () => {
  it('locks a period expiry days after it ended (DataSet.isLocked), unless the user may edit expired periods', () => {
    expect(
      lockReason(dataSet({ expiryDays: 10 }), august, '2026-09-11', { canEditExpired: false }),
    ).toBeUndefined();
    expect(
      lockReason(dataSet({ expiryDays: 10 }), august, '2026-09-12', { canEditExpired: false }),
    ).toBe('202608 closed 10 days after it ended (expiry days of EPI monthly)');
    expect(
      lockReason(dataSet({ expiryDays: 10 }), august, '2026-11-24', { canEditExpired: true }),
    ).toBeUndefined();
  });

  it('closes a period outside the data set’s input periods', () => {
    const inputs = dataSet({
      dataInputPeriods: [
        { period: '202608', openingDate: '2026-09-01', closingDate: '2026-09-15' },
      ],
    });
    expect(lockReason(inputs, august, '2026-09-10', { canEditExpired: false })).toBeUndefined();
    expect(lockReason(inputs, august, '2026-09-20', { canEditExpired: false })).toMatch(
      /not an open data input period/,
    );
    expect(
      lockReason(
        inputs,
        { id: '202607', startDate: '2026-07-01', endDate: '2026-07-31' },
        '2026-09-10',
        { canEditExpired: false },
      ),
    ).toMatch(/202607/);
  });

  it('refuses a period after the latest open future period', () => {
    const latestOpen = { id: '202611', startDate: '2026-11-01', endDate: '2026-11-30' };
    expect(
      lockReason(
        dataSet({}),
        { id: '202612', startDate: '2026-12-01', endDate: '2026-12-31' },
        '2026-11-24',
        { canEditExpired: false, latestOpen },
      ),
    ).toMatch(/after the latest open future period 202611/);
  });
});
