import type { DataValue } from '../core/data-value.ts';
import { type ImportResult, readImportResponse } from '../core/import-summary.ts';
import type { Dhis2Client } from './client.ts';

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
