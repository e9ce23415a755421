import { describe, expect, it } from 'vitest';
import type { IndicatorForValidation, TargetMetadata } from '../../src/core/mapping-metadata.ts';
import { validateMapping } from '../../src/core/validation.ts';

const ATTR = 'vudyDP7jUy5';
const pi = (
  id: string,
  code: string | undefined,
  coc?: string,
  extra: Partial<IndicatorForValidation> = {},
): IndicatorForValidation => ({
  id,
  name: `Indicator ${id}`,
  decimals: 0,
  aggregationType: 'COUNT',
  aggregateExportCategoryOptionCombo: coc,
  attributeValues: code === undefined ? [] : [{ attribute: { id: ATTR }, value: code }],
  ...extra,
});

/** A small HMIS: BCG doses by age (<1y, 1y+), a text element, an element in no data set. */
const target: TargetMetadata = {
  dataElements: [
    {
      id: 'deBcg000001',
      code: 'EPI_BCG_ADMINISTERED',
      name: 'BCG doses',
      valueType: 'INTEGER_ZERO_OR_POSITIVE',
      aggregationType: 'SUM',
      categoryCombo: 'ccAge000001',
    },
    {
      id: 'deNote00001',
      code: 'EPI_NOTE',
      name: 'Remarks',
      valueType: 'TEXT',
      aggregationType: 'NONE',
      categoryCombo: 'ccDefault01',
    },
    {
      id: 'deOrphan001',
      code: 'EPI_ORPHAN',
      name: 'Orphan',
      valueType: 'NUMBER',
      aggregationType: 'SUM',
      categoryCombo: 'ccDefault01',
    },
  ],
  categoryOptionCombos: [
    { id: 'cocU1000001', code: 'EPI-U01Y', name: '<1y', categoryCombo: 'ccAge000001' },
    { id: 'cocO1000001', code: 'EPI-01PLUSY', name: '1y+', categoryCombo: 'ccAge000001' },
    { id: 'cocDefault1', code: 'default', name: 'default', categoryCombo: 'ccDefault01' },
    { id: 'cocSex00001', code: 'SEX_F', name: 'Female', categoryCombo: 'ccSex000001' },
  ],
  categoryCombos: [],
  dataSets: [
    {
      id: 'dsMonth0001',
      name: 'EPI monthly',
      periodType: 'Monthly',
      categoryCombo: 'ccDefault01',
      dataElements: ['deBcg000001', 'deNote00001'],
    },
  ],
};

const kinds = (indicators: IndicatorForValidation[], periodType?: string) =>
  validateMapping(indicators, target, {
    mappingAttribute: ATTR,
    periodType,
    requireMapping: true,
  }).map((f) => `${f.severity}:${f.kind}`);

describe('validating a mapping before any value moves', () => {
  it('reports nothing for a clean mapping', () => {
    expect(
      kinds(
        [
          pi('a', 'EPI_BCG_ADMINISTERED', 'EPI-U01Y'),
          pi('b', 'EPI_BCG_ADMINISTERED', 'EPI-01PLUSY'),
        ],
        'Monthly',
      ),
    ).toEqual([]);
  });

  it('finds an indicator nobody mapped', () => {
    expect(kinds([pi('a', undefined)])).toEqual(['error:unmapped-indicator']);
  });

  it('finds a mistyped data element code and suggests the one with the same combos', () => {
    const [finding] = validateMapping(
      [pi('a', 'EPI_BCG_GIVEN', 'EPI-U01Y'), pi('b', 'EPI_BCG_ADMINISTERED', 'EPI-01PLUSY')],
      target,
      { mappingAttribute: ATTR },
    );
    expect(finding).toMatchObject({
      kind: 'unknown-data-element',
      severity: 'error',
      dataElement: 'EPI_BCG_GIVEN',
      suggestions: ['EPI_BCG_ADMINISTERED'],
    });
  });

  it('tells a combo from another category combo from a combo that does not exist', () => {
    expect(
      kinds([pi('a', 'EPI_BCG_ADMINISTERED', 'SEX_F'), pi('b', 'EPI_BCG_ADMINISTERED', 'EPI-U1Y')]),
    ).toEqual(['error:category-option-combo-not-in-combo', 'error:unknown-category-option-combo']);
  });

  it('finds two indicators writing one data element and combo', () => {
    const findings = validateMapping(
      [pi('a', 'EPI_BCG_ADMINISTERED', 'EPI-U01Y'), pi('b', 'EPI_BCG_ADMINISTERED', 'EPI-U01Y')],
      target,
      { mappingAttribute: ATTR },
    );
    const duplicate = findings.find((f) => f.kind === 'duplicate');
    expect(duplicate?.message).toMatch(/"Indicator a" \(a\), "Indicator b" \(b\)/);
  });

  it('warns of a combo no indicator fills', () => {
    const findings = validateMapping([pi('a', 'EPI_BCG_ADMINISTERED', 'EPI-U01Y')], target, {
      mappingAttribute: ATTR,
    });
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'combo-gap',
        severity: 'warning',
        message: expect.stringContaining('EPI-01PLUSY'),
      }),
    ]);
  });

  it('checks each request of an exchange in its own period type (a monthly request beside a yearly one)', () => {
    const exchange = (requests: { name: string; periods: string[] }[]) => ({
      programs: new Map(),
      stages: new Map(),
      exchanges: [
        {
          id: 'exEpi000001',
          name: 'EPI to HMIS',
          requests: requests.map((r) => ({ ...r, items: ['a'] })),
          items: ['a'],
        },
      ],
    });
    const findings = (requests: { name: string; periods: string[] }[]) =>
      validateMapping([pi('a', 'EPI_BCG_ADMINISTERED', 'EPI-U01Y')], target, {
        mappingAttribute: ATTR,
        source: exchange(requests),
      })
        .filter((f) => f.severity === 'error')
        .map((f) => `${f.kind}:${f.message.includes('Yearly') ? 'Yearly' : 'Monthly'}`);
    // BCG is only in a monthly data set: the yearly request is the wrong one, whatever comes beside it.
    expect(findings([{ name: 'monthly', periods: ['LAST_MONTH'] }])).toEqual([]);
    expect(
      findings([
        { name: 'monthly', periods: ['LAST_MONTH'] },
        { name: 'yearly', periods: ['LAST_YEAR'] },
      ]),
    ).toEqual(['period-type:Yearly']);
  });

  it('finds a data set of another period type', () => {
    expect(
      kinds(
        [
          pi('a', 'EPI_BCG_ADMINISTERED', 'EPI-U01Y'),
          pi('b', 'EPI_BCG_ADMINISTERED', 'EPI-01PLUSY'),
        ],
        'Quarterly',
      ),
    ).toEqual(['error:period-type', 'error:period-type']);
  });

  it('warns of a numeric indicator into a text element, and refuses a data element in no data set', () => {
    // Differing aggregation types are no finding: DHIS2 sums LAST and the others across org units too.
    expect(
      kinds([
        pi('a', 'EPI_NOTE'),
        pi('b', 'EPI_ORPHAN', undefined, { aggregationType: 'AVERAGE' }),
      ]),
    ).toEqual(['warning:value-type', 'error:no-data-set']);
  });
});
