import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { type IdScheme, parseIdScheme } from '../metadata/id-scheme.ts';
import { type Period, parsePeriod } from '../periods/period.ts';
import { isRelativePeriod, resolveRelativePeriod } from '../periods/relative-period.ts';
import { atLeast } from '../version.ts';

/** An analytics query refused as DHIS2 refuses it: 409 with an E71xx code (`ErrorCode.java`). */
export class AnalyticsQueryError extends Error {
  constructor(
    message: string,
    readonly errorCode: string,
  ) {
    super(message);
  }
}

export interface DataValueSetQuery {
  readonly dataItems: string[];
  readonly periods: Period[];
  readonly orgUnits: string[];
  readonly itemScheme: IdScheme;
  readonly orgUnitScheme: IdScheme;
  readonly skipRounding: boolean;
}

function dimensions(params: URLSearchParams): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const dimension of params.getAll('dimension')) {
    const colon = dimension.indexOf(':');
    const id = colon < 0 ? dimension : dimension.slice(0, colon);
    found.set(
      id,
      colon < 0
        ? []
        : dimension
            .slice(colon + 1)
            .split(';')
            .filter(Boolean),
    );
  }
  return found;
}

function resolvePeriods(
  ctx: SandboxContext,
  items: readonly string[],
  relativeDate: string | null,
): Period[] {
  const today = relativeDate ? new Date(`${relativeDate}T12:00:00Z`) : ctx.clock.now();
  const periods = new Map<string, Period>();
  for (const item of items) {
    const resolved = isRelativePeriod(item)
      ? resolveRelativePeriod(item, today)
      : [parsePeriod(item)];
    for (const period of resolved ?? []) if (period) periods.set(period.id, period);
  }
  return [...periods.values()];
}

/** `ou` items: UIDs, LEVEL-n (with plain UIDs as boundaries), OU_GROUP-uid, USER_ORGUNIT and its children. */
function resolveOrgUnits(
  ctx: SandboxContext,
  user: SandboxUser,
  items: readonly string[],
): string[] {
  const tree = ctx.orgUnits;
  const plain = items.filter((item) => tree.get(item));
  const result = new Set<string>();
  const userRoots = user.dataViewOrgUnits;
  const boundaries = () => (plain.length > 0 ? plain : userRoots);
  let selectorUsed = false;
  for (const item of items) {
    if (item === 'USER_ORGUNIT') userRoots.forEach((id) => result.add(id));
    else if (item === 'USER_ORGUNIT_CHILDREN' || item === 'USER_ORGUNIT_GRANDCHILDREN') {
      const depth = item === 'USER_ORGUNIT_CHILDREN' ? 1 : 2;
      for (const root of userRoots)
        for (const id of tree.atLevel((tree.level(root) ?? 1) + depth, [root])) result.add(id);
    } else if (item.startsWith('LEVEL-')) {
      selectorUsed = true;
      const key = item.slice('LEVEL-'.length);
      const level = /^\d+$/.test(key)
        ? Number(key)
        : Number(ctx.metadata.get('organisationUnitLevels', key)?.level);
      for (const id of tree.atLevel(level, boundaries())) result.add(id);
    } else if (item.startsWith('OU_GROUP-')) {
      selectorUsed = true;
      const members = tree.inGroup(item.slice('OU_GROUP-'.length));
      for (const id of members) if (plain.length === 0 || tree.isWithin(id, plain)) result.add(id);
    }
  }
  // With LEVEL- or OU_GROUP- items, plain UIDs are boundaries, not items (analytics docs, Dimensions).
  if (!selectorUsed) plain.forEach((id) => result.add(id));
  return [...result];
}

function outputSchemes(
  ctx: SandboxContext,
  params: URLSearchParams,
): { itemScheme: IdScheme; orgUnitScheme: IdScheme } {
  try {
    const general = parseIdScheme(params.get('outputIdScheme'));
    // outputDataItemIdScheme exists from 2.41 (AggregateAnalyticsQueryCriteria); before it, Spring ignores it.
    const items = atLeast(ctx.version, 41)
      ? parseIdScheme(params.get('outputDataItemIdScheme'), general)
      : general;
    const orgUnits = parseIdScheme(params.get('outputOrgUnitIdScheme'), general);
    parseIdScheme(params.get('outputDataElementIdScheme'));
    return { itemScheme: items, orgUnitScheme: orgUnits };
  } catch (error) {
    throw new AnalyticsQueryError((error as Error).message, 'E7100');
  }
}

/** Reads `/api/analytics/dataValueSet` parameters as DHIS2's DataQueryService and QueryValidator do. */
export function parseDataValueSetQuery(
  ctx: SandboxContext,
  user: SandboxUser,
  params: URLSearchParams,
): DataValueSetQuery {
  const dims = dimensions(params);
  // validateOutputFormat (DefaultQueryValidator): dx, pe and ou must be dimensions for DATA_VALUE_SET.
  if (!dims.has('dx'))
    throw new AnalyticsQueryError(
      'A data dimension `dx` must be specified when output format is DATA_VALUE_SET',
      'E7117',
    );
  if (!dims.has('pe'))
    throw new AnalyticsQueryError(
      'A period dimension `pe` must be specified when output format is DATA_VALUE_SET',
      'E7118',
    );
  if (!dims.has('ou'))
    throw new AnalyticsQueryError(
      'An organisation unit dimension `ou` must be specified when output format is DATA_VALUE_SET',
      'E7119',
    );
  const dataItems = dims.get('dx')!.filter((id) => ctx.metadata.get('programIndicators', id));
  if (dataItems.length === 0)
    throw new AnalyticsQueryError(
      'Dimension is present in query without any valid dimension options: `dx`',
      'E7124',
    );
  const periods = resolvePeriods(ctx, dims.get('pe')!, params.get('relativePeriodDate'));
  if (periods.length === 0)
    throw new AnalyticsQueryError(
      'Dimension is present in query without any valid dimension options: `pe`',
      'E7124',
    );
  const orgUnits = resolveOrgUnits(ctx, user, dims.get('ou')!);
  if (orgUnits.length === 0) {
    throw atLeast(ctx.version, 42)
      ? new AnalyticsQueryError(
          'Organisation unit or organisation unit level is not valid',
          'E7143',
        )
      : new AnalyticsQueryError(
          'Dimension is present in query without any valid dimension options: `ou`',
          'E7124',
        );
  }
  for (const orgUnit of orgUnits) {
    if (!user.superuser && !ctx.orgUnits.isWithin(orgUnit, user.dataViewOrgUnits)) {
      throw new AnalyticsQueryError(
        `User: \`${user.username}\` is not allowed to view org unit: \`${orgUnit}\``,
        'E7120',
      );
    }
  }
  return {
    dataItems,
    periods,
    orgUnits,
    ...outputSchemes(ctx, params),
    skipRounding: params.get('skipRounding') === 'true',
  };
}
