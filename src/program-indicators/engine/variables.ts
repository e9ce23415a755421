import type { AnalyticsEventRow, AnalyticsRow } from '../types.ts';
import {
  type ExpressionItemRef,
  enrollmentKey,
  enrollmentRowOf,
  eventDates,
  latestEventValue,
  missingColumn,
  rowColumn,
  timestamp,
} from './columns.ts';
import { Dhis2ParseError } from './parser.ts';
import { bareAttribute, bareDataElement } from './render-items.ts';
import { type RenderState, requireItem } from './render-state.ts';
import { cast } from './sql-functions.ts';
import { comparison, isNull, nullIf, searchedCase } from './sql-ops.ts';
import { atom, op, type SqlToken, sqlParse } from './sql-parse.ts';
import { constant, type Expr, type SqlType, type Value } from './sql-types.ts';

/**
 * `V{…}` (`ProgramVariableItem`, `program/variable/v*.java`): what each variable reads in an EVENT
 * indicator (the event row) and in an ENROLLMENT one (the enrollment row, or a latest-event sub-query
 * of any stage inside the EVENT_DATE boundaries). Never null-replaced. A name the grammar knows but
 * the map does not is "Can't find program variable".
 */
type Read = (row: AnalyticsRow) => Value;

const event =
  (read: (e: AnalyticsEventRow) => Value): Read =>
  (row) =>
    row.kind === 'event' ? read(row) : null;

function column(name: string, type: SqlType, read: Read): Expr {
  return rowColumn(name, type, read);
}

/** `(select COL from analytics_event_P where pi = ax.pi and COL is not null … order by occurreddate desc limit 1)`. */
function latest(
  name: string,
  type: SqlType,
  read: (e: AnalyticsEventRow) => Value,
  where?: (e: AnalyticsEventRow) => boolean,
): Expr {
  return {
    type,
    level: 'row',
    column: name,
    eval: (ctx) => latestEventValue(ctx, read, where ? { where } : {}),
  };
}

/** A literal DHIS2 writes into the SQL when it generates it (`'2024-01-01'`). */
function generated(sample: string, read: (ctx: Parameters<Expr['eval']>[0]) => string): Expr {
  return { type: 'unknown', level: 'const', sample, eval: read };
}

const distinct = (expr: Expr): Expr => ({ ...expr, distinct: true });
const active = (e: AnalyticsEventRow) => e.status === 'ACTIVE' || e.status === 'COMPLETED';

function eventVariable(name: string, state: RenderState): Expr | undefined {
  const { dialect } = state.pi;
  switch (name) {
    case 'creation_date':
      return column('created', 'timestamp', event(eventDates.created));
    case 'completed_date':
      return column('completeddate', 'timestamp', event(eventDates.completeddate));
    case 'due_date':
    case 'scheduled_date':
      return column('scheduleddate', 'timestamp', event(eventDates.scheduleddate));
    case 'enrollment_count':
      return distinct(column('pi', 'text', enrollmentKey));
    case 'enrollment_status':
      if (dialect.eventEnrollmentStatus === 'missing') throw missingColumn('pistatus');
      return column(
        dialect.eventEnrollmentStatus,
        'text',
        (row) => enrollmentRowOf(row)?.status ?? null,
      );
    case 'event_status':
      return column(
        'psistatus',
        'text',
        event((e) => e.status),
      );
    case 'execution_date':
    case 'event_date':
      return column('occurreddate', 'timestamp', event(eventDates.occurreddate));
    case 'incident_date':
      return dialect.incidentDateColumn === 'occurreddate'
        ? column('occurreddate', 'timestamp', event(eventDates.occurreddate))
        : column('incidentdate', 'timestamp', (row) => timestamp(enrollmentRowOf(row)?.occurredAt));
    case 'program_stage_id':
      return column(
        'ps',
        'text',
        event((e) => e.programStage),
      );
    case 'program_stage_name':
      return column(
        'ps',
        'text',
        event((e) => state.pi.program.stageName(e.programStage)),
      );
    case 'sync_date':
      return column('lastupdated', 'timestamp', event(eventDates.lastupdated));
    default:
      return undefined;
  }
}

