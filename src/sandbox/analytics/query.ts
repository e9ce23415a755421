import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { type IdScheme, parseIdScheme, UID_SCHEME } from '../metadata/id-scheme.ts';
import { refIds } from '../metadata/store.ts';
import type { Period } from '../periods/period.ts';
import { atLeast } from '../version.ts';
import {
  type CategoryItems,
  type DataItem,
  type ResolvedDimension,
  readDimensionParams,
  resolveDimension,
  todayFor,
} from './dimensions.ts';
import { AnalyticsRequestError, queryError } from './errors.ts';
import { validateQuery } from './query-validation.ts';

export { AnalyticsQueryError, AnalyticsRequestError } from './errors.ts';

/** Where each kind of item's identifier comes from in the output (`SchemeIdResponseMapper`). */
export interface OutputSchemes {
  /** Program indicators (and indicators): `outputIdScheme`, then `outputDataItemIdScheme` (2.41+). */
  readonly dataItems: IdScheme;
  /** Data elements: also `outputDataElementIdScheme`. */
  readonly dataElements: IdScheme;
  readonly orgUnits: IdScheme;
}

/** `measureCriteria=GT:0;LE:100`: operator and bound (`MeasureFilter`). */
export interface MeasureCriterion {
  readonly operator: 'EQ' | 'GT' | 'GE' | 'LT' | 'LE';
  readonly value: number;
}

/** A category asked for as a dimension or a filter. */
export interface CategoryDimension extends CategoryItems {
  readonly filter: boolean;
}

/**
 * An analytics query: each of dx, pe and ou is a dimension or a filter (a data value set has all three
 * as dimensions: E7117–E7119); categories are dimensions or filters too.
 */
export interface AnalyticsQuery {
  readonly dataItems: readonly DataItem[];
  readonly dataAsFilter: boolean;
  readonly periods: readonly Period[];
  readonly periodsAsFilter: boolean;
  readonly orgUnits: readonly string[];
  readonly orgUnitsAsFilter: boolean;
  readonly categories: readonly CategoryDimension[];
  /** Dimensions the sandbox resolves but does not model (`co`, `ao`, group sets). */
  readonly others: readonly string[];
  /** The grid's dimension columns, in order. */
  readonly columns: readonly string[];
  readonly schemes: OutputSchemes;
  readonly skipRounding: boolean;
  readonly measureCriteria: readonly MeasureCriterion[];
}

export type DataValueSetQuery = AnalyticsQuery;

const SCHEME_PARAMS = [
  'outputIdScheme',
  'outputDataElementIdScheme',
  'outputOrgUnitIdScheme',
  'inputIdScheme',
  'outputDataItemIdScheme',
] as const;

/**
 * The id scheme parameters bind as `IdScheme` (`IdScheme.from`, `IdentifiableProperty.valueOf`), so a
 * bad one fails before the query runs: 400 "Value X is not a valid IdScheme." (2.37–2.39,
 * `handleTypeMismatchException`), 400 "Value 'X' is not valid for parameter p. No enum constant …"
 * (2.40+, `getConversionErrorMessage`), 500 with the binding error on 2.36 (no BindException handler).
 * `outputDataItemIdScheme` is bound from 2.41 only.
 */
function readSchemes(ctx: SandboxContext, params: URLSearchParams): Record<string, IdScheme> {
  const schemes: Record<string, IdScheme> = {};
  for (const name of SCHEME_PARAMS) {
    if (name === 'outputDataItemIdScheme' && !atLeast(ctx.version, 41)) continue;
    const text = params.get(name);
    if (text === null || text.trim() === '') continue;
    try {
      schemes[name] = parseIdScheme(text);
    } catch {
      const constant = `No enum constant org.hisp.dhis.common.IdentifiableProperty.${text.toUpperCase()}`;
      if (ctx.version.minor === 36)
        throw new AnalyticsRequestError(
          `org.springframework.validation.BeanPropertyBindingResult: 1 errors\nField error in object 'aggregateAnalyticsQueryCriteria' on field '${name}': rejected value [${text}]; ${constant}`,
          500,
        );
      throw new AnalyticsRequestError(
        atLeast(ctx.version, 40)
          ? `Value '${text}' is not valid for parameter ${name}. ${constant}`
          : `Value ${text} is not a valid IdScheme.`,
        400,
      );
    }
  }
  return schemes;
}

/** Precedence of `SchemeIdResponseMapper.getSchemeIdResponseMap` (api-notes §1.3). */
function outputSchemes(schemes: Record<string, IdScheme>): OutputSchemes {
  const general = schemes.outputIdScheme ?? UID_SCHEME;
  const dataItems = schemes.outputDataItemIdScheme ?? general;
  return {
    dataItems,
    dataElements: schemes.outputDataElementIdScheme ?? dataItems,
    orgUnits: schemes.outputOrgUnitIdScheme ?? general,
  };
}

