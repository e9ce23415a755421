import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from '../../src/core/csv.ts';
import {
  diffMapping,
  type MappingRow,
  mappingFromCsv,
  mappingToCsv,
} from '../../src/core/mapping-table.ts';

const row = (id: string, de: string, coc = ''): MappingRow => ({
  programIndicator: id,
  programIndicatorName: `BCG, "under 1", ${id}`,
  dataElement: de,
  dataElementName: 'BCG doses',
  categoryOptionCombo: coc,
  categoryOptionComboName: '',
  attributeOptionCombo: '',
  attributeOptionComboName: '',
});

describe('the mapping as a CSV file', () => {
  it('round-trips names with commas, quotes and line breaks', () => {
    const rows = [['a', 'with, comma', 'with "quote"', 'two\nlines']];
    expect(parseCsv(toCsv(rows))).toEqual(rows);
  });

  it('reads back what it exported', () => {
    const rows = [row('Abcdefghij1', 'EPI_BCG', 'U1'), row('Abcdefghij2', '')];
    const read = mappingFromCsv(mappingToCsv(rows), 'm.csv');
    expect(read.map((r) => [r.programIndicator, r.dataElement, r.categoryOptionCombo])).toEqual([
      ['Abcdefghij1', 'EPI_BCG', 'U1'],
      ['Abcdefghij2', '', ''],
    ]);
  });

  it('finds exactly the fields that were edited', () => {
    const current = [row('Abcdefghij1', 'EPI_BCG', 'U1'), row('Abcdefghij2', 'EPI_OPV', 'U1')];
    const edited = [
      row('Abcdefghij1', 'EPI_BCG', 'U1'),
      row('Abcdefghij2', 'EPI_OPV_ADMINISTERED', 'O1'),
    ];
    expect(
      diffMapping(current, edited).map((c) => [c.programIndicator, c.field, c.from, c.to]),
    ).toEqual([
      ['Abcdefghij2', 'dataElement', 'EPI_OPV', 'EPI_OPV_ADMINISTERED'],
      ['Abcdefghij2', 'categoryOptionCombo', 'U1', 'O1'],
    ]);
  });

  it('names the line of a broken UID', () => {
    expect(() =>
      mappingFromCsv(
        'program_indicator_uid,data_element_code,category_option_combo_code,attribute_option_combo_code\nnope,A,,\n',
        'm.csv',
      ),
    ).toThrow(/m\.csv line 2/);
  });
});
