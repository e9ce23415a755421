import type { DataValue } from '../core/data-value.ts';
import { T2aError } from '../core/errors.ts';
import type { Dhis2Client, Query } from './client.ts';
import type { ServerProfile } from './server-profile.ts';

export interface ExportRequest {
  readonly programIndicators: readonly string[];
  readonly periods: readonly string[];
  readonly orgUnits: readonly string[];
  /** The attribute holding each indicator's data element code. */
  readonly mappingAttribute: string;
}

/**
 * The query for `/api/analytics/dataValueSet.json`: the three dimensions, and the id schemes of the
 * server's version (ServerProfile.exportIdSchemes).
 */
export function exportQuery(profile: ServerProfile, request: ExportRequest): Query {
  return {
    dimension: [
      `dx:${request.programIndicators.join(';')}`,
      `pe:${request.periods.join(';')}`,
      `ou:${request.orgUnits.join(';')}`,
    ],
    ...profile.exportIdSchemes(request.mappingAttribute),
  };
}

interface ExportedRow {
  dataElement?: unknown;
  period?: unknown;
  orgUnit?: unknown;
  categoryOptionCombo?: unknown;
  attributeOptionCombo?: unknown;
  value?: unknown;
}

const optional = (value: unknown) =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** Exports one chunk of program indicator values as data values. */
export async function exportDataValueSet(
  client: Dhis2Client,
  profile: ServerProfile,
  request: ExportRequest,
): Promise<DataValue[]> {
  const body = await client.get<{ dataValues?: ExportedRow[] }>(
    'analytics/dataValueSet.json',
    exportQuery(profile, request),
  );
  if (
    typeof body !== 'object' ||
    body === null ||
    (body.dataValues !== undefined && !Array.isArray(body.dataValues))
  ) {
    throw new T2aError(
      'dhis2',
      `${client.name} answered the analytics export with something that is not a data value set.`,
      {
        fix: 'Check the source server log; the chunk was not exported.',
        details: body,
      },
    );
  }
  return (body.dataValues ?? []).map((row) => ({
    dataElement: String(row.dataElement),
    period: String(row.period),
    orgUnit: String(row.orgUnit),
    categoryOptionCombo: optional(row.categoryOptionCombo),
    attributeOptionCombo: optional(row.attributeOptionCombo),
    value: String(row.value),
  }));
}
