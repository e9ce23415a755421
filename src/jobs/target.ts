import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { TargetConfig } from '../config/schema.ts';
import type { DataValue } from '../core/data-value.ts';
import { T2aError } from '../core/errors.ts';
import type { TargetDataElement } from '../core/export-check.ts';
import type { TargetMetadata } from '../core/mapping-metadata.ts';
import {
  type OrgUnitTranslation,
  orgUnitTranslation,
  parseOrgUnitMap,
  type SourceOrgUnit,
} from '../core/org-unit-map.ts';
import { DEFAULT_COMBOS } from '../core/reconcile.ts';
import type { TargetIdentity } from '../core/report.ts';
import type { Dhis2Client } from '../dhis2/client.ts';
import type { HeldNames } from '../dhis2/data-value-sets.ts';
import { type CurrentUser, fetchCurrentUser, hasAuthority, inHierarchy } from '../dhis2/me.ts';
import { fetchTargetMapping } from '../dhis2/metadata.ts';
import { fetchTargetOrgUnits, type OrgUnitIdentifier } from '../dhis2/org-units.ts';
import { getSystemInfo, type SystemInfo, serverToday } from '../dhis2/system.ts';

/** One target of a job, prepared: its server, data elements and org unit translation. Never changes. */
export interface PreparedTarget {
  readonly client: Dhis2Client;
  /** Its version and what t2a does differently for it (`info.profile`). */
  readonly info: SystemInfo;
  /** How reports name it. */
  readonly identity: TargetIdentity;
  /** Who the target is in the ledger: its base URL, stable across renamed connections. */
  readonly ledgerKey: string;
  /** The data sets the job's values go to (of the job's period type), for reading what the target holds. */
  readonly dataSets: readonly string[];
  readonly dataElements: ReadonlyMap<string, TargetDataElement>;
  /** The target's side of the mapping, for validation before the run. */
  readonly metadata: TargetMetadata;
  readonly translate: OrgUnitTranslation;
  /** The id scheme of translated org units, as the import's `orgUnitIdScheme`. */
  readonly orgUnitIdScheme: string;
  readonly importStrategy: string;
  readonly dryRun: boolean;
  /**
   * `t2a plan`: the target is read (its metadata, what it holds) but sent no import, not even a dry run;
   * what would be sent is counted from the reconcile plan. Implies `dryRun`.
   */
  readonly offline: boolean;
  /** The target's own date and calendar, and whether its user may write expired periods. */
  readonly today: string;
  readonly calendar: string;
  readonly canEditExpired: boolean;
  /**
   * What the target knows of each of the job's org units (by source UID), where t2a can look them up
   * (UIDs, codes, a mapping file; not an attribute scheme): whether it exists, its data sets, and whether
   * the import user may write it.
   */
  readonly orgUnitAccess: ReadonlyMap<string, OrgUnitAccess> | undefined;
  /** The target's UID of an org unit named in the target's scheme (for servers that read only UIDs). */
  readonly uidOf: (orgUnit: string) => string | undefined;
  /** How what the target holds, read by UID, is named in t2a's terms. */
  readonly names: HeldNames;
  /** The data sets an org unit (named in the target's scheme) is assigned to, where t2a looked it up. */
  assignedDataSets(orgUnit: string): ReadonlySet<string> | undefined;
  /**
   * The names of the target's default category option combo (its code and UID, whatever they are, and
   * DHIS2's usual ones): a value read back under one of them is a value of the default combo.
   */
  readonly defaultCombos: ReadonlySet<string>;
}

export interface OrgUnitAccess {
  readonly found: boolean;
  /** The org unit's UID in the target, when found. */
  readonly uid: string | undefined;
  readonly name: string;
  readonly path: string;
  readonly dataSets: ReadonlySet<string>;
  readonly writable: boolean;
}

/** The job's org units looked up in the target under its identifier scheme. */
/** What identifies an org unit under an id scheme (`UID`, `CODE`, `ATTRIBUTE:<uid>`); NAME: nothing sure. */
function identifierOfScheme(scheme: string): OrgUnitIdentifier | undefined {
  if (scheme === 'UID') return 'id';
  if (scheme === 'CODE') return 'code';
  const attribute = /^ATTRIBUTE:(\w{11})$/.exec(scheme)?.[1];
  return attribute ? { attribute } : undefined;
}

