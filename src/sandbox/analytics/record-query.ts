import type { CompiledProgramIndicator } from '../../program-indicators/types.ts';
import type { SandboxContext } from '../context.ts';
import { hasAuthority, type SandboxUser } from '../http/env.ts';
import { UID_SCHEME } from '../metadata/id-scheme.ts';
import { type MetadataObject, refIds } from '../metadata/store.ts';
import type { Period } from '../periods/period.ts';
import { atLeast } from '../version.ts';
import { readDimensionParams, resolveDimension, todayFor } from './dimensions.ts';
import { AnalyticsQueryError, AnalyticsRequestError, queryError } from './errors.ts';
import { decideAccess } from './query.ts';
import { answerFailure } from './query-failures.ts';
import { compiledIndicator, recordUnsupportedQuery } from './unsupported.ts';

/*
 * The event and enrollment query analytics (`GET /api/analytics/events/query/{program}`,
 * `…/enrollments/query/{program}`): `EventQueryController`/`EventAnalyticsController.getQueryJson`
 * and `EnrollmentAnalyticsController.getQueryJson` (2.36.0–2.43.1) read the request
 * (`EventDataQueryService.getFromRequest`: `DefaultQueryItemLocator` for the items), then
 * `EventQueryValidator` checks it. Only what a listing of program indicator values needs is read:
 * ou, pe or startDate/endDate, program indicators as items (with `op:value` filters), stage, ouMode,
 * paging, sorting and the headers asked for.
 */

export type RecordEndpoint = 'events' | 'enrollments';

/** `QueryOperator`s a program indicator item may be filtered by (`QueryFilter`). */
export type ItemOperator = 'EQ' | 'NE' | 'GT' | 'GE' | 'LT' | 'LE';

export interface ItemFilter {
  readonly operator: ItemOperator;
  /** A number, or null for `NV` (no value). */
  readonly value: number | null;
}

export interface IndicatorItem {
  readonly object: MetadataObject;
  readonly compiled: CompiledProgramIndicator;
  readonly filters: readonly ItemFilter[];
}

/** The date columns a row is chosen by (`TimeField`). */
export type DateColumn =
  | 'eventdate'
  | 'enrollmentdate'
  | 'incidentdate'
  | 'scheduleddate'
  | 'lastupdated'
  | 'created'
  | 'completed';

/** One date range on a column, inclusive. */
export interface DateRange {
  readonly column: DateColumn;
  readonly startDate: string;
  readonly endDate: string;
}

export interface RecordQuery {
  readonly endpoint: RecordEndpoint;
  readonly program: MetadataObject;
  readonly stage: MetadataObject | undefined;
  readonly orgUnits: readonly string[];
  readonly ouMode: 'DESCENDANTS' | 'SELECTED' | 'CHILDREN';
  readonly periods: readonly Period[];
  /**
   * The rows' dates: a row is listed when one range holds (`TimeFieldSqlRenderer.getDateRangeCondition`
   * joins them with `or`).
   */
  readonly ranges: readonly DateRange[];
  /** The earliest start and the latest end (`getEarliestStartDate`, `getLatestEndDate`). */
  readonly startDate: string;
  readonly endDate: string;
  readonly items: readonly IndicatorItem[];
  readonly page: number;
  readonly pageSize: number;
  readonly paging: boolean;
  readonly totalPages: boolean;
  readonly order: readonly { readonly column: string; readonly descending: boolean }[];
  readonly headers: readonly string[] | undefined;
  readonly includeMetadataDetails: boolean;
  readonly skipMeta: boolean;
  readonly today: Date;
}

const OPERATORS = new Set(['EQ', 'NE', 'GT', 'GE', 'LT', 'LE']);

/** `QueryItem` filters: `uid:GT:0`, `uid:GT:0:LT:10`, `uid:NE:NV` (E7222 when they do not read). */
function readFilters(dimension: string, parts: readonly string[]): ItemFilter[] {
  const filters: ItemFilter[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const operator = parts[i]!.toUpperCase();
    const text = parts[i + 1];
    const value = text === 'NV' ? null : Number(text);
    if (!OPERATORS.has(operator) || text === undefined || Number.isNaN(value))
      throw new AnalyticsQueryError(`Query item or filter is invalid: \`${dimension}\``, 'E7222');
    filters.push({ operator: operator as ItemOperator, value });
  }
  return filters;
}

