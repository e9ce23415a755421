import type { AnalyticsEnrollmentRow, AnalyticsEventRow, AnalyticsRow } from '../types.ts';
import { enrollmentOf, inWindow } from './boundaries.ts';
import type { PiDialect } from './dialect.ts';
import {
  type EvalCtx,
  type Expr,
  readText,
  SqlStaticError,
  type SqlType,
  type Value,
} from './sql-types.ts';

/**
 * The columns of DHIS2's analytics tables as program indicator SQL reads them
 * (`JdbcEventAnalyticsTableManager`, `JdbcEnrollmentAnalyticsTableManager`): a data element is a
 * column of the program's event table typed by its value type (`AnalyticsUtils.getColumnType`: double
 * precision, bigint, integer for yes/no, timestamp for dates, else text), an attribute a column of both
 * tables; a name the table lacks fails with 42703.
 */
export interface ProgramColumns {
  /** The event table's data element columns; undefined when the metadata at hand cannot tell. */
  readonly dataElements: ReadonlySet<string> | undefined;
  /** The attribute columns of both tables; undefined when the metadata at hand cannot tell. */
  readonly attributes: ReadonlySet<string> | undefined;
  /** `(select name from programstage where uid = ps)`. */
  readonly stageName: (stage: string) => string | null;
  /** `ProgramStage.getRepeatable()` (a stage not found is not repeatable). */
  readonly repeatable: (stage: string) => boolean;
}

/** An item of the expression as `ProgramElementsAndAttributesCollecter` names its column. */
export interface ExpressionItemRef {
  readonly kind: 'dataElement' | 'attribute';
  readonly id: string;
  /** EVENT: the UID; ENROLLMENT: `stage_de` for a data element. */
  readonly column: string;
}

export interface PiContext {
  readonly dialect: PiDialect;
  readonly analyticsType: 'EVENT' | 'ENROLLMENT';
  readonly program: ProgramColumns;
  /** A data element's or attribute's value type, undefined when it is not in the metadata. */
  readonly valueType: (kind: 'dataElement' | 'attribute', id: string) => string | undefined;
  readonly constant: (id: string) => number | undefined;
  /** `ProgramElementsAndAttributesCollecter` over the indicator's expression (V{value_count}, any-value). */
  readonly expressionItems: readonly ExpressionItemRef[];
}

const DECIMAL = new Set(['NUMBER', 'UNIT_INTERVAL', 'PERCENTAGE']);
const INTEGER = new Set([
  'INTEGER',
  'INTEGER_POSITIVE',
  'INTEGER_NEGATIVE',
  'INTEGER_ZERO_OR_POSITIVE',
]);
const BOOLEAN = new Set(['BOOLEAN', 'TRUE_ONLY']);
const DATE = new Set(['DATE', 'DATETIME', 'AGE']);

/** `AnalyticsUtils.getColumnType`. */
export function columnType(valueType: string | undefined): SqlType {
  if (valueType && DECIMAL.has(valueType)) return 'double precision';
  if (valueType && INTEGER.has(valueType)) return 'bigint';
  if (valueType && BOOLEAN.has(valueType)) return 'integer';
  if (valueType && DATE.has(valueType)) return 'timestamp';
  return 'text';
}

/** `DataType.fromValueType`: what null replacement treats the item as. */
export function replacementKind(valueType: string | undefined): 'number' | 'text' {
  return valueType && (DECIMAL.has(valueType) || INTEGER.has(valueType) || BOOLEAN.has(valueType))
    ? 'number'
    : 'text';
}

/** A date as PostgreSQL prints a timestamp: `yyyy-MM-dd HH:mm:ss[.fff]`. */
export function timestamp(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?)?/.exec(raw);
  if (!match) return null;
  const time = match[2] ? (match[2].length === 5 ? `${match[2]}:00` : match[2]) : '00:00:00';
  const fraction = (match[3] ?? '').replace(/0+$/, '').replace(/^\.$/, '');
  return `${match[1]} ${time}${fraction}`;
}

