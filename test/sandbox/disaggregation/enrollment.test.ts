import { describe, expect, it } from 'vitest';
import {
  ANALYST,
  addEnrollment,
  analyticsSandbox,
  auth,
  OU,
  PI,
  runAnalyticsJob,
  TRACKER,
} from '../analytics/builder.ts';
import { api } from '../helpers.ts';

/*
 * An ENROLLMENT indicator's disaggregation: `JdbcEnrollmentAnalyticsManager.getWhereClause` (2.42.0,
 * 2.43.0) has no `getCocWhereConditions`, so outside a data value set an enrollment whose combo category
 * has no option (or several) still counts, where an EVENT indicator's `length(…) = 11` leaves it out;
 * the data value set drops it all the same (`PiDisagDataHandler.addCocAndAoc`). Built straight into the
 * stores (test/sandbox/analytics/builder.ts): three enrollments of the registry, in January, on the
 * 5th, the 17th and the 25th; a category "Half" whose options take the first and the last.
 */
const ref = (id: string) => ({ id });

describe('an ENROLLMENT indicator disaggregated by its enrollment date (2.43.1)', async () => {
  const sandbox = await analyticsSandbox('2.43.1');
  const ctx = sandbox.context;
  ctx.metadata.putMany('categoryOptions', [
    { id: 'HalfFirst01', name: 'First half' },
    { id: 'HalfLast001', name: 'Last half' },
  ]);
  ctx.metadata.put('categories', {
    id: 'HalfCatego1',
    name: 'Half',
    dataDimensionType: 'DISAGGREGATION',
    categoryOptions: [ref('HalfFirst01'), ref('HalfLast001')],
  });
  ctx.metadata.put('categoryCombos', {
    id: 'HalfCombo01',
    name: 'Half',
    categories: [ref('HalfCatego1')],
  });
  ctx.metadata.putMany('categoryOptionCombos', [
    {
      id: 'HalfCocFst1',
      name: 'First half',
      categoryCombo: ref('HalfCombo01'),
      categoryOptions: [ref('HalfFirst01')],
    },
    {
      id: 'HalfCocLst1',
      name: 'Last half',
      categoryCombo: ref('HalfCombo01'),
      categoryOptions: [ref('HalfLast001')],
    },
  ]);
  const program = ctx.metadata.get('programs', TRACKER)!;
  ctx.metadata.put('programs', {
    ...program,
    categoryMappings: [
      {
        id: 'HalfMappin1',
        categoryId: 'HalfCatego1',
        mappingName: 'By enrollment date',
        optionMappings: [
          { optionId: 'HalfFirst01', filter: "V{enrollment_date} < '2026-01-10'" },
          { optionId: 'HalfLast001', filter: "V{enrollment_date} > '2026-01-20'" },
        ],
      },
    ],
  });
  const indicator = ctx.metadata.get('programIndicators', PI.enrollments)!;
  ctx.metadata.put('programIndicators', {
    ...indicator,
    categoryCombo: ref('HalfCombo01'),
    categoryMappingIds: ['HalfMappin1'],
  });
  for (const date of ['2026-01-05', '2026-01-17', '2026-01-25'])
    addEnrollment(ctx, { orgUnit: OU.clinicA, date });
  await runAnalyticsJob(sandbox);
  const where = `pe:202601&dimension=ou:${OU.clinicA}`;
  const get = (path: string) => api(sandbox, path, { auth: auth(ANALYST) });

  it('counts the enrollment of no option outside a data value set: 3', async () => {
    const { body } = await get(`/api/analytics?dimension=dx:${PI.enrollments}&dimension=${where}`);
    expect(body.rows).toEqual([[PI.enrollments, '202601', OU.clinicA, '3']]);
  });

  it('keeps only the option asked for as a dimension: 1 and 1', async () => {
    const { body } = await get(
      `/api/analytics?dimension=dx:${PI.enrollments},HalfCatego1&dimension=${where}`,
    );
    expect(body.rows).toEqual([
      [PI.enrollments, 'HalfFirst01', '202601', OU.clinicA, '1'],
      [PI.enrollments, 'HalfLast001', '202601', OU.clinicA, '1'],
    ]);
  });

  it('drops it from the data value set, where each row needs its option combo', async () => {
    const { body } = await get(
      `/api/analytics/dataValueSet.json?dimension=dx:${PI.enrollments}&dimension=${where}`,
    );
    expect(
      body.dataValues.map((v: Record<string, string>) => [v.categoryOptionCombo, v.value]),
    ).toEqual([
      ['HalfCocFst1', '1'],
      ['HalfCocLst1', '1'],
    ]);
  });
});
