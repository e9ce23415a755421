import type { DataValue } from '../core/data-value.ts';
import type { ImportResult } from '../core/import-summary.ts';
import type { HeldValue } from '../core/reconcile.ts';
import type { Dhis2Client } from './client.ts';
import { readImportResponse } from './import-response.ts';

export interface ImportRequest {
  readonly values: readonly DataValue[];
  /** The scheme of the values' org unit identifiers. */
  readonly orgUnitIdScheme: string;
  readonly importStrategy: string;
  readonly dryRun: boolean;
  /** Required by the 2.43 import engine, which validates per data set (api-notes §2.5). */
  readonly dataSet?: string | undefined;
}

/**
 * `POST /api/dataValueSets` with codes for data elements and combos, as DHIS2's implementation guide
 * recommends. The classic engine resolves attribute option combos with `categoryOptionComboIdScheme`;
 * `attributeOptionComboIdScheme` is sent too for the engines that read it.
 */
export async function importDataValues(
  client: Dhis2Client,
  request: ImportRequest,
): Promise<ImportResult> {
  const response = await client.post(
    'dataValueSets',
    {
      dataElementIdScheme: 'CODE',
      categoryOptionComboIdScheme: 'CODE',
      attributeOptionComboIdScheme: 'CODE',
      orgUnitIdScheme: request.orgUnitIdScheme,
      importStrategy: request.importStrategy,
      dryRun: request.dryRun,
    },
    { ...(request.dataSet ? { dataSet: request.dataSet } : {}), dataValues: request.values },
    { acceptConflict: true },
  );
  return readImportResponse(response.status, response.body);
}

export interface HeldValuesRequest {
  readonly dataSets: readonly string[];
  readonly periods: readonly string[];
  /** Org units in the target's id scheme. */
  readonly orgUnits: readonly string[];
  readonly orgUnitIdScheme: string;
}

interface ExportedValue {
  dataElement: string;
  period: string;
  orgUnit: string;
  categoryOptionCombo?: string;
  attributeOptionCombo?: string;
  value?: string;
  storedBy?: string;
  lastUpdated?: string;
  comment?: string;
  deleted?: boolean;
}

/**
 * What the target holds for a scope (`GET /api/dataValueSets` by data set, period and org unit), with
 * codes for data elements and combos so it compares with t2a's values key for key.
 */
export async function fetchHeldValues(
  client: Dhis2Client,
  request: HeldValuesRequest,
): Promise<HeldValue[]> {
  if (request.dataSets.length === 0 || request.orgUnits.length === 0) return [];
  const body = await client.get<{ dataValues?: ExportedValue[] }>('dataValueSets.json', {
    dataSet: request.dataSets,
    period: request.periods,
    orgUnit: request.orgUnits,
    dataElementIdScheme: 'CODE',
    categoryOptionComboIdScheme: 'CODE',
    attributeOptionComboIdScheme: 'CODE',
    orgUnitIdScheme: request.orgUnitIdScheme,
  });
  return (body.dataValues ?? [])
    .filter((value) => value.deleted !== true && value.value !== undefined)
    .map((value) => ({
      dataElement: value.dataElement,
      period: value.period,
      orgUnit: value.orgUnit,
      categoryOptionCombo: value.categoryOptionCombo,
      attributeOptionCombo: value.attributeOptionCombo,
      value: String(value.value),
      storedBy: value.storedBy,
      lastUpdated: value.lastUpdated,
      comment: value.comment,
    }));
}
