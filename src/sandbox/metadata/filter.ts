import { REFERENCE_TYPES, type Relations } from './relations.ts';
import type { MetadataStore } from './store.ts';

/**
 * Metadata filters (`filter=property:operator:value`), with dotted paths through references and
 * collections (`programIndicatorGroups.id:eq:X`, `dataSetElements.dataSet.id:eq:Y`). Several filters are
 * AND-ed, or OR-ed with `rootJunction=OR`.
 */
export interface Filter {
  readonly path: string[];
  readonly operator: string;
  readonly value: string;
  /** The path is an attribute's UID: the filter reads that attribute's value. */
  readonly attribute?: true;
}

export class InvalidFilterError extends Error {
  readonly type = 'invalid-filter';
}

const OPERATORS = new Set([
  'eq',
  '!eq',
  'ne',
  'ieq',
  'in',
  '!in',
  'like',
  '!like',
  'ilike',
  '!ilike',
  '$like',
  '$ilike',
  'like$',
  'ilike$',
  'null',
  '!null',
  'empty',
  '!empty',
  'gt',
  'ge',
  'lt',
  'le',
  'token',
]);

export function parseFilter(text: string): Filter {
  const [path, operator, ...rest] = text.split(':');
  if (!path || !operator || !OPERATORS.has(operator))
    throw new InvalidFilterError(`Invalid filter: ${text}`);
  return { path: path.split('.'), operator, value: rest.join(':') };
}

function values(
  store: MetadataStore,
  relations: Relations,
  type: string | undefined,
  object: Record<string, unknown>,
  path: readonly string[],
): unknown[] {
  if (path.length === 0) return [object];
  const [head, ...rest] = path as [string, ...string[]];
  // The owning side of a relation decides it (a group's members), whatever the other side's export says.
  let value: unknown =
    type && typeof object.id === 'string' && relations.has(type, head)
      ? (relations.get(type, object.id, head) ?? [])
      : object[head];
  if (value === undefined && head === 'displayName') value = object.name;
  if (rest.length === 0) return Array.isArray(value) ? value : [value];
  const nextType = REFERENCE_TYPES[head];
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.flatMap((item) => {
    if (typeof item !== 'object' || item === null) return [];
    const ref = item as Record<string, unknown>;
    const resolved =
      nextType && typeof ref.id === 'string' && rest[0] !== 'id'
        ? (store.get(nextType, ref.id) ?? ref)
        : ref;
    return values(store, relations, nextType, resolved, rest);
  });
}

// The list of an `in` filter, parsed once for all the objects it is tested on (a request filtering
// thousands of org units by a list of hundreds).
let parsedList: { readonly expected: string; readonly items: ReadonlySet<string> } | undefined;
function listOf(expected: string): ReadonlySet<string> {
  if (parsedList?.expected !== expected) {
    const items = expected
      .replace(/^\[|\]$/g, '')
      .split(',')
      .map((item) => item.trim());
    parsedList = { expected, items: new Set(items) };
  }
  return parsedList.items;
}

function test(operator: string, actual: unknown, expected: string): boolean {
  const text = actual === undefined || actual === null ? undefined : String(actual);
  const list = () => listOf(expected);
  switch (operator) {
    case 'eq':
      return text === expected;
    case 'ieq':
      return text?.toLowerCase() === expected.toLowerCase();
    case '!eq':
    case 'ne':
      return text !== expected;
    case 'in':
      return text !== undefined && list().has(text);
    case '!in':
      return text === undefined || !list().has(text);
    case 'like':
      return text?.includes(expected) ?? false;
    case '!like':
      return !(text?.includes(expected) ?? false);
    case 'ilike':
    case 'token':
      return text?.toLowerCase().includes(expected.toLowerCase()) ?? false;
    case '!ilike':
      return !(text?.toLowerCase().includes(expected.toLowerCase()) ?? false);
    case '$like':
      return text?.startsWith(expected) ?? false;
    case '$ilike':
      return text?.toLowerCase().startsWith(expected.toLowerCase()) ?? false;
    case 'like$':
      return text?.endsWith(expected) ?? false;
    case 'ilike$':
      return text?.toLowerCase().endsWith(expected.toLowerCase()) ?? false;
    case 'null':
      return text === undefined;
    case '!null':
      return text !== undefined;
    case 'empty':
      return Array.isArray(actual) ? actual.length === 0 : text === undefined || text === '';
    case '!empty':
      return Array.isArray(actual) ? actual.length > 0 : text !== undefined && text !== '';
    default: {
      const [a, b] =
        Number.isFinite(Number(text)) && Number.isFinite(Number(expected))
          ? [Number(text), Number(expected)]
          : [text ?? '', expected];
      return operator === 'gt'
        ? a > b
        : operator === 'ge'
          ? a >= b
          : operator === 'lt'
            ? a < b
            : a <= b;
    }
  }
}

/**
 * A filter whose property is an attribute's UID reads that attribute's value
 * (`DefaultJpaQueryParser.getRestriction` → `asAttribute()`, `DefaultQueryPlanner.isFilterByAttributeId`)
 * from 2.37.9, 2.38.2 and 2.39.0; before, it is an unknown property: `QueryParserException` "Unknown path
 * property: X" (2.36.0 l.120), a 409 (`CrudControllerAdvice.queryExceptionHandler`).
 */
export function withAttributeFilters(
  store: MetadataStore,
  filters: readonly Filter[],
  filtersByAttribute: boolean,
): Filter[] {
  return filters.map((filter) => {
    const [head, ...rest] = filter.path;
    if (rest.length > 0 || !head || !store.get('attributes', head)) return filter;
    if (!filtersByAttribute) throw new InvalidFilterError(`Unknown path property: ${head}`);
    return { ...filter, attribute: true };
  });
}

function attributeValue(object: Record<string, unknown>, attribute: string): unknown[] {
  const values = object.attributeValues;
  if (!Array.isArray(values)) return [];
  return values
    .filter((value) => (value as { attribute?: { id?: string } }).attribute?.id === attribute)
    .map((value) => (value as { value?: unknown }).value);
}

export function matches(
  store: MetadataStore,
  relations: Relations,
  type: string,
  object: Record<string, unknown>,
  filter: Filter,
): boolean {
  const found = filter.attribute
    ? attributeValue(object, filter.path[0] ?? '')
    : values(store, relations, type, object, filter.path);
  const negative = filter.operator.startsWith('!') || filter.operator === 'ne';
  if (filter.operator === 'null' || filter.operator === 'empty')
    return found.length === 0 || found.every((value) => test(filter.operator, value, filter.value));
  // An empty collection has no element to be "not empty" (`!empty` on `categoryMappings: []`).
  if (filter.operator === '!empty' && found.length === 0) return false;
  if (negative) return found.every((value) => test(filter.operator, value, filter.value));
  return found.some((value) => test(filter.operator, value, filter.value));
}
