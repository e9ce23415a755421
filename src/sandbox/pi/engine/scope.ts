import type { AnalyticsEventRow, AnalyticsRow, ReportingPeriod } from '../types.ts';
import { type EventWindow, enrollmentOf, inWindow } from './boundaries.ts';
import type { Scope, Value } from './evaluate.ts';

const NUMERIC = new Set([
  'INTEGER',
  'INTEGER_POSITIVE',
  'INTEGER_NEGATIVE',
  'INTEGER_ZERO_OR_POSITIVE',
  'NUMBER',
  'PERCENTAGE',
  'UNIT_INTERVAL',
]);

/** Reads a stored value as its value type makes it: numbers as numbers, booleans as booleans, the rest as text. */
export function typed(raw: string | undefined, valueType: string | undefined): Value {
  if (raw === undefined || raw === '') return null;
  if (valueType && NUMERIC.has(valueType)) {
    const number = Number(raw);
    return Number.isFinite(number) ? number : null;
  }
  if (valueType === 'BOOLEAN' || valueType === 'TRUE_ONLY') return raw === 'true';
  return raw;
}

export interface ScopeContext {
  readonly period: ReportingPeriod;
  readonly today: string;
  readonly valueType: (kind: 'dataElement' | 'attribute', id: string) => string | undefined;
  readonly constant: (id: string) => number | undefined;
  /** The indicator's EVENT_DATE boundaries for this period: they bound the enrollment's event look-ups. */
  readonly eventWindow: EventWindow;
}

const present = (raw: string | undefined) => raw !== undefined && raw !== '';
const counted = (event: AnalyticsEventRow) =>
  event.status === 'ACTIVE' || event.status === 'COMPLETED';

/** The enrollment's events of a stage inside the window, newest first (the enrollment sub-queries). */
function stageEvents(row: AnalyticsRow, stage: string, window: EventWindow): AnalyticsEventRow[] {
  const events = enrollmentOf(row)?.events ?? (row.kind === 'event' ? [row] : []);
  return events
    .filter((event) => event.programStage === stage && inWindow(event.occurredAt, window))
    .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));
}

/**
 * The scope of one row, as DHIS2's analytics SQL reads it: an event (EVENT indicators) reads its own
 * values, `#{stage.de}` being null on another stage's event; an enrollment (ENROLLMENT indicators)
 * reads, per stage, the latest event whose value is not null, inside the indicator's EVENT_DATE
 * boundaries (no time cut without them); `d2:count*` count the enrollment's events of the stage in both.
 */
export function rowScope(row: AnalyticsRow, context: ScopeContext, missingAsZero: boolean): Scope {
  const enrollment = enrollmentOf(row);
  const window = context.eventWindow;
  const event = row.kind === 'event' ? row : undefined;
  const latestEventDate = () =>
    (enrollment?.events ?? [])
      .filter((e) => counted(e) && inWindow(e.occurredAt, window))
      .reduce<string | null>((latest, e) => {
        const date = e.occurredAt.slice(0, 10);
        return latest === null || date > latest ? date : latest;
      }, null);
  const variables: Record<string, () => Value> = {
    event_date: () => (event ? event.occurredAt.slice(0, 10) : latestEventDate()),
    due_date: () => (event ? event.occurredAt.slice(0, 10) : null),
    enrollment_date: () => enrollment?.enrolledAt.slice(0, 10) ?? null,
    incident_date: () => enrollment?.occurredAt?.slice(0, 10) ?? null,
    analytics_period_start: () => context.period.startDate,
    analytics_period_end: () => context.period.endDate,
    current_date: () => context.today,
    // An ENROLLMENT indicator's V{program_stage_id} is '' (`vProgramStageId`).
    program_stage_id: () => event?.programStage ?? '',
    event_status: () => event?.status ?? null,
    enrollment_status: () => enrollment?.status ?? null,
    creation_date: () =>
      event ? event.occurredAt.slice(0, 10) : (enrollment?.enrolledAt.slice(0, 10) ?? null),
    event_count: () => 1,
    enrollment_count: () => 1,
    tei_count: () => 1,
    value_count: () =>
      event ? Object.values(event.dataValues).filter((v) => v !== '').length : null,
    zero_pos_value_count: () =>
      event ? Object.values(event.dataValues).filter((v) => Number(v) >= 0).length : null,
  };
  const read = (dataElement: string, raw: string | undefined) => {
    const type = context.valueType('dataElement', dataElement);
    const value = typed(raw, type);
    return value === null && missingAsZero && NUMERIC.has(type ?? '') ? 0 : value;
  };
  return {
    missingAsZero,
    dataElement(stage, dataElement) {
      if (event)
        return read(
          dataElement,
          event.programStage === stage ? event.dataValues[dataElement] : undefined,
        );
      const source = stageEvents(row, stage, window).find((e) =>
        present(e.dataValues[dataElement]),
      );
      return read(dataElement, source?.dataValues[dataElement]);
    },
    attribute(attribute) {
      return typed(enrollment?.attributes[attribute], context.valueType('attribute', attribute));
    },
    variable(name) {
      return variables[name]?.() ?? null;
    },
    stageEventDate(stage) {
      // In an EVENT indicator, the event's own date whatever its stage (`ProgramItemPsEventdate`).
      if (event) return event.occurredAt.slice(0, 10);
      return stageEvents(row, stage, window)[0]?.occurredAt.slice(0, 10) ?? null;
    },
    constant(id) {
      return context.constant(id) ?? null;
    },
    stageValues(stage, dataElement) {
      return stageEvents(row, stage, window)
        .filter((e) => present(e.dataValues[dataElement]))
        .map((e) =>
          typed(e.dataValues[dataElement], context.valueType('dataElement', dataElement)),
        );
    },
  };
}

export const KNOWN_VARIABLES = new Set([
  'event_date',
  'due_date',
  'enrollment_date',
  'incident_date',
  'analytics_period_start',
  'analytics_period_end',
  'current_date',
  'program_stage_id',
  'event_status',
  'enrollment_status',
  'creation_date',
  'event_count',
  'enrollment_count',
  'tei_count',
  'value_count',
  'zero_pos_value_count',
]);
