import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { type IdScheme, isUid, parseIdScheme } from '../metadata/id-scheme.ts';
import { refIds } from '../metadata/store.ts';
import { parsePeriod } from '../periods/period.ts';
import { hasSharing } from '../users/sharing.ts';
import { atLeast } from '../version.ts';
import { ExportQueryError, exportDocument, type SchemeParam } from './export-document.ts';
import type { StoredValue } from './value-store.ts';

export { ExportQueryError };

const REQUIRED = {
  E2001: 'At least one data element, data set or data element group must be specified',
  E2002:
    'At least one period, start/end dates, last updated or last updated duration must be specified',
  E2006: 'At least one organisation unit or organisation unit group must be specified',
} as const;

/**
 * The schemes the request's own parameters are read in (`DataValueSetQueryParams`, from 2.37.7):
 * `inputOrgUnitIdScheme`, `inputDataSetIdScheme`, `inputDataElementGroupIdScheme`,
 * `inputDataElementIdScheme` (2.39), else `inputIdScheme`, else UID. Before 2.37.7 they are UIDs.
 * `orgUnitIdScheme` and its kin name the output's schemes only.
 */
function inputSchemes(ctx: SandboxContext, query: URLSearchParams): SchemeParam {
  if (!atLeast(ctx.version, 37, 7)) return () => ({ kind: 'UID' });
  for (const name of INPUT_SCHEMES) {
    const value = query.get(name);
    if (value !== null && !IDENTIFIABLE_PROPERTIES.includes(value))
      throw new ExportQueryError(
        `Value ${value} is not a valid ${name}. Valid values are: [${IDENTIFIABLE_PROPERTIES.join(', ')}]`,
        undefined,
        400,
      );
  }
  const general = parseIdScheme(query.get('inputIdScheme'));
  return (name) => parseIdScheme(query.get(name), general);
}

/**
 * The input schemes are `IdentifiableProperty` fields of `DataValueSetQueryParams` (2.37.10 l.86–92): a
 * value that is no constant of it (`ATTRIBUTE:<uid>` among them) does not bind, and
 * `CrudControllerAdvice.handleBindException` → `getEnumWebMessage` answers 400 (2.37.10 l.150–171).
 */
const IDENTIFIABLE_PROPERTIES = ['ID', 'UID', 'UUID', 'NAME', 'CODE', 'ATTRIBUTE'];
const INPUT_SCHEMES = [
  'inputIdScheme',
  'inputOrgUnitIdScheme',
  'inputDataSetIdScheme',
  'inputDataElementGroupIdScheme',
  'inputDataElementIdScheme',
];

/**
 * The objects named by a request parameter, by the input scheme. Up to 2.42 an unknown one is left out
 * (`IdentifiableObjectManager.getObjects`); 2.43 decodes a UID parameter first and refuses what is not
 * one with 400 (`UID.of`).
 */
function named(
  ctx: SandboxContext,
  type: string,
  scheme: IdScheme,
  ids: readonly string[],
): string[] {
  if (atLeast(ctx.version, 43) && scheme.kind === 'UID')
    for (const id of ids)
      if (!isUid(id))
        throw new ExportQueryError(
          `UID must be an alphanumeric string of 11 characters starting with a letter, but was: ${id}`,
          undefined,
          400,
        );
  return ids.flatMap((id) => ctx.metadata.find(type, scheme, id)?.id ?? []);
}

/**
 * Where `lastUpdated` starts the export, as the stored `last_updated` text (this server's clock is UTC).
 * `DateUtils.parseDate` reads it with or without an offset (none: the server's zone). 2.36–2.42 write the
 * moment into the SQL as UTC text, compared with `>=` (`SpringDataValueSetStore.getDataValueSql`); 2.43
 * binds it as a DATE, keeping only the day (`HibernateDataExportStore`).
 */
