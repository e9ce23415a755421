import type { AnalyticsEnrollmentRow, AnalyticsEventRow } from '../../program-indicators/types.ts';
import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { atLeast, type Dhis2Version } from '../version.ts';
import { roundedValue } from './format.ts';
import { type RecordHeader, recordHeaders } from './record-headers.ts';
import type { IndicatorItem, RecordEndpoint, RecordQuery } from './record-query.ts';
import { parseRecordQuery } from './record-query.ts';
import { type ListedRecord, listRecords } from './record-rows.ts';

type Cell = string | number | null;

export interface RecordGrid {
  readonly headers: readonly RecordHeader[];
  readonly metaData: Record<string, unknown>;
  readonly rowContext: Record<string, never>;
  readonly rows: readonly (readonly Cell[])[];
  readonly height: number;
  readonly width: number;
  readonly headerWidth: number;
}

/** `GET /api/analytics/{events|enrollments}/query/{program}`: read, list, sort, page, then shape. */
export function evaluateRecordQuery(
  ctx: SandboxContext,
  user: SandboxUser,
  endpoint: RecordEndpoint,
  program: string,
  params: URLSearchParams,
): RecordGrid {
  const query = parseRecordQuery(ctx, user, endpoint, program, params);
  const all = sortRecords(ctx, query, listRecords(ctx, query));
  const offset = query.paging ? (query.page - 1) * query.pageSize : 0;
  const page = query.paging ? all.slice(offset, offset + query.pageSize) : all;
  const headers = recordHeaders(ctx, query);
  let rows = page.map((record) => headers.map((h) => cellOf(ctx, query, h.name, record)));
  let shown = headers;
  // `maybeApplyHeaders` (2.38+): only the columns asked for, in the order asked.
  if (query.headers) {
    const at = query.headers
      .map((name) => headers.findIndex((h) => h.name === name))
      .filter((i) => i >= 0);
    shown = at.map((i) => headers[i]!);
    rows = rows.map((row) => at.map((i) => row[i]!));
  }
  return {
    headers: shown,
    metaData: query.skipMeta ? {} : metaDataOf(ctx, query, all.length, page.length),
    rowContext: {},
    rows,
    height: rows.length,
    width: shown.length,
    headerWidth: shown.length,
  };
}

/**
 * `getSortClause`: `asc` columns, then `desc` ones, an indicator by its value; NULLs as PostgreSQL
 * puts them (last ascending, first descending) up to 2.39, `nulls last` both ways from 2.40. Without
 * them DHIS2 writes no ORDER BY and PostgreSQL gives the table's order, which the sandbox keeps
 * (events by event date, as the run copied them).
 */
function sortRecords(
  ctx: SandboxContext,
  query: RecordQuery,
  records: ListedRecord[],
): ListedRecord[] {
  if (query.order.length === 0) return records;
  const nullsLast = atLeast(ctx.version, 40);
  const keyOf = (column: string, record: ListedRecord): string | number | null => {
    const item = query.items.findIndex((i) => i.object.id === column);
    if (item >= 0) return record.values[item] ?? null;
    const cell = cellOf(ctx, query, column, record);
    return cell === '' ? null : cell;
  };
  const keyed = records.map((record) => ({
    record,
    keys: query.order.map(({ column }) => keyOf(column, record)),
  }));
  keyed.sort((a, b) => {
    for (const [i, { descending }] of query.order.entries()) {
      const x = a.keys[i] ?? null;
      const y = b.keys[i] ?? null;
      if (x === y) continue;
      const nullFirst = descending && !nullsLast;
      if (x === null) return nullFirst ? -1 : 1;
      if (y === null) return nullFirst ? 1 : -1;
      const order =
        typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
      return descending ? -order : order;
    }
    return 0;
  });
  return keyed.map(({ record }) => record);
}

/** `Timestamp.toString()`, as the row set gives timestamp columns: `2022-04-07 00:00:00.0`. */
export function timestampText(iso: string | null | undefined): string {
  if (!iso) return '';
  const [date = '', time = ''] = iso.split('T');
  const [clock, fraction = ''] = time.replace(/(Z|[+-]\d\d:?\d\d)$/, '').split('.');
  const hms = `${clock || '00'}:00:00`.slice(0, 8);
  const digits = fraction.replace(/0+$/, '');
  return `${date} ${hms}.${digits || '0'}`;
}

function cellOf(ctx: SandboxContext, query: RecordQuery, name: string, record: ListedRecord): Cell {
  const item = query.items.findIndex((i) => i.object.id === name);
  if (item >= 0) return indicatorCell(ctx, query.items[item]!, record.values[item] ?? null);
  const row = record.row;
  const event = row.kind === 'event' ? row : undefined;
  const enrollment: AnalyticsEnrollmentRow | undefined =
    row.kind === 'enrollment' ? row : row.enrollmentRow;
  const unit = ctx.orgUnits.get(row.orgUnit);
  return fixedCell(ctx.version, name, row, event, enrollment, () => ({
    name: String(unit?.name ?? ''),
    code: typeof unit?.code === 'string' ? unit.code : '',
    hierarchy: (ctx.orgUnits.path(row.orgUnit) ?? '')
      .split('/')
      .filter(Boolean)
      .map((id) => String(ctx.orgUnits.get(id)?.name ?? id))
      .join(' / '),
  }));
}

