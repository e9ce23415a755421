import { isRelativePeriod, resolveRelativePeriod } from '../../periods/relative-period.ts';
import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import type { IdScheme } from '../metadata/id-scheme.ts';
import { type MetadataObject, refIds } from '../metadata/store.ts';
import { isoDate, type Period, parsePeriod } from '../periods/period.ts';
import { atLeast, since } from '../version.ts';
import { queryError } from './errors.ts';

/** A `dimension=` or `filter=` parameter: `id:item;item`. */
export interface DimensionParam {
  readonly id: string;
  readonly items: readonly string[];
}

/**
 * `dimension` and `filter` bind as `Set<String>`, which Spring fills from repeated parameters and from
 * comma-separated ones alike (`dimension=cX5k9anHEHd,dx:Ham7uPo9cah`, AnalyticsPiDisaggregationTest).
 */
export function readDimensionParams(values: readonly string[]): DimensionParam[] {
  return values
    .flatMap((value) => value.split(','))
    .map((value) => {
      const colon = value.indexOf(':');
      const id = colon < 0 ? value : value.slice(0, colon);
      const items = colon < 0 ? [] : value.slice(colon + 1).split(';');
      return { id: id.trim(), items: items.map((item) => item.trim()).filter(Boolean) };
    });
}

export type ResolvedDimension =
  | { readonly id: 'dx'; readonly items: readonly DataItem[] }
  | { readonly id: 'pe'; readonly periods: readonly Period[] }
  | { readonly id: 'ou'; readonly orgUnits: readonly string[] }
  | { readonly id: string; readonly category: CategoryItems }
  | { readonly id: string; readonly other: true };

/** A category as a dimension or filter: its options asked for, or all of them. */
export interface CategoryItems {
  readonly id: string;
  readonly name: string;
  readonly dataDimensionType: string;
  readonly options: readonly string[];
}

/** A valid `dx` item. Only program indicators have values in the sandbox; the rest are reported. */
export type DataItem =
  | { readonly kind: 'programIndicator'; readonly object: MetadataObject }
  | { readonly kind: 'dataElement' | 'indicator'; readonly object: MetadataObject };

export interface DimensionContext {
  readonly ctx: SandboxContext;
  readonly user: SandboxUser;
  readonly inputIdScheme: IdScheme;
  /** `relativePeriodDate`, or the sandbox clock. */
  readonly today: Date;
  /** The sandbox clock: the financial keywords use it whatever `relativePeriodDate` says before 2.43. */
  readonly now: Date;
  /** `userOrgUnit`: replaces the user's own units for USER_ORGUNIT and its children. */
  readonly userOrgUnits: readonly string[] | undefined;
}

/**
 * Dimensions analytics also accepts (`DataQueryParams.DYNAMIC_DIM_CLASSES`, `co`, `ao`); categories are
 * read (`categoryDimension`), the others are not modelled.
 */
const DYNAMIC_DIMENSION_TYPES = [
  'categories',
  'dataElementGroupSets',
  'organisationUnitGroupSets',
  'categoryOptionGroupSets',
];

/**
 * `DataQueryService.getDimension` (2.36–2.39) / `DimensionalObjectProducer` (2.40+): dx with no valid
 * item is E7124; an empty ou is E7143 (2.38.5, 2.39.3, 2.40.1, 2.41.0 on; E7124 before); an unknown
 * dimension id is E7125.
 */
export function resolveDimension(dc: DimensionContext, param: DimensionParam): ResolvedDimension {
  if (param.id === 'dx') {
    const items = param.items.flatMap((item) => dataItem(dc, item) ?? []);
    if (items.length === 0) throw queryError('E7124', 'dx');
    return { id: 'dx', items };
  }
  if (param.id === 'pe') return { id: 'pe', periods: resolvePeriods(dc, param.items) };
  if (param.id === 'ou') {
    const orgUnits = resolveOrgUnits(dc, param.items);
    if (orgUnits.length === 0)
      throw since(dc.ctx.version, '2.38.5', '2.39.3', '2.40.1', '2.41.0')
        ? queryError('E7143')
        : queryError('E7124', 'ou');
    return { id: 'ou', orgUnits };
  }
  const category = categoryDimension(dc, param);
  if (category) return { id: category.id, category };
  // A category that is no data dimension is no dimension at all (`getDynamicDimension` skips it).
  const known =
    param.id === 'co' ||
    param.id === 'ao' ||
    DYNAMIC_DIMENSION_TYPES.some((type) => {
      const object = dc.ctx.metadata.get(type, param.id);
      return object !== undefined && !(type === 'categories' && object.dataDimension === false);
    });
  if (!known) throw queryError('E7125', param.id);
  return { id: param.id, other: true };
}

/**
 * `DimensionalObjectProvider.getDynamicDimension` (2.40+; `DataQueryService` before): a category is a
 * dimension only with `dataDimension` (true unless said otherwise, `Category.java`), found by
 * `inputIdScheme`; no items (or `ALL_ITEMS`) means all its options, else the options named (unknown
 * ones dropped, `getOrdered`).
 */
function categoryDimension(dc: DimensionContext, param: DimensionParam): CategoryItems | undefined {
  const category = dc.ctx.metadata.find('categories', dc.inputIdScheme, param.id);
  if (!category || category.dataDimension === false) return undefined;
  const all = param.items.length === 0 || param.items.includes('ALL_ITEMS');
  const options = all
    ? refIds(category.categoryOptions)
    : param.items.flatMap(
        (item) => dc.ctx.metadata.find('categoryOptions', dc.inputIdScheme, item)?.id ?? [],
      );
  return {
    id: category.id,
    name: String(category.name ?? category.id),
    dataDimensionType: String(category.dataDimensionType ?? 'DISAGGREGATION'),
    options,
  };
}

