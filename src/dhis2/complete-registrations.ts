import type { ImportResult } from '../core/import-summary.ts';
import type { Dhis2Client } from './client.ts';
import { readImportResponse } from './import-response.ts';

export interface Registration {
  readonly dataSet: string;
  readonly period: string;
  readonly organisationUnit: string;
  readonly completed: boolean;
}

/** `GET /api/completeDataSetRegistrations` for data sets, periods and org units with their children. */
export async function fetchRegistrations(
  client: Dhis2Client,
  dataSet: string,
  periods: readonly string[],
  roots: readonly string[],
): Promise<Registration[]> {
  const body = await client.get<{ completeDataSetRegistrations?: Registration[] }>(
    'completeDataSetRegistrations',
    {
      dataSet,
      period: periods,
      orgUnit: roots,
      children: true,
    },
  );
  return body.completeDataSetRegistrations ?? [];
}

/**
 * `POST /api/completeDataSetRegistrations`: the org unit field is `organisationUnit` (not `orgUnit`),
 * and the answer is an import summary like the data value import's.
 */
export async function registerComplete(
  client: Dhis2Client,
  registrations: readonly { dataSet: string; period: string; organisationUnit: string }[],
  options: { orgUnitIdScheme: string; dryRun: boolean; date: string },
): Promise<ImportResult> {
  const response = await client.post(
    'completeDataSetRegistrations',
    { orgUnitIdScheme: options.orgUnitIdScheme, dryRun: options.dryRun },
    {
      completeDataSetRegistrations: registrations.map((r) => ({
        ...r,
        completed: true,
        date: options.date,
        storedBy: 't2a',
      })),
    },
    { acceptConflict: true },
  );
  return readImportResponse(response.status, response.body);
}
