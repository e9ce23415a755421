import { describe, expect, it } from 'vitest';
import { PERIOD_TYPE_NAMES } from '../../src/periods/period-type.ts';
import { windowPeriods } from '../../src/periods/window.ts';
import { tableRows, WINDOW_TABLE } from './window-table.ts';

const ids = (periodType: string, last: number, includeCurrent: boolean, date: string) =>
  windowPeriods({ periodType, last, includeCurrent }, date).map((period) => period.id);

describe('job windows against the hand-written table', () => {
  it('covers every DHIS2 period type on at least 15 boundary dates', () => {
    const rows = tableRows();
    expect(Object.keys(WINDOW_TABLE).length).toBeGreaterThanOrEqual(15);
    for (const date of Object.keys(WINDOW_TABLE)) {
      expect(rows.filter((row) => row.date === date).map((row) => row.periodType)).toEqual(
        PERIOD_TYPE_NAMES,
      );
    }
  });

  for (const date of Object.keys(WINDOW_TABLE)) {
    it(`gives the table's windows on ${date}, last 1 and 3, with and without the current period`, () => {
      for (const row of tableRows().filter((candidate) => candidate.date === date)) {
        const [third, second, first] = row.previous;
        const type = row.periodType;
        expect(ids(type, 1, false, date), type).toEqual([first]);
        expect(ids(type, 3, false, date), type).toEqual([third, second, first]);
        expect(ids(type, 1, true, date), type).toEqual([first, row.current]);
        expect(ids(type, 3, true, date), type).toEqual([third, second, first, row.current]);
        expect(ids(type, 0, true, date), type).toEqual([row.current]);
      }
    });
  }
});
