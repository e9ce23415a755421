import type { DataValue } from '../core/data-value.ts';
import { T2aError } from '../core/errors.ts';
import { splitPairs } from '../core/split-request.ts';
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

export interface ExportResult {
  readonly values: DataValue[];
  /** How many requests it took: more than one when the URL would have been too long for the server. */
  readonly requests: number;
}

/**
 * Exports one chunk of program indicator values as data values: in one request, or in several when the
 * indicators and org units would make the URL longer than the connection allows (each pair of indicator
 * and org unit is asked once, so the values add up to the same set).
 */
export async function exportDataValueSet(
  client: Dhis2Client,
  profile: ServerProfile,
  request: ExportRequest,
): Promise<ExportResult> {
  const path = 'analytics/dataValueSet.json';
  const parts = splitPairs(
    { first: request.programIndicators, second: request.orgUnits },
    (programIndicators, orgUnits) =>
      client.fits(path, exportQuery(profile, { ...request, programIndicators, orgUnits })),
  );
  if (!parts) {
    throw new T2aError(
      'config',
      `Even one indicator and one org unit with the chunk's ${request.periods.length} period(s) make a URL longer than the ${client.maxUrlLength} bytes connection "${client.name}" allows.`,
      {
        fix: `Raise maxUrlLength of connection "${client.name}" (if its proxy allows), or give the job fewer periods per chunk.`,
      },
    );
  }
  const values: DataValue[] = [];
  for (const part of parts) {
    const query = exportQuery(profile, {
      ...request,
      programIndicators: part.first,
      orgUnits: part.second,
    });
    values.push(...readDataValueSet(client, await client.get(path, query)));
  }
  return { values, requests: parts.length };
}

function readDataValueSet(client: Dhis2Client, body: unknown): DataValue[] {
  const set = body as { dataValues?: ExportedRow[] } | null;
  if (
    typeof set !== 'object' ||
    set === null ||
    (set.dataValues !== undefined && !Array.isArray(set.dataValues))
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
  return (set.dataValues ?? []).map((row) => ({
    dataElement: String(row.dataElement),
    period: String(row.period),
    orgUnit: String(row.orgUnit),
    categoryOptionCombo: optional(row.categoryOptionCombo),
    attributeOptionCombo: optional(row.attributeOptionCombo),
    value: String(row.value),
  }));
}
