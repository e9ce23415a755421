import type { ImportResult } from '../core/import-summary.ts';
import type { Dhis2Client } from './client.ts';
import { readImportResponse } from './import-response.ts';

export interface Registration {
  readonly dataSet: string;
  readonly period: string;
  readonly organisationUnit: string;
  readonly completed: boolean;
}

/**
 * `GET /api/completeDataSetRegistrations` for a data set, periods and org units. The request names org
 * units by UID only, in every version (`paramsFromUrl` reads them with `IdentifiableProperty.UID`);
 * `orgUnitIdScheme` makes the answer name them in the target's scheme. Long lists are split.
 */
export async function fetchRegistrations(
  client: Dhis2Client,
  dataSet: string,
  periods: readonly string[],
  orgUnitUids: readonly string[],
  orgUnitIdScheme: string,
): Promise<Registration[]> {
  const query = (orgUnit: readonly string[]) => ({
    dataSet,
    period: periods,
    orgUnit,
    orgUnitIdScheme,
  });
  const answers = await client.getInParts<{ completeDataSetRegistrations?: Registration[] }>(
    'completeDataSetRegistrations',
    orgUnitUids,
    query,
    `Asking which registrations are complete for ${periods.length} period(s)`,
  );
  return answers.flatMap((answer) => answer.completeDataSetRegistrations ?? []);
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
      // Also in the body: before 2.36.4 the JSON import read no option from the URL, and wrote a dry
      // run for real; the body's own options win in every version.
      orgUnitIdScheme: options.orgUnitIdScheme,
      dryRun: options.dryRun,
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