export async function orgUnitAccess(
  client: Dhis2Client,
  user: CurrentUser,
  units: readonly SourceOrgUnit[],
  translate: OrgUnitTranslation,
  scheme: string,
  filtersByAttributeId = true,
): Promise<Map<string, OrgUnitAccess> | undefined> {
  const property = identifierOfScheme(scheme);
  if (!property) return undefined;
  const found = await fetchTargetOrgUnits(
    client,
    property,
    units.flatMap((unit) => translate(unit.id) ?? []),
    filtersByAttributeId,
  );
  return new Map(
    units.map((unit) => {
      const target = found.get(translate(unit.id) ?? '\u0000');
      return [
        unit.id,
        {
          found: target !== undefined,
          uid: target?.id,
          name: unit.name,
          path: unit.path,
          dataSets: new Set(target?.dataSets ?? []),
          writable: target !== undefined && inHierarchy(user, target.path),
        },
      ];
    }),
  );
}

export interface TargetSetup {
  readonly client: Dhis2Client;
  readonly config: TargetConfig;
  readonly configFile: string;
  readonly codes: readonly string[];
  /** Category and attribute option combo codes the indicators name. */
  readonly comboCodes?: readonly string[];
  readonly orgUnits: readonly SourceOrgUnit[];
  readonly importStrategy: string;
  readonly dryRun: boolean;
  readonly offline?: boolean;
  readonly periodType: string;
}

/** Source org units as the target names them; those it cannot translate left out. */
export function translatedOrgUnits(target: PreparedTarget, ids: readonly string[]): string[] {
  return ids.flatMap((id) => target.translate(id) ?? []);
}

/** The `orgUnitIdScheme` a target's imports use: UID after an org unit map, else the configured one. */
export function importOrgUnitScheme(config: TargetConfig): string {
  return config.orgUnitMapFile ? 'UID' : config.orgUnitIdScheme;
}

export async function prepareTarget(setup: TargetSetup): Promise<PreparedTarget> {
  const { client, config } = setup;
  const info = await getSystemInfo(client);
  const { dataElements, metadata } = await fetchTargetMapping(
    client,
    setup.codes,
    setup.comboCodes,
  );
  const user = await fetchCurrentUser(client);
  const mapping = config.orgUnitMapFile
    ? readOrgUnitMap(resolve(dirname(setup.configFile), config.orgUnitMapFile))
    : undefined;
  const ofType = metadata.dataSets.filter((ds) => ds.periodType === setup.periodType);
  const translate = orgUnitTranslation(config.orgUnitIdScheme, setup.orgUnits, mapping);
  const scheme = importOrgUnitScheme(config);
  const access = await orgUnitAccess(
    client,
    user,
    setup.orgUnits,
    translate,
    scheme,
    info.profile.filtersByAttributeId,
  );
  const uids = new Map<string, string>();
  for (const unit of setup.orgUnits) {
    const named = translate(unit.id);
    const uid = access?.get(unit.id)?.uid;
    if (named && uid) uids.set(named, uid);
  }
  return {
    client,
    info,
    identity: {
      target: config.connection === 'same' ? `${client.name} (same)` : client.name,
      dhis2Version: info.version.text,
      dryRun: setup.dryRun,
    },
    ledgerKey: client.connection.url,
    dataSets: (ofType.length > 0 ? ofType : metadata.dataSets).map((ds) => ds.id),
    dataElements,
    metadata,
    translate,
    orgUnitIdScheme: scheme,
    importStrategy: setup.importStrategy,
    dryRun: setup.dryRun || setup.offline === true,
    offline: setup.offline === true,
    today: serverToday(info),
    calendar: info.calendar,
    canEditExpired: hasAuthority(user, 'F_EDIT_EXPIRED'),
    defaultCombos: defaultCombosOf(metadata),
    orgUnitAccess: access,
    uidOf: (orgUnit) => (scheme === 'UID' ? orgUnit : uids.get(orgUnit)),
    names: heldNames(dataElements, metadata, scheme, uids),
    assignedDataSets: assignedByName(setup.orgUnits, translate, access),
  };
}