function readMeasureCriteria(text: string | null): MeasureCriterion[] {
  if (!text) return [];
  return text.split(';').flatMap((part) => {
    const [operator = '', value = ''] = part.split(':');
    const bound = Number(value);
    return ['EQ', 'GT', 'GE', 'LT', 'LE'].includes(operator) && value !== '' && !Number.isNaN(bound)
      ? [{ operator: operator as MeasureCriterion['operator'], value: bound }]
      : [];
  });
}

/**
 * `DefaultAnalyticsSecurityManager.decideAccessDataViewOrganisationUnits`: every org unit of the query
 * must be in the user's data view hierarchy, superusers included. Up to 2.42 only explicit data view
 * units restrict (`hasDataViewOrganisationUnit`); 2.43 falls back to the capture units
 * (`UserDetails.userDataOrgUnitIds`).
 */
export function decideAccess(
  ctx: SandboxContext,
  user: SandboxUser,
  orgUnits: readonly string[],
): void {
  const explicit = refIds(ctx.metadata.get('users', user.id)?.dataViewOrganisationUnits);
  const roots = atLeast(ctx.version, 43) ? user.dataViewOrgUnits : explicit;
  if (roots.length === 0) return;
  for (const orgUnit of orgUnits)
    if (!ctx.orgUnits.isWithin(orgUnit, roots)) throw queryError('E7120', user.username, orgUnit);
}

/** Reads analytics parameters in DHIS2's order: binding, dimensions, access, rules. */
function parseQuery(
  ctx: SandboxContext,
  user: SandboxUser,
  params: URLSearchParams,
  dataValueSet: boolean,
): AnalyticsQuery {
  const schemes = readSchemes(ctx, params);
  const userOrgUnit = params.get('userOrgUnit');
  const dc = {
    ctx,
    user,
    inputIdScheme: schemes.inputIdScheme ?? UID_SCHEME,
    today: todayFor(ctx, params.get('relativePeriodDate')),
    now: ctx.clock.now(),
    userOrgUnits: userOrgUnit ? userOrgUnit.split(';').filter(Boolean) : undefined,
  };
  const dims = readDimensionParams(params.getAll('dimension')).map((p) => resolveDimension(dc, p));
  const filters = readDimensionParams(params.getAll('filter')).map((p) => resolveDimension(dc, p));
  const orgUnits = [...dims, ...filters].flatMap((d) => ('orgUnits' in d ? d.orgUnits : []));
  decideAccess(ctx, user, orgUnits);
  validateQuery(ctx, dims, filters, dataValueSet);
  return {
    ...dimensionsOf(dims, filters),
    schemes: outputSchemes(schemes),
    skipRounding: params.get('skipRounding') === 'true',
    measureCriteria: readMeasureCriteria(params.get('measureCriteria')),
  };
}

type Dimensions = Omit<AnalyticsQuery, 'schemes' | 'skipRounding' | 'measureCriteria'>;

/**
 * What the dimensions and filters ask for; the first of a kind wins (a second is E7111 or E7103). The
 * grid's columns are the dimensions with `dx` first and the rest as asked (`DataQueryParams
 * .addDimension` sorts by `DimensionType.getOrder`: DATA_X 0, the others last).
 */
function dimensionsOf(
  dims: readonly ResolvedDimension[],
  filters: readonly ResolvedDimension[],
): Dimensions {
  const all = [
    ...dims.map((d) => ({ d, filter: false })),
    ...filters.map((d) => ({ d, filter: true })),
  ];
  const first = <T>(pick: (d: ResolvedDimension) => T | undefined) => {
    for (const { d, filter } of all) {
      const value = pick(d);
      if (value !== undefined) return { value, filter };
    }
    return undefined;
  };
  const data = first((d) => ('items' in d ? d.items : undefined));
  const periods = first((d) => ('periods' in d ? d.periods : undefined));
  const orgUnits = first((d) => ('orgUnits' in d ? d.orgUnits : undefined));
  const columns = dims.map((d) => d.id);
  return {
    dataItems: data?.value ?? [],
    dataAsFilter: data?.filter ?? false,
    periods: periods?.value ?? [],
    periodsAsFilter: periods?.filter ?? false,
    orgUnits: orgUnits?.value ?? [],
    orgUnitsAsFilter: orgUnits?.filter ?? false,
    categories: all.flatMap(({ d, filter }) =>
      'category' in d ? [{ ...d.category, filter }] : [],
    ),
    others: all.flatMap(({ d }) => ('other' in d ? [d.id] : [])),
    columns: [...columns.filter((id) => id === 'dx'), ...columns.filter((id) => id !== 'dx')],
  };
}

/** `/api/analytics/dataValueSet` (output format DATA_VALUE_SET). */
export function parseDataValueSetQuery(
  ctx: SandboxContext,
  user: SandboxUser,
  params: URLSearchParams,
): DataValueSetQuery {
  return parseQuery(ctx, user, params, true);
}

/** `/api/analytics` (the grid). */
export function parseAnalyticsQuery(
  ctx: SandboxContext,
  user: SandboxUser,
  params: URLSearchParams,
): AnalyticsQuery {
  return parseQuery(ctx, user, params, false);
}
