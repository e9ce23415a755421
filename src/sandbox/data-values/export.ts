import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { type IdScheme, identifierOf, parseIdScheme } from '../metadata/id-scheme.ts';
import { refIds } from '../metadata/store.ts';
import { parsePeriod } from '../periods/period.ts';
import type { StoredValue } from './value-store.ts';

export class ExportQueryError extends Error {
  readonly type = 'export-query';
}

/** `GET /api/dataValueSets` (`DataValueSetController.getDataValueSet`, `DataExportParams` validation). */
export function exportDataValues(
  ctx: SandboxContext,
  user: SandboxUser,
  query: URLSearchParams,
): { dataValues: Record<string, unknown>[] } {
  const scheme = schemeParams(query);
  const elements = selectedDataElements(ctx, query, scheme);
  if (elements.size === 0)
    throw new ExportQueryError('At least one data set or data element group must be specified');
  const periods = listParam(query, 'period');
  const startDate = query.get('startDate');
  const endDate = query.get('endDate');
  const lastUpdated = query.get('lastUpdated');
  if (periods.length === 0 && !(startDate && endDate) && !lastUpdated) {
    throw new ExportQueryError(
      'At least one valid period, start/end dates, last updated or last updated duration must be specified',
    );
  }
  const units = selectedOrgUnits(ctx, user, query, scheme);
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
        ...(lastUpdated ? [lastUpdated] : []),
      ],
    ) as StoredValue[];
  const limit = Number(query.get('limit') ?? Number.POSITIVE_INFINITY);
  const dataValues = rows
    .filter((row) => (!startDate || !endDate ? true : inRange(row.period, startDate, endDate)))
    .slice(0, limit)
    .map((row) => exportedValue(ctx, query, scheme, row, includeDeleted));
  return { dataValues };
}

/** A parameter given repeatedly, comma-separated, or both. */
const listParam = (query: URLSearchParams, name: string) =>
  query
    .getAll(name)
    .flatMap((value) => value.split(','))
    .filter(Boolean);

type SchemeParam = (name: string) => IdScheme;

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
  scheme: SchemeParam,
): Set<string> {
  const dataSets = listParam(query, 'dataSet')
    .map(
      (id) =>
        ctx.metadata.find('dataSets', scheme('dataSetIdScheme'), id) ??
        ctx.metadata.get('dataSets', id),
    )
    .filter((ds) => ds !== undefined);
  const elements = new Set<string>(
    listParam(query, 'dataElement').map(
      (id) => ctx.metadata.find('dataElements', scheme('dataElementIdScheme'), id)?.id ?? id,
    ),
  );
  for (const ds of dataSets)
    for (const dse of (ds.dataSetElements as { dataElement?: { id?: string } }[] | undefined) ?? [])
      if (dse.dataElement?.id) elements.add(dse.dataElement.id);
  for (const group of listParam(query, 'dataElementGroup'))
    refIds(ctx.metadata.get('dataElementGroups', group)?.dataElements).forEach((id) =>
      elements.add(id),
    );
  return elements;
}

/**
 * The org units and org unit group members asked for, each within the user's view, with their
 * subtrees for `children=true`.
 */
function selectedOrgUnits(
  ctx: SandboxContext,
  user: SandboxUser,
  query: URLSearchParams,
  scheme: SchemeParam,
): Set<string> {
  const roots = listParam(query, 'orgUnit').map(
    (id) => ctx.metadata.find('organisationUnits', scheme('orgUnitIdScheme'), id)?.id ?? id,
  );
  for (const group of listParam(query, 'orgUnitGroup')) roots.push(...ctx.orgUnits.inGroup(group));
  if (roots.length === 0)
    throw new ExportQueryError(
      'At least one valid organisation unit or organisation unit group must be specified',
    );
  for (const root of roots) {
    if (!ctx.orgUnits.isWithin(root, user.dataViewOrgUnits))
      throw new ExportQueryError(`User is not allowed to view org unit: \`${root}\``);
  }
  return new Set(
    query.get('children') === 'true' ? roots.flatMap((root) => ctx.orgUnits.subtree(root)) : roots,
  );
}

/** One stored value as exported, its identifiers in the requested schemes. */
function exportedValue(
  ctx: SandboxContext,
  query: URLSearchParams,
  scheme: SchemeParam,
  row: StoredValue,
  includeDeleted: boolean,
): Record<string, unknown> {
  const map = (type: string, id: string, s: IdScheme) => {
    const object = ctx.metadata.get(type, id);
    return object ? (identifierOf(object, s) ?? id) : id;
  };
  return {
    dataElement: map('dataElements', row.data_element, scheme('dataElementIdScheme')),
    period: row.period,
    orgUnit: map('organisationUnits', row.org_unit, scheme('orgUnitIdScheme')),
    categoryOptionCombo: map(
      'categoryOptionCombos',
      row.category_option_combo,
      scheme('categoryOptionComboIdScheme'),
    ),
    attributeOptionCombo: map(
      'categoryOptionCombos',
      row.attribute_option_combo,
      parseIdScheme(
        query.get('attributeOptionComboIdScheme'),
        scheme('categoryOptionComboIdScheme'),
      ),
    ),
    value: row.value,
    storedBy: row.stored_by,
    created: row.created,
    lastUpdated: row.last_updated,
    ...(row.comment ? { comment: row.comment } : {}),
    followup: row.followup === 1,
    ...(includeDeleted ? { deleted: row.deleted === 1 } : {}),
  };
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