function lastUpdatedFrom(ctx: SandboxContext, text: string): string {
  const offset = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(offset)
    ? offset
    : `${offset}${offset.length > 10 ? 'Z' : ''}`;
  const moment = new Date(zoned);
  if (Number.isNaN(moment.getTime()))
    throw new ExportQueryError(`Invalid date format for lastUpdated: ${text}`, undefined, 400);
  const utc = moment.toISOString();
  return atLeast(ctx.version, 43) ? utc.slice(0, 10) : utc.slice(0, 19);
}

/** `GET /api/dataValueSets` (`DataValueSetController.getDataValueSet`, `DataExportParams` validation). */
export function exportDataValues(
  ctx: SandboxContext,
  user: SandboxUser,
  query: URLSearchParams,
): Record<string, unknown> {
  const scheme = schemeParams(query);
  const input = inputSchemes(ctx, query);
  const elements = selectedDataElements(ctx, query, input);
  const periods = listParam(query, 'period');
  const startDate = query.get('startDate');
  const endDate = query.get('endDate');
  const lastUpdated = query.get('lastUpdated');
  const roots = [
    ...named(ctx, 'organisationUnits', input('inputOrgUnitIdScheme'), listParam(query, 'orgUnit')),
    ...listParam(query, 'orgUnitGroup').flatMap((group) => ctx.orgUnits.inGroup(group)),
  ];
  // 2.43 no longer counts lastUpdated as a period filter (DataExportParams.hasPeriodFilters).
  const hasPeriods =
    periods.length > 0 ||
    Boolean(startDate && endDate) ||
    (Boolean(lastUpdated) && !atLeast(ctx.version, 43));
  const failed = (
    [
      ['E2001', elements.size === 0],
      ['E2002', !hasPeriods],
      ['E2006', roots.length === 0],
    ] as const
  ).filter(([, fails]) => fails);
  if (failed.length > 0) {
    // Up to 2.42 `validate` keeps the last failing check; 2.43's validateFilters throws at the first.
    const [code] = atLeast(ctx.version, 43) ? failed[0]! : failed.at(-1)!;
    throw new ExportQueryError(REQUIRED[code], code);
  }
  const dataSets = named(
    ctx,
    'dataSets',
    input('inputDataSetIdScheme'),
    listParam(query, 'dataSet'),
  );
  readableDataSets(ctx, user, dataSets);
  const units = visibleSubtrees(ctx, user, query, roots);
  const includeDeleted = query.get('includeDeleted') === 'true';
  const rows = ctx.db
    .prepare(
      `SELECT * FROM data_values WHERE data_element IN (SELECT value FROM json_each(?)) AND org_unit IN (SELECT value FROM json_each(?))
       ${periods.length > 0 ? 'AND period IN (SELECT value FROM json_each(?))' : ''} ${includeDeleted ? '' : 'AND deleted = 0'}
       ${lastUpdated ? 'AND last_updated >= ?' : ''}`,
    )
    .all(
      ...[
        JSON.stringify([...elements]),
        JSON.stringify([...units]),
        ...(periods.length > 0 ? [JSON.stringify(periods)] : []),
        ...(lastUpdated ? [lastUpdatedFrom(ctx, lastUpdated)] : []),
      ],
    ) as StoredValue[];
  const limit = Number(query.get('limit') ?? Number.POSITIVE_INFINITY);
  const selected = rows
    .filter((row) => (!startDate || !endDate ? true : inRange(row.period, startDate, endDate)))
    .slice(0, limit);
  return exportDocument(
    ctx,
    query,
    scheme,
    {
      dataSets,
      periods,
      orgUnits: roots,
      children: query.get('children') === 'true',
      orgUnitGroups: listParam(query, 'orgUnitGroup').length > 0,
      dataElementGroups: listParam(query, 'dataElementGroup').length > 0,
      includeDeleted,
    },
    selected,
  );
}

/** A parameter given repeatedly, comma-separated, or both. */
const listParam = (query: URLSearchParams, name: string) =>
  query
    .getAll(name)
    .flatMap((value) => value.split(','))
    .filter(Boolean);

/**
 * Each object's id scheme by its own parameter, else `idScheme` (or `outputIdScheme`). The general
 * scheme is read at once, so that an invalid one fails the request whatever else it asks.
 */
