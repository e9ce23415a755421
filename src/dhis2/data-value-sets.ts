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

/**
 * How the target's own UIDs read in t2a's terms: codes for data elements and combos (as t2a writes
 * them), the job's scheme for org units. Undefined for an object t2a never writes (a data element it
 * does not map, a combo without a code): a value of it is no cell of t2a's.
 */
export interface HeldNames {
  dataElement(uid: string): string | undefined;
  combo(uid: string): string | undefined;
  /** Absent when t2a cannot tell the UIDs of the job's org units (an attribute scheme). */
  readonly orgUnit?: ((uid: string) => string | undefined) | undefined;
}

export interface HeldValuesRequest {
  readonly dataSets: readonly string[];
  readonly periods: readonly string[];
  /** Org units in the target's id scheme. */
  readonly orgUnits: readonly string[];
  readonly orgUnitIdScheme: string;
  /** The target's UID of an org unit named in its scheme: servers before 2.37.7 read only UIDs. */
  readonly uidOf?: ((orgUnit: string) => string | undefined) | undefined;
  readonly names: HeldNames;
}

/** The `orgUnit` parameters, and the scheme of the org units in the answer, as this server reads them. */
function orgUnitParameters(
  client: Dhis2Client,
  profile: ServerProfile,
  request: HeldValuesRequest,
): { orgUnits: string[]; query: Query; byUid: boolean } {
  const uids = request.orgUnits.map((id) => request.uidOf?.(id));
  const known = uids.every((uid) => uid !== undefined);
  if (known && request.names.orgUnit) return { orgUnits: uids as string[], query: {}, byUid: true };
  if (profile.readsInputIdSchemes || request.orgUnitIdScheme === 'UID')
    return {
      orgUnits: [...request.orgUnits],
      query: {
        orgUnitIdScheme: request.orgUnitIdScheme,
        ...(profile.readsInputIdSchemes ? { inputOrgUnitIdScheme: request.orgUnitIdScheme } : {}),
      },
      byUid: false,
    };
  throw new T2aError(
    'config',
    `${client.name} runs DHIS2 ${profile.version.text}, which reads org units only by UID when asked what it holds, and t2a cannot tell the UID of every org unit named by ${request.orgUnitIdScheme}.`,
    { fix: 'Use orgUnitIdScheme UID or CODE for this target, or upgrade it to 2.37.7 or later.' },
  );
}

interface ExportedValue {
  readonly dataElement?: string | null;
  readonly period?: string | null;
  readonly orgUnit?: string | null;
  readonly categoryOptionCombo?: string | null;
  readonly attributeOptionCombo?: string | null;
  readonly value?: string | null;
  readonly storedBy?: string | null;
  readonly lastUpdated?: string | null;
  readonly comment?: string | null;
  readonly deleted?: boolean | null;
}

/**
 * What the target holds for a scope (`GET /api/dataValueSets` by data set, period and org unit), named
 * as t2a names its values (codes for data elements and combos) so it compares with them key for key.
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

/**
 * Reads what the target holds by UID and names it locally. Reading by code fails where an object has
 * none: 2.36–2.37 leave the id out of the value, 2.38–2.42 write it as null, and 2.43 refuses the whole
 * read with 409 E8200–E8203 (`DefaultDataExportService.encodeGroup`, 2.43.1). UIDs every object has.
 */
async function readValues(
  client: Dhis2Client,
  profile: ServerProfile,
  request: HeldValuesRequest,
  extra: Query,
): Promise<ChangedValue[]> {
  if (request.dataSets.length === 0 || request.orgUnits.length === 0) return [];
  const units = orgUnitParameters(client, profile, request);
  const query = (orgUnits: readonly string[]) => ({
    dataSet: request.dataSets,
    period: request.periods,
    orgUnit: orgUnits,
    ...units.query,
    ...extra,
  });
  const answers = await client.getInParts<ExportedDocument>(
    'dataValueSets.json',
    units.orgUnits,
    query,
    `Reading what is held for ${request.dataSets.length} data set(s) and ${request.periods.length} period(s)`,
  );
  const named = request.names.orgUnit;
  const orgUnit = units.byUid && named ? named : (id: string) => id;
  return answers.flatMap((answer) => readHeld(answer, { ...request.names, orgUnit }));
}

/**
 * A data value set as any version writes it (research on `DataValueSetController` per version):
 * 2.36–2.37 leave null keys out and `dataValues` out when empty; 2.38–2.42 write nulls; 2.43 puts
 * `period`, `orgUnit` and `attributeOptionCombo` at the top when the read has one of each
 * (`DefaultDataExportService.exportGroup`, `DataExportOutput`), and leaves them out of every value.
 */
interface ExportedDocument {
  readonly period?: string | null;
  readonly orgUnit?: string | null;
  readonly attributeOptionCombo?: string | null;
  readonly dataValues?: readonly ExportedValue[] | null;
}

function readHeld(
  document: ExportedDocument | null | undefined,
  names: HeldNames & { readonly orgUnit: (id: string) => string | undefined },
): ChangedValue[] {
  if (!document || typeof document !== 'object') return [];
  return (document.dataValues ?? []).flatMap((value) => {
    if (value.deleted !== true && (value.value === undefined || value.value === null)) return [];
    const dataElement = value.dataElement ? names.dataElement(value.dataElement) : undefined;
    const period = value.period ?? document.period;
    const unit = value.orgUnit ?? document.orgUnit;
    const orgUnit = unit ? names.orgUnit(unit) : undefined;
    const coc = value.categoryOptionCombo ? names.combo(value.categoryOptionCombo) : 'default';
    const aocUid = value.attributeOptionCombo ?? document.attributeOptionCombo;
    const aoc = aocUid ? names.combo(aocUid) : 'default';
    if (!dataElement || !period || !orgUnit || !coc || !aoc) return [];
    return [
      {
        dataElement,
        period,
        orgUnit,
        categoryOptionCombo: coc,
        attributeOptionCombo: aoc,
        value: String(value.value ?? ''),
        storedBy: value.storedBy ?? undefined,
        lastUpdated: value.lastUpdated ?? undefined,
        comment: value.comment ?? undefined,
        ...(value.deleted === true && { deleted: true }),
      },
    ];
  });
}
