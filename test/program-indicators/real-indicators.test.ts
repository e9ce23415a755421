import { describe, expect, it } from 'vitest';
import { compileProgramIndicator } from '../../src/program-indicators/compile.ts';
import { parseExpression } from '../../src/program-indicators/engine/parser.ts';
import type {
  AnalyticsEnrollmentRow,
  AnalyticsEventRow,
  CompiledProgramIndicator,
  MetadataObject,
} from '../../src/program-indicators/types.ts';
import { readPackage, withPackages } from '../packages.ts';

/** Real indicators compiled against their own packages; rows built by hand, one fact each. */
function indicator(packages: string[], id: string): CompiledProgramIndicator {
  const index = new Map<string, MetadataObject>();
  for (const file of packages) {
    for (const [type, list] of Object.entries(readPackage(file))) {
      if (Array.isArray(list))
        for (const object of list as MetadataObject[]) index.set(`${type}|${object.id}`, object);
    }
  }
  const result = compileProgramIndicator(index.get(`programIndicators|${id}`)!, (type, ref) =>
    index.get(`${type}|${ref}`),
  );
  if (!result.ok) throw new Error(result.reason);
  return result.indicator;
}

function enrollment(
  id: string,
  enrolledAt: string,
  attributes: Record<string, string>,
  events: { stage: string; date: string; values: Record<string, string> }[],
): AnalyticsEnrollmentRow {
  const row = {
    kind: 'enrollment',
    id,
    trackedEntity: `te${id}`,
    program: 'p',
    orgUnit: 'ou',
    enrolledAt,
    occurredAt: enrolledAt,
    status: 'ACTIVE',
    attributes,
    events: [] as AnalyticsEventRow[],
  } as const;
  for (const [i, e] of events.entries()) {
    row.events.push({
      kind: 'event',
      id: `${id}e${i}`,
      enrollment: id,
      trackedEntity: row.trackedEntity,
      program: 'p',
      programStage: e.stage,
      orgUnit: 'ou',
      occurredAt: e.date,
      status: 'COMPLETED',
      dataValues: e.values,
      enrollmentRow: row,
    });
  }
  return row;
}

const CVC = ['CVC_EIR/CVC_EIR_TRK_DHIS2.39.0-en.metadata.json'];
const STAGE = 'a1jCssI2LkW';

describe('real program indicators in the sandbox’s engine', withPackages, () => {
  it('parses the packages’ multi-line filters and nested quotes in d2:condition', () => {
    expect(() =>
      parseExpression(
        'd2:condition(\'(d2:countIfValue(#{a1jCssI2LkW.LUIsbsm3okG},"DOSE1") ==1)\',1,0)',
      ),
    ).not.toThrow();
    expect(() =>
      parseExpression("A{oindugucx72}== 'FEMALE' &&\n\n #{a1jCssI2LkW.LUIsbsm3okG} == 'DOSE1'"),
    ).not.toThrow();
  });

  it('counts women up to 59 with a first dose in the month (CVC EIR, RJ6pdxga9Od)', () => {
    const pi = indicator(CVC, 'RJ6pdxga9Od');
    const person = (id: string, sex: string, born: string, dose: string, date: string) =>
      enrollment(id, date, { oindugucx72: sex, NI0QRzJvQ0k: born }, [
        { stage: STAGE, date, values: { LUIsbsm3okG: dose } },
      ]);
    const rows = [
      person('a', 'FEMALE', '1980-05-01', 'DOSE1', '2021-03-10'), // counts
      person('b', 'FEMALE', '1950-05-01', 'DOSE1', '2021-03-11'), // too old
      person('c', 'MALE', '1980-05-01', 'DOSE1', '2021-03-12'), // a man
      person('d', 'FEMALE', '1980-05-01', 'DOSE2', '2021-03-13'), // second dose
      person('e', 'FEMALE', '1990-05-01', 'DOSE1', '2021-04-01'), // next month
    ].flatMap((e) => e.events);
    const march = {
      id: '202103',
      periodType: 'Monthly',
      startDate: '2021-03-01',
      endDate: '2021-03-31',
    };
    expect(pi.analyticsType).toBe('EVENT');
    expect(
      pi.aggregate(
        pi.rows({ program: 'p', enrollments: [], events: rows }),
        march,
        new Date('2021-04-05'),
      ),
    ).toBe(1);
  });

  it('counts a cohort enrolled three quarters before the period (TB household contacts, GfTDQgsPQIJ)', () => {
    const pi = indicator(['TB_HH/TB_HH_TRK_DHIS2.39.4-en.metadata.json'], 'GfTDQgsPQIJ');
    const contact = (
      id: string,
      born: string,
      enrolled: string,
      outcome: string,
      outcomeDate: string,
    ) =>
      enrollment(id, enrolled, { NI0QRzJvQ0k: born }, [
        { stage: 'kkyLx4uCnWH', date: outcomeDate, values: { DgKsDqyBPCG: outcome } },
      ]);
    const enrollments = [
      contact('a', '2021-01-01', '2023-02-10', 'TPT_CMPL', '2023-08-01'), // under 5, enrolled in 2023Q1, completed: counts for 2023Q4
      contact('b', '2010-01-01', '2023-02-10', 'TPT_CMPL', '2023-08-01'), // 13 years old
      contact('c', '2021-01-01', '2023-05-10', 'TPT_CMPL', '2023-08-01'), // enrolled in 2023Q2: another cohort
      contact('d', '2021-01-01', '2023-03-01', 'TPT_STOP', '2023-08-01'), // stopped, not completed
    ];
    const q4 = {
      id: '2023Q4',
      periodType: 'Quarterly',
      startDate: '2023-10-01',
      endDate: '2023-12-31',
    };
    expect(pi.analyticsType).toBe('ENROLLMENT');
    expect(
      pi.aggregate(pi.rows({ program: 'p', enrollments, events: [] }), q4, new Date('2024-01-15')),
    ).toBe(1);
  });

  it('answers nothing when no row qualifies, never a silent zero', () => {
    const pi = indicator(CVC, 'RJ6pdxga9Od');
    expect(
      pi.aggregate(
        [],
        { id: '202103', periodType: 'Monthly', startDate: '2021-03-01', endDate: '2021-03-31' },
        new Date(),
      ),
    ).toBeUndefined();
  });
});
