import { describe, expect, it } from 'vitest';
import {
  type DisaggregatedIndicator,
  disaggregate,
  type SourceCategoryCombo,
  type TargetCombos,
} from '../../src/core/disaggregation.ts';

/** The source: sex (Female, Male) on a tracker of 2.42, its combos without codes, as DHIS2 makes them. */
const SEX: SourceCategoryCombo = {
  id: 'CcSex000001',
  name: 'Sex',
  isDefault: false,
  categories: [
    {
      id: 'CatSex00001',
      name: 'Sex',
      options: [
        { id: 'OptFemale01', code: 'FEMALE', name: 'Female' },
        { id: 'OptMale0001', code: 'MALE', name: 'Male' },
      ],
    },
  ],
  optionCombos: [
    { id: 'CocFemale01', name: 'Female', options: ['OptFemale01'] },
    { id: 'CocMale0001', name: 'Male', options: ['OptMale0001'] },
  ],
};
const DEFAULT: SourceCategoryCombo = {
  id: 'bjDvmb4bfuf',
  name: 'default',
  isDefault: true,
  categories: [],
  optionCombos: [{ id: 'HllvX50cXC0', name: 'default', options: [] }],
};
const combos = new Map([
  [SEX.id, SEX],
  [DEFAULT.id, DEFAULT],
]);

/** The HMIS: another instance, its own UIDs, combos with codes, options with the same codes. */
const TARGET: TargetCombos = {
  dataElements: [
    { id: 'DeHmisBcg01', code: 'IMM_BCG', name: 'BCG doses', categoryCombo: 'HmisSexCc01' },
  ],
  optionCombos: [
    {
      id: 'HmisCocF001',
      code: 'F',
      name: 'Female',
      categoryCombo: 'HmisSexCc01',
      options: [{ id: 'HmisOptF001', code: 'FEMALE', name: 'Female' }],
    },
    {
      id: 'HmisCocM001',
      code: 'M',
      name: 'Male',
      categoryCombo: 'HmisSexCc01',
      options: [{ id: 'HmisOptM001', code: 'MALE', name: 'Male' }],
    },
  ],
  defaultCode: 'default',
};

const indicator = (extra: Partial<DisaggregatedIndicator> = {}): DisaggregatedIndicator => ({
  id: 'PiBcgBySex1',
  name: 'BCG by sex',
  aggregateExportDataElement: 'DeHmisBcg01',
  categoryCombo: SEX.id,
  attributeCombo: DEFAULT.id,
  categoryMappingIds: ['MapSex00001'],
  mappings: [
    {
      id: 'MapSex00001',
      categoryId: 'CatSex00001',
      mappingName: 'Sex from the register',
      optionMappings: [
        { optionId: 'OptFemale01', filter: "A{sex} == 'F'" },
        { optionId: 'OptMale0001', filter: "A{sex} == 'M'" },
      ],
    },
  ],
  ...extra,
});

describe('a 2.42 disaggregated indicator, read for another instance', () => {
  it('gives one cell per combo: the source UIDs it comes as, the target codes it goes to', () => {
    const { cells, findings } = disaggregate(indicator(), combos, TARGET);
    expect(findings).toEqual([]);
    expect(
      cells.map((c) => [c.exportKey, c.mapping.dataElement, c.mapping.categoryOptionCombo]),
    ).toEqual([
      ['DeHmisBcg01|CocFemale01|', 'IMM_BCG', 'F'],
      ['DeHmisBcg01|CocMale0001|', 'IMM_BCG', 'M'],
    ]);
  });

  it('reads aggregateExportDataElement as a UID, a code or a name', () => {
    for (const named of ['DeHmisBcg01', 'IMM_BCG', 'BCG doses'])
      expect(
        disaggregate(indicator({ aggregateExportDataElement: named }), combos, TARGET).cells[0]
          ?.mapping.dataElement,
      ).toBe('IMM_BCG');
    const unknown = disaggregate(indicator({ aggregateExportDataElement: 'NOPE' }), combos, TARGET);
    expect(unknown.findings.map((f) => f.kind)).toEqual(['unknown-data-element']);
  });

  it('names an option without a filter, a category without a mapping, a combo the target lacks', () => {
    const noMale = indicator({
      mappings: [
        {
          id: 'MapSex00001',
          categoryId: 'CatSex00001',
          mappingName: 'Sex from the register',
          optionMappings: [{ optionId: 'OptFemale01', filter: "A{sex} == 'F'" }],
        },
      ],
    });
    expect(disaggregate(noMale, combos, TARGET).findings.map((f) => f.kind)).toEqual([
      'option-without-filter',
    ]);
    expect(
      disaggregate(indicator({ categoryMappingIds: [] }), combos, TARGET).findings.map(
        (f) => f.kind,
      ),
    ).toEqual(['missing-category-mapping']);
    const femaleOnly = { ...TARGET, optionCombos: TARGET.optionCombos.slice(0, 1) };
    const gap = disaggregate(indicator(), combos, femaleOnly);
    expect(gap.findings.map((f) => f.kind)).toEqual(['combo-not-in-target']);
    expect(gap.cells).toHaveLength(1);
  });

  it('on one instance matches combos by UID, and needs their codes', () => {
    const same: TargetCombos = {
      dataElements: [{ id: 'DeBcg000001', code: 'IMM_BCG', name: 'BCG', categoryCombo: SEX.id }],
      optionCombos: SEX.optionCombos.map((c) => ({
        ...c,
        categoryCombo: SEX.id,
        options: [],
        code: c.name === 'Female' ? 'F' : undefined,
      })),
      defaultCode: 'default',
    };
    const { cells, findings } = disaggregate(
      indicator({ aggregateExportDataElement: 'IMM_BCG' }),
      combos,
      same,
    );
    expect(cells.map((c) => c.mapping.categoryOptionCombo)).toEqual(['F']);
    expect(findings.map((f) => f.kind)).toEqual(['combo-without-code']);
  });
});
