import type { Finding } from './finding.ts';
import type { GeneratedIndicator } from './mapping-generate.ts';
import type { PeriodBoundary } from './mapping-spec.ts';

/*
 * What `t2a mapping generate` would change on the source: the indicators to create, those whose fields
 * differ (field by field), those already right, the orphans (made by the file earlier, no longer named),
 * and the groups whose members change. Only what differs is sent, so a second run sends nothing.
 */

export type Json = Record<string, unknown>;

export interface FieldChange {
  readonly field: string;
  readonly from: string;
  readonly to: string;
}

/** An object t2a wants on the source: its type, and its fields as the metadata import takes them. */
export interface DesiredObject {
  readonly id: string;
  readonly name: string;
  /** The fields t2a owns; a field set to undefined is removed. Everything else of a stored object stays. */
  readonly fields: Json;
}

export interface ObjectChange {
  readonly desired: DesiredObject;
  readonly changes: readonly FieldChange[];
}

export interface SourceIndicator {
  readonly id: string;
  readonly name: string;
  readonly shortName?: string | undefined;
  readonly code?: string | undefined;
}

export interface ObjectPlan {
  readonly create: readonly DesiredObject[];
  readonly update: readonly ObjectChange[];
  readonly unchanged: readonly DesiredObject[];
}

const ref = (value: unknown) => (value as { id?: string } | undefined)?.id ?? '';

const boundaryText = (boundary: Json) =>
  [
    boundary.analyticsPeriodBoundaryType,
    boundary.boundaryTarget,
    boundary.offsetPeriods ? `${boundary.offsetPeriods} ${boundary.offsetPeriodType ?? ''}` : '',
  ]
    .join(' ')
    .trim();

/** A programme's category mappings in one order: by id, each with its options by option id. */
const mappingsText = (mappings: readonly Json[]) =>
  JSON.stringify(
    [...mappings]
      .map((mapping) => ({
        id: mapping.id,
        categoryId: mapping.categoryId,
        mappingName: mapping.mappingName,
        optionMappings: [...((mapping.optionMappings as Json[] | undefined) ?? [])]
          .map((option) => ({ optionId: option.optionId, filter: option.filter }))
          .sort((a, b) => String(a.optionId).localeCompare(String(b.optionId))),
      }))
      .sort((a, b) => String(a.id).localeCompare(String(b.id))),
  );

/** A field as the comparison reads it: references by UID, lists in order of their text. */
function fieldText(field: string, value: unknown, mappingAttribute: string): string {
  if (value === undefined || value === null) return '';
  if (field === 'attributeValues')
    return (
      (
        (value as { attribute?: { id?: string }; value?: unknown }[]).find(
          (entry) => entry.attribute?.id === mappingAttribute,
        )?.value as string | undefined
      )?.trim() ?? ''
    );
  if (field === 'analyticsPeriodBoundaries')
    return (value as Json[]).map(boundaryText).sort().join('; ');
  if (field === 'categoryMappings') return mappingsText(value as Json[]);
  if (Array.isArray(value))
    return value
      .map((item) => (typeof item === 'object' ? ref(item) || JSON.stringify(item) : String(item)))
      .sort()
      .join(', ');
  if (typeof value === 'object') return ref(value) || JSON.stringify(value);
  return String(value);
}

/** The fields of `desired` that the stored object holds otherwise. */
export function fieldChanges(
  desired: DesiredObject,
  stored: Json,
  mappingAttribute: string,
  label: (field: string) => string = (field) => field,
): FieldChange[] {
  return Object.entries(desired.fields).flatMap(([field, value]) => {
    const from = fieldText(field, stored[field], mappingAttribute);
    const to = fieldText(field, value, mappingAttribute);
    return from === to ? [] : [{ field: label(field), from, to }];
  });
}

