import type { SandboxContext } from '../context.ts';
import { type IdScheme, identifierOf, parseIdScheme } from '../metadata/id-scheme.ts';
import { atLeast } from '../version.ts';
import type { StoredValue } from './value-store.ts';

/** How `GET /api/dataValueSets` refuses a read: 409 (IllegalQueryException, ConflictException) or 400. */
export class ExportQueryError extends Error {
  readonly type = 'export-query';
  constructor(
    message: string,
    readonly errorCode?: string,
    /** 409 for DHIS2's IllegalQueryException, 400 for an identifier 2.43 cannot decode. */
    readonly status: 400 | 409 = 409,
  ) {
    super(message);
  }
}

/** Each object's output id scheme by its own parameter, else `idScheme` (or `outputIdScheme`). */
export type SchemeParam = (name: string) => IdScheme;

/** What the read asked for, as the document's header needs it. */
export interface ExportSelection {
  readonly dataSets: readonly string[];
  readonly periods: readonly string[];
  readonly orgUnits: readonly string[];
  readonly children: boolean;
  readonly orgUnitGroups: boolean;
  readonly dataElementGroups: boolean;
  readonly includeDeleted: boolean;
}

/**
 * `GET /api/dataValueSets` as each version writes it (research on `DataValueSetController`):
 * - 2.36–2.37 (`StreamingJsonDataValueSet`): a header (`dataSet`, `completeDate`, `period`, `orgUnit`)
 *   for a single set — one data set, one period, one org unit, no data element group
 *   (`DataExportParams.isSingleDataValueSet`, 2.36.13 l.256–260) —, null keys left out, `dataValues`
 *   only when there is one;
 * - 2.38–2.42 (`JsonDataValueSetWriter`): the same header, nulls written as `null`, `dataValues` always;
 * - 2.43 (`DefaultDataExportService.exportGroup`, `DataExportOutput`, 2.43.1 l.108–137): `dataSet`,
 *   `period`, `orgUnit` and `attributeOptionCombo` at the top each when the read has exactly one, left
 *   out of every value then, `…IdScheme` keys for each scheme that is not UID, no `completeDate`.
 * An object without an identifier in the scheme asked: its key left out (2.36–2.37), `null`
 * (2.38–2.42), or the whole read refused with 409 E8200–E8203 (2.43, `encodeGroup` l.218–266).
 */
export function exportDocument(
  ctx: SandboxContext,
  query: URLSearchParams,
  scheme: SchemeParam,
  selection: ExportSelection,
  rows: readonly StoredValue[],
): Record<string, unknown> {
  if (atLeast(ctx.version, 43)) return document243(ctx, scheme, selection, rows);
  const nulls = atLeast(ctx.version, 38);
  const keep = (entries: [string, unknown][]) =>
    Object.fromEntries(nulls ? entries : entries.filter(([, value]) => value !== undefined));
  const aocScheme = atLeast(ctx.version, 37, 7)
    ? parseIdScheme(
        query.get('attributeOptionComboIdScheme'),
        scheme('categoryOptionComboIdScheme'),
      )
    : // Before 2.37.7 the store names attribute option combos in the combo scheme (l.266–269).
      scheme('categoryOptionComboIdScheme');
  const id = (type: string, uid: string, s: IdScheme) => {
    const object = ctx.metadata.get(type, uid);
    const named = object ? identifierOf(object, s) : uid;
    return named ?? (nulls ? null : undefined);
  };
  const single =
    selection.dataSets.length === 1 &&
    selection.periods.length === 1 &&
    selection.orgUnits.length === 1 &&
    !selection.dataElementGroups;
  const header: [string, unknown][] = single
    ? [
        ['dataSet', id('dataSets', selection.dataSets[0]!, scheme('dataSetIdScheme'))],
        ['completeDate', nulls ? null : undefined],
        ['period', selection.periods[0]],
        ['orgUnit', id('organisationUnits', selection.orgUnits[0]!, scheme('orgUnitIdScheme'))],
      ]
    : [];
  const values = rows.map((row) =>
    keep([
      ['dataElement', id('dataElements', row.data_element, scheme('dataElementIdScheme'))],
      ['period', row.period],
      ['orgUnit', id('organisationUnits', row.org_unit, scheme('orgUnitIdScheme'))],
      [
        'categoryOptionCombo',
        id(
          'categoryOptionCombos',
          row.category_option_combo,
          scheme('categoryOptionComboIdScheme'),
        ),
      ],
      ['attributeOptionCombo', id('categoryOptionCombos', row.attribute_option_combo, aocScheme)],
      ['value', row.value],
      ['storedBy', row.stored_by ?? (nulls ? null : undefined)],
      ['created', timestamp(row.created)],
      ['lastUpdated', timestamp(row.last_updated)],
      ['comment', row.comment || (nulls ? null : undefined)],
      ['followup', row.followup === 1],
      ...(row.deleted === 1 ? ([['deleted', true]] as [string, unknown][]) : []),
    ]),
  );
  const withValues =
    nulls || values.length > 0 ? [['dataValues', values] as [string, unknown]] : [];
  return keep([...header, ...withValues]);
}

/**
 * `yyyy-MM-dd'T'HH:mm:ss.SSSZ` in UTC (`DateUtils.TIMESTAMP_UTC_TZ_FORMAT`), e.g.
 * `2024-01-02T03:04:05.678+0000`, from the stored ISO text (whole seconds).
 */
