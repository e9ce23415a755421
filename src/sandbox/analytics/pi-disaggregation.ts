import type { CategoryColumnSource, CategoryGrouping } from '../../program-indicators/types.ts';
import type { SandboxContext } from '../context.ts';
import {
  DEFAULT_CATEGORY_COMBO,
  type ProgramCategoryMapping,
  readCategoryMappings,
  storedReferenceConflict,
} from '../metadata/category-mappings.ts';
import { type MetadataObject, refId, refIds } from '../metadata/store.ts';
import { atLeast } from '../version.ts';
import { type CategoryCombo, comboOf, duplicateKey, type Resolver, resolverOf } from './combos.ts';
import { AnalyticsRequestError } from './errors.ts';
import type { CategoryDimension } from './query.ts';

/**
 * 2.42 program indicator disaggregation at query time, as `PiDisagInfoInitializer` (2.42.0–2.43.1)
 * prepares it: which categories the query needs of the indicator's category mappings, the columns
 * `PiDisagQueryGenerator` adds for them, how its WHERE and GROUP BY use them, and the resolvers that
 * turn a row's options into the category option combo and attribute option combo of a data value set.
 */
export interface DisaggregationPlan {
  /** The category columns, in order: categories that are dimensions, then the combos' others. */
  readonly sources: readonly CategoryColumnSource[];
  /** The categories of the cells each group keeps, in order (see `grouping`). */
  readonly groupedCategories: readonly string[];
  readonly grouping: CategoryGrouping;
  /** For a data value set with a non-default combo: how a group's options become its combos. */
  readonly combos?: {
    readonly categoryCombo: CategoryCombo;
    readonly attributeCombo: CategoryCombo;
    readonly cocResolver: Resolver;
    readonly aocResolver: Resolver;
  };
}

/** An indicator the sandbox cannot disaggregate (its metadata is not all there): named, never zero. */
export class DisaggregationGap extends Error {}

const UID_CODE_SIZE = 11;

/**
 * `getParamsWithDisaggregationInfo`: nothing before 2.42; nothing when the query names no category and
 * both combos are default (`disaggregatedCategoriesAreNotNeeded`), or when none of the needed
 * categories has a mapping. Throws what DHIS2 answers: the validator's ConflictException re-thrown as
 * a `QueryException` (409 without errorCode), `Collectors.toMap`'s duplicate keys (409).
 */
export function disaggregationPlan(
  ctx: SandboxContext,
  indicator: MetadataObject,
  categories: readonly CategoryDimension[],
  dataValueSet: boolean,
): DisaggregationPlan | undefined {
  if (!atLeast(ctx.version, 42)) return undefined;
  const categoryCombo = comboOf(ctx, indicator.categoryCombo);
  const attributeCombo = comboOf(ctx, indicator.attributeCombo);
  if (!categoryCombo || !attributeCombo)
    throw new DisaggregationGap(
      `its category combo or attribute combo (${refId(indicator.categoryCombo) ?? ''} ${refId(indicator.attributeCombo) ?? ''}) is not in the sandbox's metadata`,
    );
  if (categories.length === 0 && categoryCombo.isDefault && attributeCombo.isDefault)
    return undefined;
  const mappings = validatedMappings(ctx, indicator, categoryCombo, attributeCombo);
  const dimensionIds = categories.filter((c) => !c.filter).map((c) => c.id);
  const dimensionCategories = dimensionIds.filter((id) =>
    mappings.some((m) => m.categoryId === id),
  );
  const cocCategories = [
    ...new Set(
      [categoryCombo, attributeCombo].flatMap((combo) =>
        combo.isDefault ? [] : combo.categories.map((c) => c.id),
      ),
    ),
  ].filter((id) => !dimensionIds.includes(id));
  const needed = [...dimensionCategories, ...cocCategories];
  const byCategory = mappingsByCategory(mappings, needed);
  if (byCategory.size === 0) return undefined;
  const resolver = (combo: CategoryCombo) =>
    dataValueSet && !combo.isDefault ? resolverOf(ctx, combo) : new Map<string, string>();
  const cocResolver = resolver(categoryCombo);
  const aocResolver = resolver(attributeCombo);
  const grouped = (id: string) => dimensionCategories.includes(id) || dataValueSet;
  const sources = needed.map((id) => {
    const mapping = byCategory.get(id);
    // A combo's category named "default" needs no mapping (E4074) but still gets a column: Spring's
    // `Assert.notNull` in `PiDisagQueryGenerator.getColumnSql` (400).
    if (!mapping)
      throw new AnalyticsRequestError(
        `Program indicator ${indicator.id} dimension ${id} not found`,
        400,
      );
    return sourceOf(mapping, grouped(id));
  });
  return {
    sources,
    groupedCategories: needed.filter(grouped),
    grouping: grouping(indicator, categories, needed, cocCategories, grouped, dataValueSet),
    ...(cocResolver.size > 0 || aocResolver.size > 0
      ? { combos: { categoryCombo, attributeCombo, cocResolver, aocResolver } }
      : {}),
  };
}

/**
 * `ProgramCategoryMappingValidator.getAndValidateProgramIndicatorCategoryMappings`: each mapping id of
 * the indicator must be one of its program's (E4071), each mapping's category and options must exist
 * and no option be mapped twice (E4072, E4073, E4079), and every non-default category of both combos
 * needs a mapping (E4074, worded with the category's own data dimension type). DHIS2 walks `HashSet`s
 * here; the sandbox takes the indicator's and the program's order, which names another error first
 * only when several are wrong.
 */
