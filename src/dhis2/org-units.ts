import type { Dhis2Client, Query } from './client.ts';
import { batches, getAllPages } from './metadata.ts';

export interface OrgUnit {
  readonly id: string;
  readonly code?: string;
  readonly name: string;
  readonly path: string;
  readonly level: number;
  readonly attributeValues?: readonly {
    readonly attribute: { readonly id: string };
    readonly value: string;
  }[];
}

export interface OrgUnitSelection {
  readonly roots?: readonly string[] | undefined;
  readonly level?: number | undefined;
  readonly levels?: readonly number[] | undefined;
  readonly groups?: readonly string[] | undefined;
  readonly ids?: readonly string[] | undefined;
}

const ORG_UNIT_FIELDS = 'id,code,name,path,level,attributeValues[value,attribute[id]]';

/** Which of these roots, org units or groups the server does not have. */
async function missingOf(
  client: Dhis2Client,
  collection: 'organisationUnits' | 'organisationUnitGroups',
  ids: readonly string[],
): Promise<string[]> {
  const found = new Set<string>();
  for (const batch of batches([...new Set(ids)], 100)) {
    for (const object of await getAllPages<{ id: string }>(client, collection, {
      fields: 'id',
      filter: `id:in:[${batch.join(',')}]`,
    }))
      found.add(object.id);
  }
  return ids.filter((id) => !found.has(id));
}

export interface OrgUnitResolution {
  readonly units: OrgUnit[];
  /** Roots, org units and groups the job names that the server does not have. */
  readonly missing: readonly string[];
}

async function unitsOf(client: Dhis2Client, selection: OrgUnitSelection): Promise<OrgUnit[]> {
  const queries: Query[] = [];
  const levels = selection.levels ?? (selection.level ? [selection.level] : []);
  const byLevel = levels.length ? [`level:in:[${levels.join(',')}]`] : [];
  if (selection.roots?.length) {
    for (const root of selection.roots) queries.push({ filter: [`path:like:${root}`, ...byLevel] });
  } else if (levels.length) {
    queries.push({ filter: byLevel[0] });
  }
  for (const group of selection.groups ?? [])
    queries.push({ filter: `organisationUnitGroups.id:eq:${group}` });
  for (const ids of batches(selection.ids ?? [], 50))
    queries.push({ filter: `id:in:[${ids.join(',')}]` });
  const byId = new Map<string, OrgUnit>();
  for (const query of queries) {
    for (const unit of await getAllPages<OrgUnit>(client, 'organisationUnits', {
      fields: ORG_UNIT_FIELDS,
      ...query,
    }))
      byId.set(unit.id, unit);
  }
  return [...byId.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Resolves the job's org units on the source to a list, so the work can be cut into chunks, and names
 * what the job asks for that the source does not have (a mistyped root is not silently dropped).
 */
export async function fetchOrgUnits(
  client: Dhis2Client,
  selection: OrgUnitSelection,
): Promise<OrgUnitResolution> {
  const units = await unitsOf(client, selection);
  const missing = [
    ...(await missingOf(client, 'organisationUnits', [
      ...(selection.roots ?? []),
      ...(selection.ids ?? []),
    ])),
    ...(await missingOf(client, 'organisationUnitGroups', selection.groups ?? [])),
  ];
  return { units, missing };
}

/** An org unit of the target as the import checks need it. */
export interface TargetOrgUnit {
  readonly id: string;
  readonly code?: string | undefined;
  readonly name: string;
  readonly path: string;
  readonly dataSets: readonly string[];
}

/**
 * The target's org units with these identifiers (`id` for UIDs, `code` for codes), by that identifier.
 * Org units t2a cannot find here are not in the target under that identifier.
 */
export async function fetchTargetOrgUnits(
  client: Dhis2Client,
  property: 'id' | 'code',
  identifiers: readonly string[],
): Promise<Map<string, TargetOrgUnit>> {
  const found = new Map<string, TargetOrgUnit>();
  for (const batch of batches([...new Set(identifiers)], 100)) {
    for (const unit of await getAllPages<{
      id: string;
      code?: string;
      name: string;
      path: string;
      dataSets?: { id: string }[];
    }>(client, 'organisationUnits', {
      fields: 'id,code,name,path,dataSets[id]',
      filter: `${property}:in:[${batch.join(',')}]`,
    })) {
      const key = property === 'id' ? unit.id : (unit.code ?? '');
      found.set(key, { ...unit, dataSets: (unit.dataSets ?? []).map((ds) => ds.id) });
    }
  }
  return found;
}