function enrollmentVariable(name: string, state: RenderState): Expr | undefined {
  const { dialect } = state.pi;
  const enrollment =
    (read: (row: NonNullable<ReturnType<typeof enrollmentRowOf>>) => Value): Read =>
    (row) => {
      const e = enrollmentRowOf(row);
      return e ? read(e) : null;
    };
  switch (name) {
    case 'creation_date':
      return latest('created', 'timestamp', eventDates.created);
    case 'completed_date':
      return column(
        'completeddate',
        'timestamp',
        enrollment((e) =>
          e.status === 'COMPLETED'
            ? timestamp(e.completedAt ?? e.lastUpdated ?? e.enrolledAt)
            : null,
        ),
      );
    case 'due_date':
      return latest('scheduleddate', 'timestamp', eventDates.scheduleddate);
    case 'scheduled_date':
      return latest(
        'scheduleddate',
        'timestamp',
        eventDates.scheduleddate,
        (e) => e.status === 'SCHEDULE',
      );
    case 'enrollment_count':
      return column('pi', 'text', enrollmentKey);
    case 'enrollment_status':
      return column(
        'enrollmentstatus',
        'text',
        enrollment((e) => e.status),
      );
    case 'event_status':
      return latest('psistatus', 'text', (e) => e.status);
    case 'execution_date':
    case 'event_date':
      return latest(
        'occurreddate',
        'timestamp',
        eventDates.occurreddate,
        dialect.eventDateStatusFilter ? active : undefined,
      );
    case 'incident_date':
      // 2.41 reads `occurreddate`, which its enrollment table still calls `incidentdate`.
      if (dialect.incidentDateColumn === 'occurreddate' && !dialect.enrollmentTableHasOccurredDate)
        throw missingColumn('occurreddate');
      return column(
        dialect.incidentDateColumn,
        'timestamp',
        enrollment((e) => timestamp(e.occurredAt)),
      );
    case 'program_stage_id':
    case 'program_stage_name':
      return { type: 'unknown', level: 'const', literal: '', eval: () => '' };
    case 'sync_date':
      return column(
        'lastupdated',
        'timestamp',
        enrollment((e) => timestamp(e.lastUpdated ?? e.enrolledAt)),
      );
    default:
      return undefined;
  }
}

/** Variables that read the same in both analytics types. */
function commonVariable(name: string, state: RenderState): Expr | undefined {
  const { dialect } = state.pi;
  const enrollmentTable = state.pi.analyticsType === 'ENROLLMENT';
  switch (name) {
    case 'analytics_period_start':
      return generated('2000-01-01', (ctx) => ctx.env.period.startDate);
    case 'analytics_period_end':
      return generated('2000-01-01', (ctx) => ctx.env.period.endDate);
    case 'current_date':
      return generated('2000-01-01 00:00:00', (ctx) => ctx.env.now);
    case 'enrollment_date':
      return column('enrollmentdate', 'timestamp', (row) =>
        timestamp(enrollmentRowOf(row)?.enrolledAt),
      );
    case 'org_unit_count':
      return distinct(column('ou', 'text', (row) => row.orgUnit));
    case 'tei_count':
      return distinct(column('tei', 'text', (row) => enrollmentRowOf(row)?.trackedEntity ?? null));
    case 'event_count':
      // The enrollment table has neither `psi` nor `psistatus`.
      if (enrollmentTable) throw missingColumn(dialect.eventCountActiveOnly ? 'psistatus' : 'psi');
      if (!dialect.eventCountActiveOnly)
        return column(
          'psi',
          'text',
          event((e) => e.id),
        );
      return column(
        'psistatus',
        'integer',
        event((e) => (active(e) ? 1 : null)),
      );
    case 'scheduled_event_count':
      if (enrollmentTable) throw missingColumn('psistatus');
      return column(
        'psistatus',
        'integer',
        event((e) => (e.status === 'SCHEDULE' ? 1 : null)),
      );
    default:
      return undefined;
  }
}

/**
 * `vValueCount` / `vZeroPosValueCount`: `nullif(cast((case when "uid" is not null then 1 else 0 end
 * + …) as double precision),0)` over the expression's items (ENROLLMENT: `"stage_de"`, a column the
 * enrollment table does not have), `0` without any.
 */
function valueCount(name: 'value_count' | 'zero_pos_value_count', state: RenderState): SqlToken[] {
  const items = state.pi.expressionItems;
  if (items.length === 0) return [atom(() => constant('integer', 0))];
  const one = () => constant('integer', 1);
  const zero = () => constant('integer', 0);
  const test = (item: ExpressionItemRef): Expr => {
    if (item.column !== item.id) throw missingColumn(item.column);
    const col =
      item.kind === 'attribute' ? bareAttribute(item.id, state) : bareDataElement(item.id, state);
    return name === 'value_count' ? isNull(col, true) : comparison('>=', col, zero());
  };
  return [
    atom(() => {
      const terms = items.flatMap((item, i) => [
        ...(i > 0 ? [op('+')] : []),
        atom(() => searchedCase([[test(item), one()]], zero())),
      ]);
      return nullIf(cast(sqlParse(terms), 'double precision'), zero());
    }),
  ];
}

export function variableColumn(name: string, state: RenderState): SqlToken[] {
  requireItem(state, 'V{');
  if (!state.pi.dialect.variables.has(name))
    throw new Dhis2ParseError(`Can't find program variable ${name}`);
  if (name === 'value_count' || name === 'zero_pos_value_count') return valueCount(name, state);
  return [
    atom(() => {
      const expr =
        commonVariable(name, state) ??
        (state.pi.analyticsType === 'EVENT'
          ? eventVariable(name, state)
          : enrollmentVariable(name, state));
      if (!expr) throw new Dhis2ParseError(`Can't find program variable ${name}`);
      return expr;
    }),
  ];
}
