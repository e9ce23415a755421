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

/** How the target names org units: by UID, by code, or by the value of an attribute. */
export type OrgUnitIdentifier = 'id' | 'code' | { readonly attribute: string };

type ListedOrgUnit = {
  id: string;
  code?: string;
  name: string;
  path: string;
  dataSets?: { id: string }[];
  attributeValues?: { value?: string; attribute?: { id?: string } }[];
};

/** An org unit's identifier of that kind, as the target holds it. */
function identifierOf(unit: ListedOrgUnit, property: OrgUnitIdentifier): string | undefined {
  if (property === 'id') return unit.id;
  if (property === 'code') return unit.code;
  return unit.attributeValues?.find((value) => value.attribute?.id === property.attribute)?.value;
}

/**
 * The filter that asks for org units by identifier. An attribute's UID as the filter's property reads
 * the attribute's value (`DefaultQueryPlanner.isFilterByAttributeId`, from 2.37.9, 2.38.2 and 2.39.0;
 * `DefaultQueryParser` 2.43.1 l.108); before those, t2a reads every org unit's attribute values.
 */
function filterFor(property: OrgUnitIdentifier, batch: readonly string[], byAttribute: boolean) {
  if (typeof property === 'string') return `${property}:in:[${batch.join(',')}]`;
  return byAttribute ? `${property.attribute}:in:[${batch.join(',')}]` : undefined;
}

/**
 * The target's org units with these identifiers (UIDs, codes, or values of an attribute), by that
 * identifier. Org units t2a cannot find here are not in the target under that identifier.
 */
export async function fetchTargetOrgUnits(
  client: Dhis2Client,
  property: OrgUnitIdentifier,
  identifiers: readonly string[],
  filtersByAttributeId = true,
): Promise<Map<string, TargetOrgUnit>> {
  const wanted = new Set(identifiers);
  const found = new Map<string, TargetOrgUnit>();
  const fields = `id,code,name,path,dataSets[id]${typeof property === 'string' ? '' : ',attributeValues[value,attribute[id]]'}`;
  const requests = batches([...wanted], 100).map((batch) =>
    filterFor(property, batch, filtersByAttributeId),
  );
  // Without a filter, one read of every org unit serves every batch.
  const filters = requests.includes(undefined) ? [undefined] : requests;
  for (const filter of filters) {
    for (const unit of await getAllPages<ListedOrgUnit>(client, 'organisationUnits', {
      fields,
      ...(filter ? { filter } : {}),
    })) {
      const key = identifierOf(unit, property);
      if (key === undefined || !wanted.has(key)) continue;
      found.set(key, { ...unit, dataSets: (unit.dataSets ?? []).map((ds) => ds.id) });
    }
  }
  return found;
}
