import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { type IdScheme, parseIdScheme, UID_SCHEME } from '../metadata/id-scheme.ts';
import { refIds } from '../metadata/store.ts';
import type { Period } from '../periods/period.ts';
import { atLeast } from '../version.ts';
import {
  type DataItem,
  type ResolvedDimension,
  readDimensionParams,
  resolveDimension,
  todayFor,
} from './dimensions.ts';
import { AnalyticsRequestError, queryError } from './errors.ts';

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

export interface DataValueSetQuery {
  readonly dataItems: readonly DataItem[];
  readonly periods: readonly Period[];
  readonly orgUnits: readonly string[];
  readonly schemes: OutputSchemes;
  readonly skipRounding: boolean;
  readonly measureCriteria: readonly MeasureCriterion[];
}

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
function decideAccess(ctx: SandboxContext, user: SandboxUser, orgUnits: readonly string[]): void {
  const explicit = refIds(ctx.metadata.get('users', user.id)?.dataViewOrganisationUnits);
  const roots = atLeast(ctx.version, 43) ? user.dataViewOrgUnits : explicit;
  if (roots.length === 0) return;
  for (const orgUnit of orgUnits)
    if (!ctx.orgUnits.isWithin(orgUnit, roots)) throw queryError('E7120', user.username, orgUnit);
}

/**
 * `DefaultQueryValidator.validateForErrorMessage` for DATA_VALUE_SET. Up to 2.40.10, 2.41.6 and 2.42.3
 * it ran two if-chains and the second one's error won; from 2.40.11, 2.41.7, 2.42.4 and 2.43.0 the
 * first error found is returned (commits 5047a968875, 877b8580132, 57c4e7552d2, b94d3bb0c9e).
 */
function validate(
  ctx: SandboxContext,
  dims: readonly ResolvedDimension[],
  filters: readonly ResolvedDimension[],
): void {
  const has = (list: readonly ResolvedDimension[], id: string) => list.some((d) => d.id === id);
  const both = dims.filter((d) => has(filters, d.id)).map((d) => d.id);
  const dataOptions = [...dims, ...filters].some((d) => d.id === 'dx');
  const first =
    dims.length === 0
      ? queryError('E7101')
      : !dataOptions
        ? queryError('E7102')
        : both.length > 0
          ? queryError('E7103', both.join(', '))
          : undefined;
  const ids = dims.map((d) => d.id);
  const duplicates = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  const hasPeriods = [...dims, ...filters].some((d) => 'periods' in d && d.periods.length > 0);
  const second = !hasPeriods
    ? queryError('E7104')
    : duplicates.length > 0
      ? queryError('E7111', duplicates.join(', '))
      : !has(dims, 'dx')
        ? queryError('E7117')
        : !has(dims, 'pe')
          ? queryError('E7118')
          : !has(dims, 'ou')
            ? queryError('E7119')
            : undefined;
  const v = ctx.version;
  const firstWins =
    atLeast(v, 43) ||
    (v.minor === 42 && v.patch >= 4) ||
    (v.minor === 41 && v.patch >= 7) ||
    (v.minor === 40 && v.patch >= 11);
  const error = firstWins ? (first ?? second) : (second ?? first);
  if (error) throw error;
}

/** Reads `/api/analytics/dataValueSet` parameters in DHIS2's order: binding, dimensions, access, rules. */
export function parseDataValueSetQuery(
  ctx: SandboxContext,
  user: SandboxUser,
  params: URLSearchParams,
): DataValueSetQuery {
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
  validate(ctx, dims, filters);
  let dataItems: readonly DataItem[] = [];
  let periods: readonly Period[] = [];
  let dimensionOrgUnits: readonly string[] = [];
  for (const d of [...dims].reverse()) {
    if ('items' in d) dataItems = d.items;
    else if ('periods' in d) periods = d.periods;
    else if ('orgUnits' in d) dimensionOrgUnits = d.orgUnits;
  }
  return {
    dataItems,
    periods,
    orgUnits: dimensionOrgUnits,
    schemes: outputSchemes(schemes),
    skipRounding: params.get('skipRounding') === 'true',
    measureCriteria: readMeasureCriteria(params.get('measureCriteria')),
  };
}