function fixedCell(
  version: Dhis2Version,
  name: string,
  row: AnalyticsEventRow | AnalyticsEnrollmentRow,
  event: AnalyticsEventRow | undefined,
  enrollment: AnalyticsEnrollmentRow | undefined,
  unit: () => { name: string; code: string; hierarchy: string },
): Cell {
  switch (name) {
    case 'psi':
      return event?.id ?? '';
    case 'ps':
      return event?.programStage ?? '';
    case 'eventdate':
      return timestampText(event?.occurredAt);
    case 'lastupdated':
      return timestampText(row.lastUpdated);
    case 'created':
      return timestampText(event?.created);
    case 'completed':
      return timestampText(row.completedAt);
    case 'scheduleddate':
      return timestampText(event?.scheduledAt);
    case 'enrollmentdate':
      return timestampText(enrollment?.enrolledAt);
    case 'incidentdate':
      return timestampText(enrollment?.occurredAt);
    case 'tei':
      return row.trackedEntity ?? '';
    case 'pi':
      return enrollment?.id ?? '';
    case 'longitude':
    case 'latitude':
      // The event query rounds `rowSet.getDouble(…)`: no geometry reads 0.0 (EventQueryTest 2.41.0).
      // The enrollment query's `addGridValue` reads the object from 2.39: no geometry is ""
      // (EnrollmentQueryTest 2.41.0), 0.0 before.
      return event || !atLeast(version, 39) ? 0 : '';
    case 'ou':
      return row.orgUnit;
    case 'ouname':
      return unit().name;
    case 'oucode':
      return unit().code;
    case 'ounamehierarchy':
      return unit().hierarchy;
    case 'programstatus':
      // An event programme's events belong to its one ACTIVE enrollment.
      return enrollment?.status ?? 'ACTIVE';
    case 'eventstatus':
      return event?.status ?? '';
    default:
      // storedby, createdbydisplayname, lastupdatedbydisplayname, geometry: not kept by the sandbox.
      return '';
  }
}

/**
 * A program indicator's cell (`AbstractJdbcEventAnalyticsManager.addGridValue`, JdbcEventAnalyticsManager
 * before 2.38): up to 2.38 `rowSet.getDouble` (NULL reads 0.0) rounded by `MathUtils.getRounded`, a
 * number; 2.39 the object as read (NULL → ""), a number; 2.40 a BigDecimal rounded by
 * `AnalyticsUtils.getRoundedValue` with the indicator's decimals, a number, and a Long (a `count`) its
 * text; from 2.41 a BigDecimal rounded then `stripTrailingZeros().toPlainString()`, text ("0", "2.5").
 */
function indicatorCell(ctx: SandboxContext, item: IndicatorItem, value: number | null): Cell {
  const integral = item.compiled.valueType === 'bigint' || item.compiled.valueType === 'integer';
  if (!atLeast(ctx.version, 39))
    return roundedValue(ctx.version, value ?? 0, undefined, false).value;
  if (value === null) return '';
  if (integral) return atLeast(ctx.version, 40) ? String(value) : value;
  if (!atLeast(ctx.version, 40)) return value;
  const rounded = roundedValue(ctx.version, value, item.compiled.decimals, false).value;
  return atLeast(ctx.version, 41) ? plain(rounded) : rounded;
}

/** `BigDecimal.valueOf(double).stripTrailingZeros().toPlainString()`. */
function plain(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(10).replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * `addMetadata` and `maybeApplyPaging`: the pager (`Pager`: page, total, pageSize, pageCount; with
 * `totalPages=false` a `SlimPager`: page, pageSize, isLastPage), the items' names and the dimensions.
 */
function metaDataOf(
  ctx: SandboxContext,
  query: RecordQuery,
  total: number,
  shown: number,
): Record<string, unknown> {
  const pager = !query.paging
    ? undefined
    : query.totalPages
      ? {
          page: query.page,
          total,
          pageSize: query.pageSize,
          pageCount: Math.ceil(total / query.pageSize),
        }
      : {
          page: query.page,
          pageSize: query.pageSize,
          isLastPage: (query.page - 1) * query.pageSize + shown >= total,
        };
  const details = query.includeMetadataDetails;
  const items: Record<string, Record<string, unknown>> = {
    ou: {
      ...(details ? { uid: 'ou' } : {}),
      name: 'Organisation unit',
      ...(details ? { dimensionType: 'ORGANISATION_UNIT' } : {}),
    },
    [query.program.id]: {
      ...(details ? { uid: query.program.id } : {}),
      name: String(query.program.name ?? ''),
    },
  };
  if (query.stage) items[query.stage.id] = { name: String(query.stage.name ?? '') };
  for (const period of query.periods) items[period.id] = { name: period.id };
  for (const unit of query.orgUnits) {
    const object = ctx.orgUnits.get(unit);
    items[unit] = details
      ? {
          uid: unit,
          code: object?.code,
          name: String(object?.name ?? unit),
          dimensionItemType: 'ORGANISATION_UNIT',
          valueType: 'TEXT',
          totalAggregationType: 'SUM',
        }
      : { name: String(object?.name ?? unit) };
  }
  for (const { object } of query.items)
    items[object.id] = details
      ? {
          uid: object.id,
          code: object.code,
          name: String(object.name ?? ''),
          dimensionItemType: 'PROGRAM_INDICATOR',
          valueType: 'NUMBER',
          totalAggregationType: 'SUM',
        }
      : { name: String(object.name ?? '') };
  return {
    ...(pager ? { pager } : {}),
    items,
    dimensions: {
      pe: [],
      ou: [...query.orgUnits],
      ...Object.fromEntries(query.items.map(({ object }) => [object.id, []])),
    },
  };
}
