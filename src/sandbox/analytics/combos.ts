import type { SandboxContext } from '../context.ts';
import {
  DEFAULT_CATEGORY_COMBO,
  type ProgramCategoryMapping,
} from '../metadata/category-mappings.ts';
import { refId, refIds } from '../metadata/store.ts';
import { AnalyticsRequestError } from './errors.ts';

/** A category combo as disaggregation reads it (`CategoryCombo`, `Category.isDefault`: named "default"). */
export interface CategoryCombo {
  readonly id: string;
  readonly name: string;
  readonly isDefault: boolean;
  readonly categories: readonly {
    readonly id: string;
    readonly name: string;
    readonly isDefault: boolean;
    readonly dataDimensionType: string;
  }[];
}

/** Sorted option UIDs run together → option combo UID (`PiDisagInfoInitializer.getResolver`). */
export type Resolver = ReadonlyMap<string, string>;

/**
 * An indicator's combo: none is the default one (the preheat's `connectDefaults`), as is DHIS2's fixed
 * default UID when the sandbox holds no default combo; undefined for a combo not in the metadata.
 */
export function comboOf(ctx: SandboxContext, ref: unknown): CategoryCombo | undefined {
  const id = refId(ref) ?? DEFAULT_CATEGORY_COMBO;
  const combo = ctx.metadata.get('categoryCombos', id);
  if (!combo) {
    if (id !== DEFAULT_CATEGORY_COMBO) return undefined;
    return { id, name: 'default', isDefault: true, categories: [] };
  }
  const categories = refIds(combo.categories).flatMap((categoryId) => {
    const category = ctx.metadata.get('categories', categoryId);
    if (!category) return [];
    return [
      {
        id: categoryId,
        name: String(category.name ?? categoryId),
        isDefault: category.name === 'default',
        dataDimensionType: String(category.dataDimensionType ?? 'DISAGGREGATION'),
      },
    ];
  });
  return { id, name: String(combo.name ?? id), isDefault: combo.name === 'default', categories };
}

/**
 * The combo's option combos by their options' UIDs, sorted (Java `String` order: UTF-16 code units,
 * as JavaScript sorts) and run together. Two option combos of the same options fail `toMap` (409).
 */
export function resolverOf(ctx: SandboxContext, combo: CategoryCombo): Map<string, string> {
  const resolver = new Map<string, string>();
  for (const coc of ctx.metadata.list('categoryOptionCombos')) {
    if (refId(coc.categoryCombo) !== combo.id) continue;
    const key = refIds(coc.categoryOptions).sort().join('');
    const existing = resolver.get(key);
    if (existing !== undefined)
      throw new AnalyticsRequestError(
        `Duplicate key ${key} (attempted merging values ${existing} and ${coc.id})`,
        409,
      );
    resolver.set(key, coc.id);
  }
  return resolver;
}

/** `"*"`: the combo is not disaggregated (`AnalyticsUtils.handleGridForDataValueSet` then uses the fixed one). */
export const WILDCARD = '*';

/**
 * `PiDisagDataHandler.addCocAndAoc` / `getOrderedOptionCombos` for one group of a data value set: per
 * category of the combo, in the combo's order, its option in the group; an empty one drops the row
 * (undefined), several run together fail the request with E4078 (an `ErrorCodeException`, which no
 * handler maps: 500), and options no option combo has fail `Assert.notNull` (400). Both combos are
 * read before the row is judged, the category option combo first.
 */
export function resolveOptionCombos(
  indicator: { readonly id: string; readonly name?: unknown },
  combos: {
    readonly categoryCombo: CategoryCombo;
    readonly attributeCombo: CategoryCombo;
    readonly cocResolver: Resolver;
    readonly aocResolver: Resolver;
  },
  optionOf: (category: string) => string,
): { coc: string; aoc: string } | undefined {
  const read = (combo: CategoryCombo, resolver: Resolver) => {
    if (resolver.size === 0) return WILDCARD;
    const options: string[] = [];
    for (const category of combo.categories) {
      const option = optionOf(category.id);
      if (option === '') return undefined;
      if (option.length > 11) {
        const pieces = option.match(/.{1,11}/g) ?? [];
        throw new AnalyticsRequestError(
          `Multiple Category Options \`${pieces.join(',')}\` while disaggregating Program Indicator \`${indicator.id}\`-\`${String(indicator.name ?? '')}\` Category Combo \`${combo.id}\`-\`${combo.name}\` Category \`${category.id}\`-\`${category.name}\``,
          500,
        );
      }
      options.push(option);
    }
    const key = options.sort().join('');
    const found = resolver.get(key);
    if (found === undefined)
      throw new AnalyticsRequestError(
        `Couldn't resolve orderedOptionCombo ${key} for PI ${indicator.id}, catCombo ${combo.id}, resolver {${[...resolver].map(([k, v]) => `${k}=${v}`).join(', ')}}`,
        400,
      );
    return found;
  };
  const coc = read(combos.categoryCombo, combos.cocResolver);
  const aoc = read(combos.attributeCombo, combos.aocResolver);
  return coc === undefined || aoc === undefined ? undefined : { coc, aoc };
}

/** Java's `String.hashCode`. */
function stringHash(text: string | null): number {
  if (text === null) return 43;
  let hash = 0;
  for (let i = 0; i < text.length; i += 1) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

/** Lombok's `@EqualsAndHashCode` (prime 59, 43 for null) over the fields' hash codes. */
const lombokHash = (hashes: readonly number[]) =>
  hashes.reduce((result, hash) => (Math.imul(result, 59) + hash) | 0, 1);

function mappingHash(mapping: ProgramCategoryMapping): number {
  // `List.hashCode`: 31 * h + element, from 1.
  const options = mapping.optionMappings.reduce(
    (h, o) => (Math.imul(h, 31) + lombokHash([stringHash(o.optionId), stringHash(o.filter)])) | 0,
    1,
  );
  return lombokHash([
    stringHash(mapping.id),
    stringHash(mapping.categoryId),
    stringHash(mapping.mappingName),
    options,
  ]);
}

/**
 * `Collectors.toMap`'s message for two mappings of one category; a mapping prints as `Object.toString`
 * does with Lombok's hash code (the class has no `toString`).
 */
export function duplicateKey(
  category: string,
  first: ProgramCategoryMapping,
  second: ProgramCategoryMapping,
): string {
  const name = (m: ProgramCategoryMapping) =>
    `org.hisp.dhis.program.ProgramCategoryMapping@${(mappingHash(m) >>> 0).toString(16)}`;
  return `Duplicate key ${category} (attempted merging values ${name(first)} and ${name(second)})`;
}
