import { describe, expect, it } from 'vitest';
import { type Period, parsePeriodId, periodOfDate, shiftPeriod } from '../../src/periods/period.ts';
import { DHIS2_CORE_CASES, type Dhis2CoreCase } from './dhis2-core-cases.ts';

function answer(c: Dhis2CoreCase): Period | undefined {
  const base = () =>
    /^\d{4}-\d{2}-\d{2}$/.test(c.input)
      ? periodOfDate(c.periodType, c.input, c.calendar)
      : parsePeriodId(c.input, c.calendar)!;
  switch (c.op) {
    case 'periodOf':
      return periodOfDate(c.periodType, c.input, c.calendar);
    case 'parse':
      return parsePeriodId(c.input, c.calendar);
    case 'shift':
      return shiftPeriod(base(), c.by ?? 0);
  }
}

describe("periods as dhis2-core's own unit tests expect them", () => {
  it(`agrees with ${DHIS2_CORE_CASES.length} values asserted in dhis2-core`, () => {
    const disagreements: string[] = [];
    for (const c of DHIS2_CORE_CASES) {
      let period: Period | undefined;
      try {
        period = answer(c);
      } catch (error) {
        disagreements.push(`${c.source} ${c.op} ${c.periodType} ${c.input}: ${error}`);
        continue;
      }
      const got = period && {
        ...(c.id && { id: period.id }),
        ...(c.startDate && { startDate: period.startDate }),
        ...(c.endDate && { endDate: period.endDate }),
      };
      const want =
        c.valid === false
          ? undefined
          : {
              ...(c.id && { id: c.id }),
              ...(c.startDate && { startDate: c.startDate }),
              ...(c.endDate && { endDate: c.endDate }),
            };
      if (c.valid === true && period) continue;
      if (JSON.stringify(got) !== JSON.stringify(want))
        disagreements.push(
          `${c.source} ${c.op} ${c.periodType} ${c.input}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`,
        );
    }
    expect(disagreements).toEqual([]);
  });
});