function dataItem(dc: DimensionContext, item: string): DataItem | undefined {
  const find = (type: string) => dc.ctx.metadata.find(type, dc.inputIdScheme, item);
  const indicator = find('programIndicators');
  if (indicator) return { kind: 'programIndicator', object: indicator };
  const element = find('dataElements');
  if (element) return { kind: 'dataElement', object: element };
  const other = find('indicators');
  return other ? { kind: 'indicator', object: other } : undefined;
}

/** Period types a version does not know yet (api-notes §8): their ids do not parse there. */
function knownPeriodType(periodType: string, minor: number): boolean {
  if (
    periodType === 'WeeklyFriday' ||
    periodType === 'FinancialFeb' ||
    periodType === 'FinancialAug'
  )
    return minor >= 43;
  if (periodType === 'FinancialSep') return minor >= 42;
  if (periodType === 'QuarterlyNov') return minor >= 38;
  return true;
}

/**
 * ISO periods (unparsable ones dropped, `PeriodType.getPeriodFromIsoString`) and relative periods
 * resolved against `relativePeriodDate` or today; duplicates removed.
 */
function resolvePeriods(dc: DimensionContext, items: readonly string[]): Period[] {
  const periods = new Map<string, Period>();
  for (const item of items) {
    const resolved = isRelativePeriod(item)
      ? (resolveRelativePeriod(item, {
          date: isoDate(dc.today),
          // Fixed in 2.43.0 (dhis2-core 5a203437747, "consider relative period for Financial Year period").
          financialDate: isoDate(atLeast(dc.ctx.version, 43) ? dc.today : dc.now),
        }) ?? [])
      : [parsePeriod(item)];
    for (const period of resolved) {
      if (period && knownPeriodType(period.periodType, dc.ctx.version.minor))
        periods.set(period.id, period);
    }
  }
  return [...periods.values()];
}

function childrenOf(dc: DimensionContext, roots: readonly string[], depth: number): string[] {
  const tree = dc.ctx.orgUnits;
  return roots.flatMap((root) => {
    const level = tree.level(root);
    return level === undefined ? [] : tree.atLevel(level + depth, [root]);
  });
}

/**
 * `ou` items (`getOrgUnitDimensionItems`): USER_ORGUNIT is the user's data capture units (or
 * `userOrgUnit`), and its children and grandchildren; LEVEL-n / LEVEL-<levelUid>; OU_GROUP-<uid>; org
 * units by `inputIdScheme`. With levels or groups, the other units are boundaries: no boundary means
 * the whole hierarchy (`getOrganisationUnitsAtLevels(levels, [])`).
 */
function resolveOrgUnits(dc: DimensionContext, items: readonly string[]): string[] {
  const { ctx } = dc;
  const userUnits = dc.userOrgUnits ?? dc.user.orgUnits;
  const units = new Set<string>();
  const levels: number[] = [];
  const groups: string[] = [];
  for (const item of items) {
    if (item === 'USER_ORGUNIT') userUnits.forEach((id) => units.add(id));
    else if (item === 'USER_ORGUNIT_CHILDREN')
      childrenOf(dc, userUnits, 1).forEach((id) => units.add(id));
    else if (item === 'USER_ORGUNIT_GRANDCHILDREN')
      childrenOf(dc, userUnits, 2).forEach((id) => units.add(id));
    else if (item.startsWith('LEVEL-')) {
      const level = orgUnitLevel(ctx, item.slice('LEVEL-'.length));
      if (level !== undefined) levels.push(level);
    } else if (item.startsWith('OU_GROUP-')) {
      const group = ctx.metadata.find(
        'organisationUnitGroups',
        dc.inputIdScheme,
        item.slice('OU_GROUP-'.length),
      );
      if (group) groups.push(group.id);
    } else {
      const unit = ctx.metadata.find('organisationUnits', dc.inputIdScheme, item);
      if (unit) units.add(unit.id);
    }
  }
  if (levels.length === 0 && groups.length === 0) return [...units];
  const boundaries = [...units];
  const result = new Set<string>();
  for (const level of levels)
    for (const id of ctx.orgUnits.atLevel(level, boundaries)) result.add(id);
  for (const group of groups) {
    for (const id of ctx.orgUnits.inGroup(group))
      if (
        ctx.orgUnits.get(id) &&
        (boundaries.length === 0 || ctx.orgUnits.isWithin(id, boundaries))
      )
        result.add(id);
  }
  return [...result];
}

/** `getOrganisationUnitLevelByLevelOrUid`: a positive number, or the UID of an org unit level. */
function orgUnitLevel(ctx: SandboxContext, key: string): number | undefined {
  if (/^-?\d+$/.test(key)) return Number(key) > 0 ? Number(key) : undefined;
  const level = ctx.metadata.get('organisationUnitLevels', key)?.level;
  return typeof level === 'number' ? level : undefined;
}

export function todayFor(ctx: SandboxContext, relativePeriodDate: string | null): Date {
  if (relativePeriodDate && /^\d{4}-\d{2}-\d{2}/.test(relativePeriodDate))
    return new Date(`${relativePeriodDate.slice(0, 10)}T12:00:00Z`);
  const now = ctx.clock.now();
  return new Date(`${isoDate(now)}T12:00:00Z`);
}
