import { describe, expect, it } from 'vitest';
import {
  ANALYST,
  addEvent,
  analyticsSandbox,
  auth,
  dataValueSet,
  OU,
  PI,
  runAnalyticsJob,
} from './builder.ts';

// The sandbox resolves `pe:` relative periods with t2a's shared period module (src/periods), which
// test/periods proves against a hand-written table and dhis2-core's RelativePeriodsTest; here, that the
// endpoint uses it with DHIS2's reference dates.
const NOW = new Date('2026-11-29T10:00:00Z');

async function world(version: string) {
  const sandbox = await analyticsSandbox(version, NOW);
  for (const date of [
    '2025-11-10',
    '2026-02-10',
    '2026-05-10',
    '2026-08-10',
    '2026-10-10',
    '2026-11-10',
  ])
    addEvent(sandbox.context, { orgUnit: OU.clinicA, date, cases: 1 });
  await runAnalyticsJob(sandbox);
  return sandbox;
}

const periodsOf = async (sandbox: Awaited<ReturnType<typeof world>>, pe: string, extra = '') => {
  const { status, body } = await dataValueSet(
    sandbox,
    `dimension=dx:${PI.visits}&dimension=pe:${pe}&dimension=ou:${OU.clinicA}${extra}`,
    { auth: auth(ANALYST) },
  );
  expect(status, JSON.stringify(body)).toBe(200);
  return body.dataValues.map((value: { period: string }) => value.period).sort();
};

describe('relative periods in analytics', async () => {
  const v242 = await world('2.42.0');
  const v243 = await world('2.43.0');

  it('answers LAST_QUARTER on 2026-11-29 with 2026Q3', async () => {
    expect(await periodsOf(v242, 'LAST_QUARTER')).toEqual(['2026Q3']);
  });

  it('resolves LAST_4_QUARTERS, LAST_12_MONTHS and THIS_FINANCIAL_YEAR on the sandbox clock', async () => {
    expect(await periodsOf(v242, 'LAST_4_QUARTERS')).toEqual([
      '2025Q4',
      '2026Q1',
      '2026Q2',
      '2026Q3',
    ]);
    expect(await periodsOf(v242, 'LAST_12_MONTHS')).toEqual([
      '202511',
      '202602',
      '202605',
      '202608',
      '202610',
    ]);
    expect(await periodsOf(v242, 'THIS_FINANCIAL_YEAR')).toEqual(['2026Oct']);
  });

  it('moves every keyword to relativePeriodDate, but the financial ones only from 2.43', async () => {
    const onDate = '&relativePeriodDate=2026-03-15';
    expect(await periodsOf(v242, 'LAST_QUARTER', onDate)).toEqual(['2025Q4']);
    expect(await periodsOf(v242, 'THIS_FINANCIAL_YEAR', onDate)).toEqual(['2026Oct']);
    expect(await periodsOf(v243, 'THIS_FINANCIAL_YEAR', onDate)).toEqual(['2025Oct']);
  });
});