/** New, changed and unchanged objects, against what the source stores (by UID). */
export function planObjects(
  desired: readonly DesiredObject[],
  stored: ReadonlyMap<string, Json>,
  mappingAttribute: string,
): ObjectPlan {
  const create: DesiredObject[] = [];
  const update: ObjectChange[] = [];
  const unchanged: DesiredObject[] = [];
  const label = (field: string) => (field === 'attributeValues' ? 'mapping attribute' : field);
  for (const object of desired) {
    const existing = stored.get(object.id);
    if (!existing) create.push(object);
    else {
      const changes = fieldChanges(object, existing, mappingAttribute, label);
      if (changes.length === 0) unchanged.push(object);
      else update.push({ desired: object, changes });
    }
  }
  return { create, update, unchanged };
}

/**
 * What the metadata import is sent for an object: the stored object whole (an import replaces it, so
 * sharing, translations, legends and other attributes must travel with it), t2a's fields over it. The
 * mapping attribute is set among the other attribute values.
 */
export function importForm(
  desired: DesiredObject,
  stored: Json | undefined,
  mappingAttribute: string,
): Json {
  const object: Json = { ...(stored ?? {}), id: desired.id };
  for (const [field, value] of Object.entries(desired.fields)) {
    if (value === undefined) delete object[field];
    else if (field === 'attributeValues') {
      const others = ((stored?.attributeValues as { attribute?: { id?: string } }[]) ?? []).filter(
        (entry) => entry.attribute?.id !== mappingAttribute,
      );
      object[field] = [...others, ...(value as unknown[])];
    } else object[field] = value;
  }
  return object;
}

const boundaryJson = (boundary: PeriodBoundary & { id: string }): Json => ({
  id: boundary.id,
  analyticsPeriodBoundaryType: boundary.type,
  boundaryTarget: boundary.target,
  ...(boundary.offsetPeriods !== undefined && { offsetPeriods: boundary.offsetPeriods }),
  ...(boundary.offsetPeriodType !== undefined && { offsetPeriodType: boundary.offsetPeriodType }),
});

/** A generated indicator as the program indicator t2a wants (the per-combo form). */
export function desiredIndicator(
  indicator: GeneratedIndicator,
  mappingAttribute: string,
): DesiredObject {
  return {
    id: indicator.id,
    name: indicator.name,
    fields: {
      name: indicator.name,
      shortName: indicator.shortName,
      code: indicator.code,
      description: indicator.description,
      program: { id: indicator.program },
      analyticsType: indicator.analyticsType,
      aggregationType: indicator.aggregationType,
      expression: indicator.expression,
      filter: indicator.filter || undefined,
      decimals: indicator.decimals,
      analyticsPeriodBoundaries: indicator.boundaries.map(boundaryJson),
      aggregateExportCategoryOptionCombo: indicator.categoryOptionCombo,
      attributeValues: [{ attribute: { id: mappingAttribute }, value: indicator.dataElement }],
    },
  };
}

/**
 * Indicators of the source, not the file's own, that hold a name, short name or code a generated one
 * would take: DHIS2 keeps each unique, so the import would fail on them.
 */
export function takenNames(
  desired: readonly DesiredObject[],
  inventory: readonly SourceIndicator[],
): Finding[] {
  const ids = new Set(desired.map((object) => object.id));
  const others = inventory.filter((indicator) => !ids.has(indicator.id));
  return desired.flatMap((object) =>
    (['name', 'shortName', 'code'] as const).flatMap((field) => {
      const value = object.fields[field];
      const holder = others.find((indicator) => value !== undefined && indicator[field] === value);
      if (!holder) return [];
      return [
        {
          kind: 'generate-name-taken',
          severity: 'error' as const,
          message: `The ${field} "${String(value)}" of a generated indicator is already taken by "${holder.name}" (${holder.id}) on the source.`,
          fix: 'Rename the family in the mapping file (name, shortName), or rename or remove that indicator.',
        },
      ];
    }),
  );
}
