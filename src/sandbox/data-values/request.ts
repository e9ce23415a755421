import { type IdScheme, parseIdScheme } from '../metadata/id-scheme.ts';

/** One value as a client sends it (JSON body or a CSV row). */
export interface IncomingValue {
  dataElement?: string;
  period?: string;
  orgUnit?: string;
  categoryOptionCombo?: string;
  attributeOptionCombo?: string;
  value?: string | number | boolean | null;
  comment?: string | null;
  storedBy?: string;
  followup?: boolean;
  deleted?: boolean;
}

export type ImportStrategy = 'CREATE' | 'UPDATE' | 'CREATE_AND_UPDATE' | 'DELETE';

/** `ImportOptions` as `/api/dataValueSets` binds them from the URL and the body. */
export interface ImportOptions {
  readonly dataElementIdScheme: IdScheme;
  readonly orgUnitIdScheme: IdScheme;
  readonly categoryOptionComboIdScheme: IdScheme;
  /**
   * The 2.43 engine's scheme for attribute option combos (`DataEntryInput.fromJson`): the body's
   * `attributeOptionComboIdScheme`, else `idScheme`. No URL parameter sets it (ImportOptions has none);
   * the classic engines use the category option combo scheme instead.
   */
  readonly attributeOptionComboIdScheme: IdScheme;
  readonly dataSetIdScheme: IdScheme;
  readonly strategy: ImportStrategy;
  readonly dryRun: boolean;
  readonly async: boolean;
  readonly skipAudit: boolean;
  readonly force: boolean;
  readonly strictPeriods: boolean;
  readonly strictDataElements: boolean;
  readonly strictCategoryOptionCombos: boolean;
  readonly strictAttributeOptionCombos: boolean;
  readonly strictOrganisationUnits: boolean;
  readonly strictDataSetLocking: boolean;
  readonly strictDataSetInputPeriods: boolean;
  readonly echo: Record<string, unknown>;
}

export interface ImportRequest {
  readonly values: IncomingValue[];
  readonly dataSet?: string | undefined;
  readonly completeDate?: string | undefined;
  readonly period?: string | undefined;
  readonly orgUnit?: string | undefined;
  readonly attributeOptionCombo?: string | undefined;
  readonly options: ImportOptions;
}

const STRATEGIES = new Set(['CREATE', 'UPDATE', 'CREATE_AND_UPDATE', 'DELETE']);

/** Schemes: a specific one wins over `idScheme`, a body one over the URL's; UID by default. */
export function importOptions(
  query: URLSearchParams,
  body: Record<string, unknown>,
): ImportOptions {
  const get = (name: string) =>
    typeof body[name] === 'string' ? (body[name] as string) : (query.get(name) ?? undefined);
  const flag = (name: string) => {
    const value = body[name] ?? query.get(name);
    return value === true || value === 'true';
  };
  const general = parseIdScheme(get('idScheme'));
  const strategy = (get('importStrategy') ?? get('strategy') ?? 'CREATE_AND_UPDATE').toUpperCase();
  const options = {
    dataElementIdScheme: parseIdScheme(get('dataElementIdScheme'), general),
    orgUnitIdScheme: parseIdScheme(get('orgUnitIdScheme'), general),
    categoryOptionComboIdScheme: parseIdScheme(get('categoryOptionComboIdScheme'), general),
    attributeOptionComboIdScheme: parseIdScheme(
      typeof body.attributeOptionComboIdScheme === 'string'
        ? body.attributeOptionComboIdScheme
        : undefined,
      general,
    ),
    dataSetIdScheme: parseIdScheme(get('dataSetIdScheme'), general),
    strategy: (STRATEGIES.has(strategy) ? strategy : 'CREATE_AND_UPDATE') as ImportStrategy,
    dryRun: flag('dryRun'),
    async: flag('async'),
    skipAudit: flag('skipAudit'),
    force: flag('force'),
    strictPeriods: flag('strictPeriods'),
    strictDataElements: flag('strictDataElements'),
    strictCategoryOptionCombos: flag('strictCategoryOptionCombos'),
    strictAttributeOptionCombos: flag('strictAttributeOptionCombos'),
    strictOrganisationUnits: flag('strictOrganisationUnits'),
    strictDataSetLocking: flag('strictDataSetLocking'),
    strictDataSetInputPeriods: flag('strictDataSetInputPeriods'),
  };
  const scheme = (s: IdScheme) => (s.kind === 'ATTRIBUTE' ? `ATTRIBUTE:${s.attribute}` : s.kind);
  return {
    ...options,
    echo: {
      idSchemes: {
        dataElementIdScheme: { type: scheme(options.dataElementIdScheme) },
        orgUnitIdScheme: { type: scheme(options.orgUnitIdScheme) },
        categoryOptionComboIdScheme: { type: scheme(options.categoryOptionComboIdScheme) },
      },
      dryRun: options.dryRun,
      async: options.async,
      importStrategy: options.strategy,
      mergeMode: 'REPLACE',
      reportMode: 'FULL',
      skipExistingCheck: false,
      sharing: false,
      skipNotifications: false,
      skipAudit: options.skipAudit,
      force: options.force,
      firstRowIsHeader: true,
      skipPatternValidation: false,
      ignoreEmptyCollection: false,
    },
  };
}

const CSV_COLUMNS = [
  'dataElement',
  'period',
  'orgUnit',
  'categoryOptionCombo',
  'attributeOptionCombo',
  'value',
  'storedBy',
  'lastUpdated',
  'comment',
  'followup',
  'deleted',
] as const;

/** DHIS2's data value CSV: dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup,deleted. */
export function valuesFromCsv(text: string): IncomingValue[] {
  const rows = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const cells = (line: string) => {
    const result: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const char = line[i]!;
      if (quoted && char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = !quoted;
      else if (char === ',' && !quoted) {
        result.push(cell);
        cell = '';
      } else cell += char;
    }
    result.push(cell);
    return result;
  };
  const first = rows[0] ? cells(rows[0]) : [];
  const body =
    first[0]?.toLowerCase().replace(/[^a-z]/g, '') === 'dataelement' ? rows.slice(1) : rows;
  return body.map((line) => {
    const row = cells(line);
    const value: IncomingValue = {};
    CSV_COLUMNS.forEach((column, i) => {
      const cell = row[i];
      if (cell === undefined || cell === '') return;
      if (column === 'followup' || column === 'deleted') value[column] = cell === 'true';
      else if (column !== 'lastUpdated') (value as Record<string, string>)[column] = cell;
    });
    if (value.value === undefined) value.value = row[5] === '' ? '' : null;
    return value;
  });
}
