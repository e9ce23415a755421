import { parseCsv, toCsv } from './csv.ts';
import { T2aError } from './errors.ts';

/** One row of `t2a mapping export`: an indicator's codes, with names beside them for review. */
export interface MappingRow {
  readonly programIndicator: string;
  readonly programIndicatorName: string;
  readonly dataElement: string;
  readonly dataElementName: string;
  readonly categoryOptionCombo: string;
  readonly categoryOptionComboName: string;
  readonly attributeOptionCombo: string;
  readonly attributeOptionComboName: string;
  /**
   * Where the mapping lives when it is not the indicator's attribute: a 2.42 disaggregated indicator's
   * category combo and mappings (edited in DHIS2, not here). Absent for an attribute mapping.
   */
  readonly disaggregation?: string | undefined;
}

export const MAPPING_COLUMNS = [
  'program_indicator_uid',
  'program_indicator_name',
  'data_element_code',
  'data_element_name',
  'category_option_combo_code',
  'category_option_combo_name',
  'attribute_option_combo_code',
  'attribute_option_combo_name',
  'mapped_by',
] as const;

export function mappingToCsv(rows: readonly MappingRow[]): string {
  return toCsv([
    [...MAPPING_COLUMNS],
    ...rows.map((row) => [
      row.programIndicator,
      row.programIndicatorName,
      row.dataElement,
      row.dataElementName,
      row.categoryOptionCombo,
      row.categoryOptionComboName,
      row.attributeOptionCombo,
      row.attributeOptionComboName,
      row.disaggregation ?? 'attribute',
    ]),
  ]);
}

/** Reads an edited mapping file. Only the UID and code columns matter; names are for people. */
export function mappingFromCsv(text: string, file: string): MappingRow[] {
  const [header, ...rows] = parseCsv(text);
  const column = (name: (typeof MAPPING_COLUMNS)[number]) => {
    const index = header?.indexOf(name) ?? -1;
    if (index < 0) {
      throw new T2aError('usage', `${file} has no column "${name}".`, {
        fix: 'Start from the file `t2a mapping export` writes; keep its header row.',
      });
    }
    return index;
  };
  const [uid, de, coc, aoc] = [
    column('program_indicator_uid'),
    column('data_element_code'),
    column('category_option_combo_code'),
    column('attribute_option_combo_code'),
  ];
  const name = header!.indexOf('program_indicator_name');
  // Rows of 2.42 disaggregated indicators are shown, not edited: their mapping lives in DHIS2.
  const mappedBy = header!.indexOf('mapped_by');
  const editable = rows.filter(
    (row) => mappedBy < 0 || ['', 'attribute'].includes((row[mappedBy] ?? '').trim()),
  );
  return editable.map((row, index) => {
    const id = (row[uid] ?? '').trim();
    if (!/^[A-Za-z][A-Za-z0-9]{10}$/.test(id)) {
      throw new T2aError(
        'usage',
        `${file} line ${index + 2}: "${id}" is not a program indicator UID.`,
        { fix: 'Keep the program_indicator_uid column as exported.' },
      );
    }
    return {
      programIndicator: id,
      programIndicatorName: name >= 0 ? (row[name] ?? '') : '',
      dataElement: (row[de] ?? '').trim(),
      dataElementName: '',
      categoryOptionCombo: (row[coc] ?? '').trim(),
      categoryOptionComboName: '',
      attributeOptionCombo: (row[aoc] ?? '').trim(),
      attributeOptionComboName: '',
    };
  });
}

export interface MappingChange {
  readonly programIndicator: string;
  readonly name: string;
  readonly field: 'dataElement' | 'categoryOptionCombo' | 'attributeOptionCombo';
  readonly from: string;
  readonly to: string;
}

/** The differences between the current mapping and an edited one, field by field. */
export function diffMapping(
  current: readonly MappingRow[],
  edited: readonly MappingRow[],
): MappingChange[] {
  const byId = new Map(current.map((row) => [row.programIndicator, row]));
  const changes: MappingChange[] = [];
  for (const row of edited) {
    const before = byId.get(row.programIndicator);
    if (!before) continue;
    for (const field of ['dataElement', 'categoryOptionCombo', 'attributeOptionCombo'] as const) {
      if (before[field] !== row[field]) {
        changes.push({
          programIndicator: row.programIndicator,
          name: before.programIndicatorName,
          field,
          from: before[field],
          to: row[field],
        });
      }
    }
  }
  return changes;
}