/** A stored value as the table's column holds it (`getSelectClause`: yes/no as 1/0, dates as timestamps). */
export function stored(raw: string | undefined, type: SqlType): Value {
  if (raw === undefined || raw === '') return null;
  if (type === 'integer') return raw === 'true' ? 1 : raw === 'false' ? 0 : null;
  if (type === 'timestamp') return timestamp(raw);
  if (type === 'bigint' || type === 'double precision') return readText(raw, type) ?? null;
  return raw;
}

export const missingColumn = (column: string) =>
  new SqlStaticError('42703', `column "${column}" does not exist`);

/** A row-level column reading the current row. */
export function rowColumn(
  name: string,
  type: SqlType,
  read: (row: AnalyticsRow, ctx: EvalCtx) => Value,
): Expr {
  return {
    type,
    level: 'row',
    column: name,
    eval: (ctx) => (ctx.row ? read(ctx.row, ctx) : null),
  };
}

/** The events sharing the row's enrollment: an event program's events share DHIS2's one enrollment. */
function enrollmentEvents(row: AnalyticsRow): readonly AnalyticsEventRow[] {
  if (row.kind === 'enrollment') return row.events;
  return row.enrollmentRow?.events ?? row.sharedEnrollmentEvents ?? [row];
}

/** The row's key in `pi`/`enrollment` (an event program's events all have its one enrollment). */
export function enrollmentKey(row: AnalyticsRow): string {
  if (row.kind === 'enrollment') return row.id;
  return row.enrollment ?? `program:${row.program}`;
}

const byDate = (a: AnalyticsEventRow, b: AnalyticsEventRow) =>
  a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0;

/**
 * `(select COL from analytics_event_P where pi = ax.pi and COL is not null [end and start event
 * boundaries] [and ps = 's'] [filter] order by occurreddate desc|asc offset k limit 1)`
 * (`getProgramIndicatorEventInEnrollmentSelectSql`): n ≤ 0 the (1−n)-th latest, n > 0 the n-th earliest.
 */
export function latestEventValue(
  ctx: EvalCtx,
  read: (event: AnalyticsEventRow) => Value,
  options: { stage?: string; offset?: number; where?: (event: AnalyticsEventRow) => boolean },
): Value {
  const row = ctx.row;
  if (!row) return null;
  const candidates = enrollmentEvents(row).filter(
    (event) =>
      (!options.stage || event.programStage === options.stage) &&
      inWindow(event.occurredAt, ctx.env.window) &&
      (!options.where || options.where(event)) &&
      read(event) !== null,
  );
  const offset = options.offset ?? 0;
  const sorted = [...candidates].sort(byDate);
  const picked = offset > 0 ? sorted[offset - 1] : sorted[sorted.length - 1 + offset];
  return picked ? read(picked) : null;
}

/** The enrollment's events of a stage inside the event boundaries (count and min/max sub-queries). */
export function stageEvents(ctx: EvalCtx, stage: string): AnalyticsEventRow[] {
  const row = ctx.row;
  if (!row) return [];
  return enrollmentEvents(row).filter(
    (event) => event.programStage === stage && inWindow(event.occurredAt, ctx.env.window),
  );
}

/** The row's enrollment (an ENROLLMENT row itself, or an event's). */
export function enrollmentRowOf(row: AnalyticsRow): AnalyticsEnrollmentRow | undefined {
  return enrollmentOf(row);
}

/** The `created`, `lastupdated`, `scheduleddate`, `completeddate` of an event. */
export const eventDates = {
  created: (e: AnalyticsEventRow) => timestamp(e.created ?? e.occurredAt),
  lastupdated: (e: AnalyticsEventRow) => timestamp(e.lastUpdated ?? e.created ?? e.occurredAt),
  // An event imported without scheduledAt has its occurred date as due date.
  scheduleddate: (e: AnalyticsEventRow) => timestamp(e.scheduledAt ?? e.occurredAt),
  completeddate: (e: AnalyticsEventRow) =>
    e.status === 'COMPLETED' ? timestamp(e.completedAt ?? e.lastUpdated ?? e.occurredAt) : null,
  occurreddate: (e: AnalyticsEventRow) => timestamp(e.occurredAt),
};
