import type { StoredGroup } from '../core/generated-groups.ts';
import type { Json, SourceIndicator } from '../core/generated-plan.ts';
import type { IndicatorBase, TargetElementCombo } from '../core/mapping-spec.ts';
import type { Dhis2Client } from './client.ts';
import { batches, getAllPages } from './metadata.ts';

/*
 * What `t2a mapping generate` reads: on the source, the base indicators, every indicator's names (they
 * are unique in DHIS2), the stored form of those it will change, and the groups; on the target, each
 * data element's category combo with its categories, options and option combos (to find a combo by
 * its options' codes).
 */

interface BaseResponse {
  id: string;
  name: string;
  program?: { id?: string };
  expression?: string;
  filter?: string;
  analyticsType?: string;
  aggregationType?: string;
  decimals?: number;
  analyticsPeriodBoundaries?: {
    analyticsPeriodBoundaryType?: string;
    boundaryTarget?: string;
    offsetPeriods?: number;
    offsetPeriodType?: string | { name?: string };
  }[];
}

const BASE_FIELDS =
  'id,name,program[id],expression,filter,analyticsType,aggregationType,decimals,analyticsPeriodBoundaries[analyticsPeriodBoundaryType,boundaryTarget,offsetPeriods,offsetPeriodType]';

const periodTypeName = (value: string | { name?: string } | undefined) =>
  typeof value === 'string' ? value : value?.name;

/** Existing indicators as bases: what every indicator of a family copies. */
export async function fetchIndicatorBases(
  client: Dhis2Client,
  ids: readonly string[],
): Promise<Map<string, IndicatorBase & { name: string }>> {
  const bases = new Map<string, IndicatorBase & { name: string }>();
  for (const batch of batches([...new Set(ids)], 50))
    for (const pi of await getAllPages<BaseResponse>(client, 'programIndicators', {
      fields: BASE_FIELDS,
      filter: `id:in:[${batch.join(',')}]`,
    }))
      bases.set(pi.id, {
        name: pi.name,
        program: pi.program?.id ?? '',
        expression: pi.expression ?? '',
        filter: pi.filter?.trim() ? pi.filter : undefined,
        analyticsType: pi.analyticsType ?? 'EVENT',
        aggregationType: pi.aggregationType ?? 'AVERAGE',
        decimals: typeof pi.decimals === 'number' ? pi.decimals : undefined,
        boundaries: (pi.analyticsPeriodBoundaries ?? []).map((boundary) => ({
          type: boundary.analyticsPeriodBoundaryType ?? '',
          target: boundary.boundaryTarget ?? '',
          offsetPeriods: boundary.offsetPeriods || undefined,
          offsetPeriodType: boundary.offsetPeriods
            ? periodTypeName(boundary.offsetPeriodType)
            : undefined,
        })),
      });
  return bases;
}

/** Every program indicator's UID, names and code: the names a generated one must not take. */
export function fetchIndicatorInventory(client: Dhis2Client): Promise<SourceIndicator[]> {
  return getAllPages<SourceIndicator>(client, 'programIndicators', {
    fields: 'id,name,shortName,code',
  });
}

/** Objects whole, as stored (`:owner`: what a PUT or an import sends back), by UID. */
export async function fetchWhole(
  client: Dhis2Client,
  type: string,
  ids: readonly string[],
): Promise<Map<string, Json>> {
  const found = new Map<string, Json>();
  for (const batch of batches([...new Set(ids)], 50))
    for (const object of await getAllPages<Json>(client, type, {
      fields: ':owner',
      filter: `id:in:[${batch.join(',')}]`,
    }))
      found.set(String(object.id), object);
  return found;
}

/** The program indicator groups, whole, with the members that exist. */
export async function fetchIndicatorGroups(
  client: Dhis2Client,
  existing: ReadonlySet<string>,
): Promise<StoredGroup[]> {
  const groups = await getAllPages<Json>(client, 'programIndicatorGroups', { fields: ':owner' });
  return groups.map((group) => ({
    id: String(group.id),
    name: String(group.name ?? group.id),
    members: ((group.programIndicators as { id?: string }[] | undefined) ?? []).flatMap((ref) =>
      ref.id && existing.has(ref.id) ? [ref.id] : [],
    ),
    whole: group,
  }));
}

interface OptionResponse {
  id: string;
  code?: string;
  name: string;
}

interface ElementResponse {
  id: string;
  code?: string;
  name: string;
  categoryCombo?: {
    id: string;
    code?: string;
    name: string;
    categories?: (OptionResponse & { categoryOptions?: OptionResponse[] })[];
    categoryOptionCombos?: (OptionResponse & { categoryOptions?: { id: string }[] })[];
  };
}

const ELEMENT_FIELDS =
  'id,code,name,categoryCombo[id,code,name,categories[id,code,name,categoryOptions[id,code,name]],categoryOptionCombos[id,code,name,categoryOptions[id]]]';

const named = (object: OptionResponse) => ({ id: object.id, code: object.code, name: object.name });

/** The target's data elements by code, each with its category combo whole. */
export async function fetchTargetElementCombos(
  client: Dhis2Client,
  codes: readonly string[],
): Promise<Map<string, TargetElementCombo>> {
  const found = new Map<string, TargetElementCombo>();
  for (const batch of batches([...new Set(codes)], 50))
    for (const element of await getAllPages<ElementResponse>(client, 'dataElements', {
      fields: ELEMENT_FIELDS,
      filter: `code:in:[${batch.join(',')}]`,
    })) {
      const combo = element.categoryCombo;
      if (!element.code || !combo) continue;
      found.set(element.code, {
        id: element.id,
        code: element.code,
        name: element.name,
        categoryCombo: {
          ...named(combo),
          categories: (combo.categories ?? []).map((category) => ({
            ...named(category),
            options: (category.categoryOptions ?? []).map(named),
          })),
          optionCombos: (combo.categoryOptionCombos ?? []).map((coc) => ({
            ...named(coc),
            options: (coc.categoryOptions ?? []).map((option) => option.id),
          })),
        },
      });
    }
  return found;
}