function timestamp(stored: string): string {
  const [date, time = '00:00:00'] = stored.replace('Z', '').split('T') as [string, string?];
  const [hms, ms = '000'] = time.split('.') as [string, string?];
  return `${date}T${hms.padEnd(8, ':00').slice(0, 8)}.${ms.padEnd(3, '0').slice(0, 3)}+0000`;
}

/** `IdProperty.name()`: how E8200–E8203 name the scheme (an attribute scheme is `ATTR`). */
const schemeName = (s: IdScheme) => (s.kind === 'ATTRIBUTE' ? 'ATTR' : s.kind);

/**
 * Names the objects of a read in a scheme (`StatelessIdCoder.mapEncodedIds`): one without an
 * identifier there fails the whole read with 409 and the error code of its kind.
 */
function encoder(ctx: SandboxContext) {
  return (type: string, what: string, code: string, uids: readonly string[], s: IdScheme) => {
    const names = new Map<string, string>();
    const missing: string[] = [];
    for (const uid of uids) {
      const object = ctx.metadata.get(type, uid);
      const named = object ? identifierOf(object, s) : uid;
      if (named === undefined) missing.push(uid);
      else names.set(uid, named);
    }
    if (missing.length > 0)
      throw new ExportQueryError(
        `Export as ${schemeName(s)} not possible as the property is undefined for ${what}: \`[${[...new Set(missing)].join(', ')}]\``,
        code,
      );
    return (uid: string) => names.get(uid) ?? uid;
  };
}

/** The header's `…IdScheme` keys, one for each scheme that is not UID (`DataExportOutput` l.61–147). */
function schemeKeys(schemes: readonly (readonly [string, IdScheme])[]): Record<string, string> {
  return Object.fromEntries(
    schemes
      .filter(([, s]) => s.kind !== 'UID')
      .map(([key, s]) => [key, s.kind === 'ATTRIBUTE' ? `ATTRIBUTE:${s.attribute}` : s.kind]),
  );
}

function document243(
  ctx: SandboxContext,
  scheme: SchemeParam,
  selection: ExportSelection,
  rows: readonly StoredValue[],
): Record<string, unknown> {
  const encode = encoder(ctx);
  const ds = scheme('dataSetIdScheme');
  const de = scheme('dataElementIdScheme');
  const ou = scheme('orgUnitIdScheme');
  const coc = scheme('categoryOptionComboIdScheme');
  const aoc = scheme('attributeOptionComboIdScheme');
  const header: Record<string, unknown> = {};
  if (selection.dataSets.length === 1) {
    const dataSet = selection.dataSets[0]!;
    header.dataSet = encode('dataSets', 'data set', 'E8200', [dataSet], ds)(dataSet);
  }
  if (selection.periods.length === 1) header.period = selection.periods[0];
  const units = rows.map((row) => row.org_unit);
  const ouName = encode('organisationUnits', 'org unit(s)', 'E8202', units, ou);
  const oneUnit =
    selection.orgUnits.length === 1 && !selection.children && !selection.orgUnitGroups;
  // With a scheme that is not UID, one org unit is also found from the values themselves (l.245).
  const sameUnit = ou.kind !== 'UID' && units.length > 0 && new Set(units).size === 1;
  // The header's org unit is named from the values' own (l.238–244): none when a non-UID read is empty.
  if (oneUnit && (ou.kind === 'UID' || units.length > 0))
    header.orgUnit = ou.kind === 'UID' ? selection.orgUnits[0] : ouName(units[0]!);
  else if (sameUnit) header.orgUnit = ouName(units[0]!);
  const aocs = rows.map((row) => row.attribute_option_combo);
  const aocName = encode('categoryOptionCombos', 'category option combo(s)', 'E8203', aocs, aoc);
  // The list of attribute option combos is not made distinct (l.258): one value only.
  if (aoc.kind !== 'UID' && aocs.length === 1) header.attributeOptionCombo = aocName(aocs[0]!);
  const deName = encode(
    'dataElements',
    'data element(s)',
    'E8201',
    rows.map((row) => row.data_element),
    de,
  );
  const cocName = encode(
    'categoryOptionCombos',
    'category option combo(s)',
    'E8203',
    rows.map((row) => row.category_option_combo),
    coc,
  );
  const schemes = schemeKeys([
    ['dataSetIdScheme', ds],
    ['dataElementIdScheme', de],
    ['orgUnitIdScheme', ou],
    ['categoryOptionComboIdScheme', coc],
    ['attributeOptionComboIdScheme', aoc],
  ]);
  const dataValues = rows.map((row) => ({
    dataElement: deName(row.data_element),
    ...(header.period === undefined ? { period: row.period } : {}),
    ...(header.orgUnit === undefined ? { orgUnit: ouName(row.org_unit) } : {}),
    categoryOptionCombo: cocName(row.category_option_combo),
    ...(header.attributeOptionCombo === undefined
      ? { attributeOptionCombo: aocName(row.attribute_option_combo) }
      : {}),
    value: row.value,
    ...(row.stored_by ? { storedBy: row.stored_by } : {}),
    created: timestamp(row.created),
    lastUpdated: timestamp(row.last_updated),
    ...(row.comment ? { comment: row.comment } : {}),
    followup: row.followup === 1,
    ...(row.deleted === 1 ? { deleted: true } : {}),
  }));
  return { ...header, ...schemes, dataValues };
}