function schemeParams(query: URLSearchParams): SchemeParam {
  const general = parseIdScheme(query.get('idScheme') ?? query.get('outputIdScheme'));
  return (name) => parseIdScheme(query.get(name), general);
}

/** The data elements asked for, with those of the data sets and data element groups asked for. */
function selectedDataElements(
  ctx: SandboxContext,
  query: URLSearchParams,
  input: SchemeParam,
): Set<string> {
  const dataSets = named(
    ctx,
    'dataSets',
    input('inputDataSetIdScheme'),
    listParam(query, 'dataSet'),
  );
  const elements = new Set<string>(
    atLeast(ctx.version, 39)
      ? named(
          ctx,
          'dataElements',
          input('inputDataElementIdScheme'),
          listParam(query, 'dataElement'),
        )
      : [],
  );
  for (const id of dataSets) {
    const ds = ctx.metadata.get('dataSets', id);
    for (const dse of (ds?.dataSetElements as { dataElement?: { id?: string } }[] | undefined) ??
      [])
      if (dse.dataElement?.id) elements.add(dse.dataElement.id);
  }
  const groups = named(
    ctx,
    'dataElementGroups',
    input('inputDataElementGroupIdScheme'),
    listParam(query, 'dataElementGroup'),
  );
  for (const group of groups)
    refIds(ctx.metadata.get('dataElementGroups', group)?.dataElements).forEach((id) =>
      elements.add(id),
    );
  return elements;
}

/** The org units asked for, each within the user's view, with their subtrees for `children=true`. */
function visibleSubtrees(
  ctx: SandboxContext,
  user: SandboxUser,
  query: URLSearchParams,
  roots: readonly string[],
): Set<string> {
  if (atLeast(ctx.version, 43)) {
    // 2.43 checks no access for a superuser, and a user's capture org units for the rest, naming
    // every org unit outside them (`DefaultDataExportService` l.450–475, `HibernateDataExportStore`
    // l.356–375).
    const outside = user.superuser
      ? []
      : roots.filter((root) => !ctx.orgUnits.isWithin(root, user.orgUnits));
    if (outside.length > 0)
      throw new ExportQueryError(
        `User is not allowed to view org unit(s): \`[${outside.join(', ')}]\``,
        'E2012',
      );
  } else {
    // Up to 2.42 the data view hierarchy, superusers included (`isInUserDataViewHierarchy`).
    const outside = roots.find((root) => !ctx.orgUnits.isWithin(root, user.dataViewOrgUnits));
    if (outside)
      throw new ExportQueryError(`User is not allowed to view org unit: \`${outside}\``, 'E2012');
  }
  return new Set(
    query.get('children') === 'true' ? roots.flatMap((root) => ctx.orgUnits.subtree(root)) : roots,
  );
}

/**
 * `decideAccess`: each data set asked for must be data-readable (E2010) — up to 2.42 the first that is
 * not, 2.43 every one, and a superuser skips it there.
 */
function readableDataSets(ctx: SandboxContext, user: SandboxUser, dataSets: readonly string[]) {
  if (atLeast(ctx.version, 43) && user.superuser) return;
  const closed = dataSets.filter((id) => {
    const dataSet = ctx.metadata.get('dataSets', id);
    return dataSet !== undefined && !hasSharing(ctx.metadata, user, dataSet, 'dataRead');
  });
  if (closed.length === 0) return;
  throw new ExportQueryError(
    atLeast(ctx.version, 43)
      ? `User is not allowed to read data for data set(s): \`[${closed.join(', ')}]\``
      : `User is not allowed to read data for data set: \`${closed[0]}\``,
    'E2010',
  );
}

/** Periods wholly between the start and end dates, as DHIS2 selects them for a date range. */
function inRange(periodId: string, start: string, end: string): boolean {
  const period = parsePeriod(periodId);
  return (
    period !== undefined &&
    period.startDate >= start.slice(0, 10) &&
    period.endDate <= end.slice(0, 10)
  );
}