/**
 * `DefaultQueryItemLocator.getProgramIndicator`: an indicator of the programme (the programme's
 * `programIndicators`, or the indicator's own `program`) is an item; anything else the sandbox does not
 * list is E7224.
 */
function indicatorItem(ctx: SandboxContext, program: MetadataObject, text: string): IndicatorItem {
  const [id = '', ...parts] = text.split(':');
  const object = ctx.metadata.get('programIndicators', id);
  const ofProgram =
    object &&
    ((object.program as { id?: string } | undefined)?.id === program.id ||
      refIds(program.programIndicators).includes(id));
  if (!object || !ofProgram)
    throw new AnalyticsQueryError(
      `Item identifier does not reference any data element, attribute or indicator part of the program: \`${id}\``,
      'E7224',
    );
  const result = compiledIndicator(ctx, object);
  if (!result.ok) {
    // What DHIS2 cannot run fails the query as the aggregate one fails (one statement); before the
    // versions that rethrow SQL errors, the query's own SQL error is a 500.
    if (result.dhis2Error) {
      answerFailure(ctx, result.dhis2Error, true);
      throw new AnalyticsRequestError(result.dhis2Error.dbMessage, 500);
    }
    recordUnsupportedQuery(ctx, object, result.reason);
    throw new AnalyticsRequestError(`The sandbox cannot list ${id}: ${result.reason}`, 500);
  }
  return { object, compiled: result.indicator, filters: readFilters(text, parts) };
}

/** `asc=eventdate;ouname`, `desc=lastupdated` (`EventDataQueryService.getSortItems`). */
function readOrder(params: URLSearchParams) {
  const split = (name: string) =>
    params
      .getAll(name)
      .flatMap((value) => value.split(/[;,]/))
      .filter(Boolean);
  return [
    ...split('asc').map((column) => ({ column, descending: false })),
    ...split('desc').map((column) => ({ column, descending: true })),
  ];
}

const positive = (text: string | null, fallback: number) => {
  const value = Number(text);
  return text && Number.isInteger(value) && value > 0 ? value : fallback;
};

/** Reads a request in DHIS2's order: authority, programme, dimensions and items, then the rules. */
export function parseRecordQuery(
  ctx: SandboxContext,
  user: SandboxUser,
  endpoint: RecordEndpoint,
  programId: string,
  params: URLSearchParams,
): RecordQuery {
  // DefaultAnalyticsSecurityManager.decideAccessEventQuery.
  if (!hasAuthority(user, 'F_VIEW_EVENT_ANALYTICS')) throw queryError('E7217', user.username);
  const program = ctx.metadata.get('programs', programId);
  if (!program)
    throw new AnalyticsQueryError(
      `Program is specified but does not exist: \`${programId}\``,
      'E7129',
    );
  const stageId = params.get('stage');
  const stage = stageId ? ctx.metadata.get('programStages', stageId) : undefined;
  if (stageId && !stage)
    throw new AnalyticsQueryError(
      `Program stage is specified but does not exist: \`${stageId}\``,
      'E7130',
    );
  const today = todayFor(ctx, params.get('relativePeriodDate'));
  const dc = {
    ctx,
    user,
    inputIdScheme: UID_SCHEME,
    today,
    now: ctx.clock.now(),
    userOrgUnits: undefined,
  };
  const periods: Period[] = [];
  const orgUnits: string[] = [];
  const items: IndicatorItem[] = [];
  for (const param of readDimensionParams([
    ...params.getAll('dimension'),
    ...params.getAll('filter'),
  ])) {
    if (param.id === 'pe' || param.id === 'ou') {
      const resolved = resolveDimension(dc, param);
      if ('periods' in resolved) periods.push(...resolved.periods);
      if ('orgUnits' in resolved) orgUnits.push(...resolved.orgUnits);
    } else items.push(indicatorItem(ctx, program, [param.id, ...param.items].join(':')));
  }
  // decideAccessEventQuery → decideAccessDataViewOrganisationUnits, as the aggregate query.
  decideAccess(ctx, user, orgUnits);
  const dates = queryDates(ctx, dc, endpoint, params, periods);
  // EventQueryValidator.getValidationError: E7200 before E7205.
  if (orgUnits.length === 0)
    throw new AnalyticsQueryError('At least one organisation unit must be specified', 'E7200');
  if (!dates)
    throw new AnalyticsQueryError(
      'Start and end date or at least one period must be specified',
      'E7205',
    );
  const ouMode = params.get('ouMode')?.toUpperCase();
  const headers = params.get('headers');
  return {
    endpoint,
    program,
    stage,
    orgUnits,
    ouMode: ouMode === 'SELECTED' || ouMode === 'CHILDREN' ? ouMode : 'DESCENDANTS',
    periods,
    ...dates,
    items,
    page: positive(params.get('page'), 1),
    pageSize: positive(params.get('pageSize'), 50),
    paging: params.get('paging') !== 'false',
    // AnalyticsPagingCriteria.totalPages: true unless said (2.38+); 2.36–2.37 always count.
    totalPages: !atLeast(ctx.version, 38) || params.get('totalPages') !== 'false',
    order: readOrder(params),
    // `headers` is read from 2.38 (`maybeApplyHeaders`).
    headers: headers && atLeast(ctx.version, 38) ? headers.split(',').filter(Boolean) : undefined,
    includeMetadataDetails: params.get('includeMetadataDetails') === 'true',
    skipMeta: params.get('skipMeta') === 'true',
    today,
  };
}

