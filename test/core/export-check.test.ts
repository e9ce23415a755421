import { describe, expect, it } from 'vitest';
import type { DataValue } from '../../src/core/data-value.ts';
import { checkExportedValues, type TargetDataElement } from '../../src/core/export-check.ts';

const element = (code: string, valueType: string, combos: string[]): TargetDataElement => ({
  id: `id${code}`.slice(0, 11),
  code,
  name: code,
  valueType,
  categoryOptionCombos: new Set(combos),
  dataSets: [
    {
      id: 'dsMonthly01',
      name: 'Monthly',
      periodType: 'Monthly',
      expiryDays: 0,
      openFuturePeriods: 0,
      dataInputPeriods: [],
    },
  ],
});

const targets = new Map([
  ['BCG_DOSES', element('BCG_DOSES', 'INTEGER_ZERO_OR_POSITIVE', ['LT1_F', 'LT1_M'])],
  ['COVERAGE', element('COVERAGE', 'NUMBER', [])],
]);

const value = (overrides: Partial<DataValue>): DataValue => ({
  dataElement: 'BCG_DOSES',
  period: '202401',
  orgUnit: 'OuFacility1',
  categoryOptionCombo: 'LT1_F',
  value: '5.0',
  ...overrides,
});

describe('checking exported values before they are sent', () => {
  const context = { programIndicators: new Set(['PiUnmapped1']), targetDataElements: targets };

  it('makes "5.0" into "5" for an integer data element, as DHIS2 rejects "5.0" there', () => {
    const { values, problems } = checkExportedValues([value({})], context);
    expect(problems).toEqual([]);
    expect(values).toEqual([value({ value: '5' })]);
  });

  it('keeps decimals for a NUMBER data element but drops a trailing ".0"', () => {
    const { values } = checkExportedValues(
      [
        value({ dataElement: 'COVERAGE', categoryOptionCombo: undefined, value: '12.5' }),
        value({
          dataElement: 'COVERAGE',
          categoryOptionCombo: undefined,
          orgUnit: 'B',
          value: '3.0',
        }),
      ],
      context,
    );
    expect(values.map((v) => v.value)).toEqual(['12.5', '3']);
  });

  it('withholds a value still carrying an indicator UID: that indicator is not mapped', () => {
    const { values, problems } = checkExportedValues(
      [value({ dataElement: 'PiUnmapped1' })],
      context,
    );
    expect(values).toEqual([]);
    expect(problems).toEqual([
      {
        kind: 'unmapped-indicator',
        programIndicator: 'PiUnmapped1',
        value: value({ dataElement: 'PiUnmapped1' }),
      },
    ]);
  });

  it('withholds both values of a duplicate key and reports it once', () => {
    const { values, problems } = checkExportedValues(
      [value({ value: '1.0' }), value({ value: '2.0' }), value({ orgUnit: 'Other' })],
      context,
    );
    expect(values).toEqual([value({ orgUnit: 'Other', value: '5' })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'duplicate', count: 2 });
  });

  it('withholds unknown data element codes and combos not in the element’s category combo', () => {
    const { values, problems } = checkExportedValues(
      [value({ dataElement: 'NOPE' }), value({ categoryOptionCombo: 'GT5_F' })],
      context,
    );
    expect(values).toEqual([]);
    expect(problems.map((p) => p.kind)).toEqual([
      'unknown-data-element',
      'unknown-category-option-combo',
    ]);
  });

  it('refuses a fraction for an integer data element with the reason', () => {
    const { problems } = checkExportedValues([value({ value: '2.5' })], context);
    expect(problems[0]).toMatchObject({
      kind: 'invalid-value',
      cause: 'not-a-whole-number',
      reason: expect.stringMatching(
        /^"2.5" is not a whole number, which INTEGER_ZERO_OR_POSITIVE refuses$/,
      ),
    });
  });
});