/** The data sets each org unit is assigned to in the target, by the name the target gives it. */
function assignedByName(
  units: readonly SourceOrgUnit[],
  translate: OrgUnitTranslation,
  access: ReadonlyMap<string, OrgUnitAccess> | undefined,
): (orgUnit: string) => ReadonlySet<string> | undefined {
  const byName = new Map<string, ReadonlySet<string>>();
  for (const unit of units) {
    const named = translate(unit.id);
    const found = access?.get(unit.id);
    if (named && found?.found) byName.set(named, found.dataSets);
  }
  return (orgUnit) => byName.get(orgUnit);
}

/**
 * How t2a names what the target holds, read by UID: its data elements and combos by code, its org
 * units in the target's scheme (from the UIDs it looked up; unknown for an attribute scheme).
 */
function heldNames(
  dataElements: ReadonlyMap<string, TargetDataElement>,
  metadata: TargetMetadata,
  scheme: string,
  uids: ReadonlyMap<string, string>,
): HeldNames {
  const elements = new Map([...dataElements.values()].map((element) => [element.id, element.code]));
  const combos = new Map(
    metadata.categoryOptionCombos.flatMap((coc) => (coc.code ? [[coc.id, coc.code] as const] : [])),
  );
  const units = new Map([...uids].map(([named, uid]) => [uid, named]));
  return {
    dataElement: (uid) => elements.get(uid),
    // DHIS2's default combo is the same UID everywhere; it counts as default whatever its code.
    combo: (uid) => combos.get(uid) ?? (DEFAULT_COMBOS.has(uid) ? 'default' : undefined),
    orgUnit:
      scheme === 'UID'
        ? (uid) => uid
        : uids.size > 0 || scheme === 'CODE'
          ? (uid) => units.get(uid)
          : undefined,
  };
}

function readOrgUnitMap(path: string): Map<string, string> {
  try {
    return parseOrgUnitMap(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new T2aError(
      'config',
      `Cannot read the org unit mapping file ${path}: ${(error as Error).message}.`,
      {
        fix: 'Check orgUnitMapFile: a CSV with a header "source,target" and one org unit per line.',
      },
    );
  }
}

/**
 * The import requests for values: one, or one per data set of the values' data elements when the
 * server's engine validates per data set (ServerProfile.importsPerDataSet).
 */
/** The data set a value goes into where imports name one (2.43): of the job's period type, else the first. */
export function importDataSetOf(
  target: PreparedTarget,
  value: DataValue,
  periodType: string,
): string | undefined {
  const sets = target.dataElements.get(value.dataElement)?.dataSets ?? [];
  return (sets.find((set) => set.periodType === periodType) ?? sets[0])?.id;
}

export function groupForImport(
  target: PreparedTarget,
  values: readonly DataValue[],
  periodType: string,
): { dataSet: string | undefined; values: DataValue[] }[] {
  if (!target.info.profile.importsPerDataSet) return [{ dataSet: undefined, values: [...values] }];
  const groups = new Map<string, DataValue[]>();
  for (const value of values) {
    const dataSet = importDataSetOf(target, value, periodType) ?? '';
    groups.set(dataSet, [...(groups.get(dataSet) ?? []), value]);
  }
  return [...groups.entries()].map(([dataSet, grouped]) => ({
    dataSet: dataSet || undefined,
    values: grouped,
  }));
}

/**
 * DHIS2 names its default category option combo "default" (`CategoryOptionCombo
 * .DEFAULT_NAME`); its code is whatever the instance gave it ("default" usually, "DEFAULT" in some WHO
 * packages), so the target's own is read from its metadata.
 */
function defaultCombosOf(metadata: TargetMetadata): ReadonlySet<string> {
  const names = new Set<string>(DEFAULT_COMBOS);
  for (const coc of metadata.categoryOptionCombos)
    if (coc.name === 'default') {
      names.add(coc.id);
      if (coc.code) names.add(coc.code);
    }
  return names;
}
