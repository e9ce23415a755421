import { REFERENCE_TYPES, type Relations } from './relations.ts';
import type { MetadataObject, MetadataStore } from './store.ts';

/**
 * DHIS2's field filtering (`fields=id,name,categoryCombo[id,categoryOptionCombos[id,code]]`, `:all`, `*`,
 * `:owner`, `:identifiable`, `:nameable`, `!exclude`), as the field-filtering service reads it.
 * Unknown fields are left out without error.
 */
export interface FieldSpec {
  readonly name: string;
  readonly children: FieldSpec[] | undefined;
}

export function parseFields(text: string): FieldSpec[] {
  let index = 0;
  const list = (): FieldSpec[] => {
    const fields: FieldSpec[] = [];
    let name = '';
    const flush = (children?: FieldSpec[]) => {
      if (name.trim() !== '' || children) fields.push({ name: name.trim(), children });
      name = '';
    };
    while (index < text.length) {
      const char = text[index++]!;
      if (char === ',') flush();
      else if (char === '[' || char === '(') flush(list());
      else if (char === ']' || char === ')') {
        flush();
        return fields;
      } else name += char;
    }
    flush();
    return fields;
  };
  return list();
}

const IDENTIFIABLE = ['id', 'name', 'code', 'created', 'lastUpdated', 'href'];
const NAMEABLE = [...IDENTIFIABLE, 'shortName', 'description'];

export interface Projector {
  readonly store: MetadataStore;
  readonly relations: Relations;
  readonly baseUrl: string;
}

/** Everything a field of an object can be: stored, derived (displayName), or an inverse relation. */
function property(
  projector: Projector,
  type: string | undefined,
  object: Record<string, unknown>,
  name: string,
): unknown {
  // The owning side of a relation decides it (a group's members), whatever the other side's export says.
  if (type && typeof object.id === 'string' && projector.relations.has(type, name))
    return projector.relations.get(type, object.id, name) ?? [];
  if (name in object) return object[name];
  if (name === 'displayName' || name === 'displayFormName') return object.name;
  if (name === 'displayShortName') return object.shortName ?? object.name;
  if (name === 'href' && type && typeof object.id === 'string')
    return `${projector.baseUrl}/api/${type}/${object.id}`;
  if (type && typeof object.id === 'string' && projector.relations.has(type, name))
    return projector.relations.get(type, object.id, name) ?? [];
  return undefined;
}

function expandAll(
  projector: Projector,
  type: string | undefined,
  object: Record<string, unknown>,
): string[] {
  const names = new Set(Object.keys(object));
  for (const extra of ['displayName', 'href'])
    if (object.name !== undefined || extra === 'href') names.add(extra);
  if (type)
    for (const key of [
      'programIndicatorGroups',
      'dataSetElements',
      'dataElementGroups',
      'categoryOptionCombos',
      'dataSets',
      'programs',
      'children',
      'organisationUnitGroups',
    ])
      if (projector.relations.has(type, key)) names.add(key);
  return [...names];
}

function projectValue(
  projector: Projector,
  name: string,
  value: unknown,
  children: FieldSpec[] | undefined,
): unknown {
  if (value === undefined) return undefined;
  if (!children) return value;
  const targetType = REFERENCE_TYPES[name];
  const project = (item: unknown) => {
    if (typeof item !== 'object' || item === null) return item;
    const ref = item as Record<string, unknown>;
    const resolved =
      targetType && typeof ref.id === 'string'
        ? (projector.store.get(targetType, ref.id) ?? ref)
        : ref;
    return projectObject(projector, targetType, resolved, children);
  };
  return Array.isArray(value) ? value.map(project) : project(value);
}

/** Applies a field spec to one object of a collection (`type`), following references into the store. */
export function projectObject(
  projector: Projector,
  type: string | undefined,
  object: Record<string, unknown> | MetadataObject,
  fields: readonly FieldSpec[],
): Record<string, unknown> {
  const source = object as Record<string, unknown>;
  const wanted = new Map<string, FieldSpec[] | undefined>();
  const excluded = new Set<string>();
  for (const field of fields) {
    if (field.name.startsWith('!')) excluded.add(field.name.slice(1));
    else if (field.name === '*' || field.name === ':all')
      for (const name of expandAll(projector, type, source)) wanted.set(name, wanted.get(name));
    // :owner is what the object itself stores (what a PUT sends back), without derived properties.
    else if (field.name === ':owner')
      for (const name of Object.keys(source)) wanted.set(name, wanted.get(name));
    else if (field.name === ':identifiable')
      for (const name of IDENTIFIABLE) wanted.set(name, undefined);
    else if (field.name === ':nameable') for (const name of NAMEABLE) wanted.set(name, undefined);
    else wanted.set(field.name, field.children);
  }
  const result: Record<string, unknown> = {};
  for (const [name, children] of wanted) {
    if (excluded.has(name)) continue;
    const value = projectValue(projector, name, property(projector, type, source, name), children);
    if (value !== undefined) result[name] = value;
  }
  return result;
}