function validatedMappings(
  ctx: SandboxContext,
  indicator: MetadataObject,
  categoryCombo: CategoryCombo,
  attributeCombo: CategoryCombo,
): ProgramCategoryMapping[] {
  const programId = refId(indicator.program) ?? '';
  const programMappings = readCategoryMappings(ctx.metadata.get('programs', programId));
  const mappings: ProgramCategoryMapping[] = [];
  for (const mappingId of new Set((indicator.categoryMappingIds as unknown[] | undefined) ?? [])) {
    const mapping = programMappings.find((m) => m.id === mappingId);
    if (!mapping)
      throw conflict(
        `Program indicator \`${indicator.id}\` category mapping \`${String(mappingId)}\` not found in program \`${programId}\``,
      );
    if (!mappings.includes(mapping)) mappings.push(mapping);
  }
  const broken = storedReferenceConflict(ctx, programId, mappings);
  if (broken) throw conflict(conflictMessage(broken.code, broken.args));
  const mapped = new Set(mappings.map((m) => m.categoryId));
  for (const category of [...categoryCombo.categories, ...attributeCombo.categories]) {
    if (category.isDefault || mapped.has(category.id)) continue;
    throw conflict(
      `Program indicator \`${indicator.id}\` ${category.dataDimensionType.toLowerCase()} category \`${category.id}\` needs a category mapping in the program`,
    );
  }
  return mappings;
}

const conflict = (message: string) => new AnalyticsRequestError(message, 409);

function conflictMessage(code: 'E4072' | 'E4073' | 'E4079', args: readonly (string | null)[]) {
  const [a, b, c, d] = args.map(String);
  if (code === 'E4072')
    return `Program \`${a}\` category mapping \`${b}\` category \`${c}\` not found`;
  if (code === 'E4073')
    return `Program \`${a}\` category \`${b}\` mapping \`${c}\` option \`${d}\` not found`;
  return `Program \`${a}\` category mapping \`${b}\` has multiple option mappings for Category Option \`${c}\``;
}

/**
 * The mappings of the needed categories by category (`Collectors.toMap`): two mappings of one category
 * fail with `IllegalStateException` "Duplicate key", which `CrudControllerAdvice` answers with 409.
 */
function mappingsByCategory(
  mappings: readonly ProgramCategoryMapping[],
  needed: readonly string[],
): Map<string, ProgramCategoryMapping> {
  const byCategory = new Map<string, ProgramCategoryMapping>();
  for (const mapping of mappings) {
    const category = mapping.categoryId ?? '';
    if (!needed.includes(category)) continue;
    const existing = byCategory.get(category);
    if (existing) throw conflict(duplicateKey(category, existing, mapping));
    byCategory.set(category, mapping);
  }
  return byCategory;
}

function sourceOf(mapping: ProgramCategoryMapping, grouped: boolean): CategoryColumnSource {
  return {
    category: mapping.categoryId ?? '',
    options: mapping.optionMappings.map((o) => ({ optionId: o.optionId ?? '', filter: o.filter })),
    grouped,
  };
}

/**
 * The WHERE and GROUP BY over the cells (`JdbcEventAnalyticsManager.getWhereClause`,
 * `JdbcEnrollmentAnalyticsManager.getWhereClause`, `PiDisagQueryGenerator.getCocWhereConditions`):
 * a category dimension or filter keeps the rows whose cell is one of its items (enrollment queries skip
 * this for an ATTRIBUTE category, `isAttributeCategory`); an EVENT query that is not a data value set
 * also keeps only rows with exactly one option (`length(…) = 11`) in each combo category that is not a
 * filter. The cells of dimensions, and in a data value set those of the combo categories, are grouped by.
 */
function grouping(
  indicator: MetadataObject,
  categories: readonly CategoryDimension[],
  needed: readonly string[],
  cocCategories: readonly string[],
  grouped: (id: string) => boolean,
  dataValueSet: boolean,
): CategoryGrouping {
  const enrollment = indicator.analyticsType === 'ENROLLMENT';
  const tests = needed.map((id) => {
    const asked = categories.find((c) => c.id === id);
    if (asked && !(enrollment && asked.dataDimensionType === 'ATTRIBUTE'))
      return (cell: string) => asked.options.includes(cell);
    if (!asked && !enrollment && !dataValueSet && cocCategories.includes(id))
      return (cell: string) => cell.length === UID_CODE_SIZE;
    return () => true;
  });
  const kept = needed.map((id) => grouped(id));
  return (cells) =>
    tests.every((test, i) => test(cells[i] ?? '')) ? cells.filter((_, i) => kept[i]) : undefined;
}

/**
 * The categories a query names that the plan does not give columns to: DHIS2 reads them as columns of
 * the analytics table (`quoteAlias`), which only the program's attribute categories have.
 */
export function plainCategories(
  categories: readonly CategoryDimension[],
  plan: DisaggregationPlan | undefined,
): CategoryDimension[] {
  const covered = new Set(plan?.sources.map((s) => s.category) ?? []);
  return categories.filter((c) => !covered.has(c.id));
}

/** Whether a category is one of the program's attribute categories (a column of its event table). */
export function isProgramAttributeCategory(
  ctx: SandboxContext,
  indicator: MetadataObject,
  category: string,
): boolean {
  const program = ctx.metadata.get('programs', refId(indicator.program) ?? '');
  const combo = ctx.metadata.get('categoryCombos', refId(program?.categoryCombo) ?? '');
  return (
    refId(program?.categoryCombo) !== DEFAULT_CATEGORY_COMBO &&
    refIds(combo?.categories).includes(category)
  );
}
