import type { DataValue } from '../core/data-value.ts';
import { T2aError } from '../core/errors.ts';
import type { ImportResult } from '../core/import-summary.ts';
import type { ChangedValue, HeldValue } from '../core/reconcile.ts';
import type { Dhis2Client, Query } from './client.ts';
import { readImportResponse } from './import-response.ts';
import type { ServerProfile } from './server-profile.ts';

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
): Promise<ImportResult & { answeredAt?: number | undefined }> {
  const response = await client.post(
    'dataValueSets',
    {
      dataElementIdScheme: 'CODE',
      categoryOptionComboIdScheme: 'CODE',
      orgUnitIdScheme: request.orgUnitIdScheme,
      importStrategy: request.importStrategy,
      dryRun: request.dryRun,
    },
    {
      // No URL parameter sets it (ImportOptions has none); the 2.43 engine reads it from the body and
      // would otherwise take attribute option combos as UIDs (classic engines use the combo scheme).
      attributeOptionComboIdScheme: 'CODE',
      ...(request.dataSet ? { dataSet: request.dataSet } : {}),
      dataValues: request.values,
    },
    { acceptConflict: true },
  );
  return { ...readImportResponse(response.status, response.body), answeredAt: response.date };
}

export interface HeldValuesRequest {
  readonly dataSets: readonly string[];
  readonly periods: readonly string[];
  /** Org units in the target's id scheme. */
  readonly orgUnits: readonly string[];
  readonly orgUnitIdScheme: string;
  /** The target's UID of an org unit named in its scheme: servers before 2.37.7 read only UIDs. */
  readonly uidOf?: ((orgUnit: string) => string | undefined) | undefined;
}

/** The `orgUnit` parameters and their scheme as this server reads them. */
function orgUnitParameters(
  client: Dhis2Client,
  profile: ServerProfile,
  request: HeldValuesRequest,
): { orgUnits: string[]; input: Query } {
  if (profile.readsInputIdSchemes || request.orgUnitIdScheme === 'UID')
    return {
      orgUnits: [...request.orgUnits],
      input: profile.readsInputIdSchemes ? { inputOrgUnitIdScheme: request.orgUnitIdScheme } : {},
    };
  const uids = request.orgUnits.map((id) => request.uidOf?.(id));
  if (uids.some((uid) => uid === undefined)) {
    throw new T2aError(
      'config',
      `${client.name} runs DHIS2 ${profile.version.text}, which reads org units only by UID when asked what it holds, and t2a cannot tell the UID of every org unit named by ${request.orgUnitIdScheme}.`,
      { fix: 'Use orgUnitIdScheme UID or CODE for this target, or upgrade it to 2.37.7 or later.' },
    );
  }
  return { orgUnits: uids as string[], input: {} };
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
  profile: ServerProfile,
  request: HeldValuesRequest,
): Promise<HeldValue[]> {
  return (await readValues(client, profile, request, {})).filter((value) => value.deleted !== true);
}

/**
 * What changed in the target's scope since a moment of its own clock (`lastUpdated`, `>=` on the
 * value's last update, deleted values included as such): the target's side of a scope whose values t2a
 * knows from its ledger, at a fraction of the cost of reading the scope whole.
 */
export async function fetchChangedValues(
  client: Dhis2Client,
  profile: ServerProfile,
  request: HeldValuesRequest,
  since: string,
): Promise<ChangedValue[]> {
  return readValues(client, profile, request, {
    lastUpdated: profile.lastUpdatedParameter(since),
    includeDeleted: true,
  });
}

async function readValues(
  client: Dhis2Client,
  profile: ServerProfile,
  request: HeldValuesRequest,
  extra: Query,
): Promise<ChangedValue[]> {
  if (request.dataSets.length === 0 || request.orgUnits.length === 0) return [];
  const { orgUnits: asked, input } = orgUnitParameters(client, profile, request);
  const query = (orgUnits: readonly string[]) => ({
    dataSet: request.dataSets,
    period: request.periods,
    orgUnit: orgUnits,
    dataElementIdScheme: 'CODE',
    categoryOptionComboIdScheme: 'CODE',
    attributeOptionComboIdScheme: 'CODE',
    orgUnitIdScheme: request.orgUnitIdScheme,
    ...input,
    ...extra,
  });
  const answers = await client.getInParts<{ dataValues?: ExportedValue[] }>(
    'dataValueSets.json',
    asked,
    query,
    `Reading what is held for ${request.dataSets.length} data set(s) and ${request.periods.length} period(s)`,
  );
  const values = answers.flatMap((answer) => answer.dataValues ?? []);
  return readHeld(values);
}

function readHeld(values: readonly ExportedValue[]): ChangedValue[] {
  return values
    .filter((value) => value.deleted === true || value.value !== undefined)
    .map((value) => ({
      dataElement: value.dataElement,
      period: value.period,
      orgUnit: value.orgUnit,
      categoryOptionCombo: value.categoryOptionCombo,
      attributeOptionCombo: value.attributeOptionCombo,
      value: String(value.value ?? ''),
      storedBy: value.storedBy,
      lastUpdated: value.lastUpdated,
      comment: value.comment,
      ...(value.deleted === true && { deleted: true }),
    }));
}
