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
  const all = (name: string) =>
    query
      .getAll(name)
      .flatMap((value) => value.split(','))
      .filter(Boolean);
  const general = parseIdScheme(query.get('idScheme') ?? query.get('outputIdScheme'));
  const scheme = (name: string): IdScheme => parseIdScheme(query.get(name), general);
  const dataSets = all('dataSet')
    .map(
      (id) =>
        ctx.metadata.find('dataSets', parseIdScheme(query.get('dataSetIdScheme'), general), id) ??
        ctx.metadata.get('dataSets', id),
    )
    .filter((ds) => ds !== undefined);
  const elements = new Set<string>(
    all('dataElement').map(
      (id) => ctx.metadata.find('dataElements', scheme('dataElementIdScheme'), id)?.id ?? id,
    ),
  );
  for (const ds of dataSets)
    for (const dse of (ds.dataSetElements as { dataElement?: { id?: string } }[] | undefined) ?? [])
      if (dse.dataElement?.id) elements.add(dse.dataElement.id);
  for (const group of all('dataElementGroup'))
    refIds(ctx.metadata.get('dataElementGroups', group)?.dataElements).forEach((id) =>
      elements.add(id),
    );
  if (elements.size === 0)
    throw new ExportQueryError('At least one data set or data element group must be specified');
  const periods = all('period');
  const startDate = query.get('startDate');
  const endDate = query.get('endDate');
  const lastUpdated = query.get('lastUpdated');
  if (periods.length === 0 && !(startDate && endDate) && !lastUpdated) {
    throw new ExportQueryError(
      'At least one valid period, start/end dates, last updated or last updated duration must be specified',
    );
  }
  const roots = all('orgUnit').map(
    (id) => ctx.metadata.find('organisationUnits', scheme('orgUnitIdScheme'), id)?.id ?? id,
  );
  for (const group of all('orgUnitGroup')) roots.push(...ctx.orgUnits.inGroup(group));
  if (roots.length === 0)
    throw new ExportQueryError(
      'At least one valid organisation unit or organisation unit group must be specified',
    );
  for (const root of roots) {
    if (!ctx.orgUnits.isWithin(root, user.dataViewOrgUnits))
      throw new ExportQueryError(`User is not allowed to view org unit: \`${root}\``);
  }
  const units = new Set(
    query.get('children') === 'true' ? roots.flatMap((root) => ctx.orgUnits.subtree(root)) : roots,
  );
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
  const map = (type: string, id: string, s: IdScheme) => {
    const object = ctx.metadata.get(type, id);
    return object ? (identifierOf(object, s) ?? id) : id;
  };
  const dataValues = rows
    .filter((row) => (!startDate || !endDate ? true : inRange(row.period, startDate, endDate)))
    .slice(0, limit)
    .map((row) => ({
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
    }));
  return { dataValues };
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