const TIME_FIELDS: Record<string, DateColumn> = {
  EVENT_DATE: 'eventdate',
  OCCURRED_DATE: 'eventdate',
  ENROLLMENT_DATE: 'enrollmentdate',
  INCIDENT_DATE: 'incidentdate',
  SCHEDULED_DATE: 'scheduleddate',
  LAST_UPDATED: 'lastupdated',
  CREATED: 'created',
  COMPLETED_DATE: 'completed',
};

/**
 * The date parameters of the query criteria (`EventsAnalyticsQueryCriteria`,
 * `EnrollmentAnalyticsQueryCriteria`, 2.38+): periods, relative periods or `yyyy-MM-dd_yyyy-MM-dd`,
 * comma-separated, each on its column.
 */
const DATE_PARAMS: Record<RecordEndpoint, Record<string, DateColumn>> = {
  events: {
    eventDate: 'eventdate',
    occurredDate: 'eventdate',
    enrollmentDate: 'enrollmentdate',
    incidentDate: 'incidentdate',
    scheduledDate: 'scheduleddate',
    lastUpdated: 'lastupdated',
  },
  enrollments: {
    enrollmentDate: 'enrollmentdate',
    incidentDate: 'incidentdate',
    lastUpdated: 'lastupdated',
  },
};

/**
 * The query's date ranges: the periods as one range from the earliest start to the latest end
 * (`withStartEndDatesForPeriods`), or `startDate`/`endDate`, on the `timeField` column (event date,
 * enrollment date by default); then, from 2.38, each date parameter's ranges on its own column.
 */
function queryDates(
  ctx: SandboxContext,
  dc: Parameters<typeof resolveDimension>[0],
  endpoint: RecordEndpoint,
  params: URLSearchParams,
  periods: readonly Period[],
): { ranges: DateRange[]; startDate: string; endDate: string } | undefined {
  const v38 = atLeast(ctx.version, 38);
  const timeField = v38 ? TIME_FIELDS[params.get('timeField')?.toUpperCase() ?? ''] : undefined;
  const column = timeField ?? (endpoint === 'events' ? 'eventdate' : 'enrollmentdate');
  const ranges: DateRange[] = [];
  const day = /^\d{4}-\d{2}-\d{2}/;
  const start = params.get('startDate');
  const end = params.get('endDate');
  if (periods.length > 0)
    ranges.push({
      column,
      startDate: periods.map((p) => p.startDate).sort()[0]!,
      endDate: periods
        .map((p) => p.endDate)
        .sort()
        .at(-1)!,
    });
  else if (start && end && day.test(start) && day.test(end))
    ranges.push({ column, startDate: start.slice(0, 10), endDate: end.slice(0, 10) });
  if (v38)
    for (const [name, own] of Object.entries(DATE_PARAMS[endpoint]))
      for (const item of params.get(name)?.split(/[,;]/).filter(Boolean) ?? []) {
        const range = /^(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})$/.exec(item);
        if (range) ranges.push({ column: own, startDate: range[1]!, endDate: range[2]! });
        else {
          const resolved = resolveDimension(dc, { id: 'pe', items: [item] });
          if ('periods' in resolved)
            for (const p of resolved.periods)
              ranges.push({ column: own, startDate: p.startDate, endDate: p.endDate });
        }
      }
  if (ranges.length === 0) return undefined;
  return {
    ranges,
    startDate: ranges.map((r) => r.startDate).sort()[0]!,
    endDate: ranges
      .map((r) => r.endDate)
      .sort()
      .at(-1)!,
  };
}
