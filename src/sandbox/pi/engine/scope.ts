import type { AnalyticsEventRow, AnalyticsRow, ReportingPeriod } from '../types.ts';
import { enrollmentOf, latestEvent } from './boundaries.ts';
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
}

function eventOf(row: AnalyticsRow, stage: string, until: string): AnalyticsEventRow | undefined {
  if (row.kind === 'event') return row;
  return latestEvent(row, stage, until);
}

/**
 * The scope of one row: an event (EVENT indicators) reads its own values, an enrollment (ENROLLMENT
 * indicators) the latest event of each stage up to the end of the period, as DHIS2's enrollment
 * analytics does.
 */
export function rowScope(row: AnalyticsRow, context: ScopeContext, missingAsZero: boolean): Scope {
  const enrollment = enrollmentOf(row);
  const end = context.period.endDate;
  const event = row.kind === 'event' ? row : undefined;
  const variables: Record<string, () => Value> = {
    event_date: () => (event ? event.occurredAt.slice(0, 10) : null),
    due_date: () => (event ? event.occurredAt.slice(0, 10) : null),
    enrollment_date: () => enrollment?.enrolledAt.slice(0, 10) ?? null,
    incident_date: () => enrollment?.occurredAt?.slice(0, 10) ?? null,
    analytics_period_start: () => context.period.startDate,
    analytics_period_end: () => context.period.endDate,
    current_date: () => context.today,
    program_stage_id: () => event?.programStage ?? null,
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
  return {
    missingAsZero,
    dataElement(stage, dataElement) {
      const source = eventOf(row, stage, end);
      const raw = source?.dataValues[dataElement];
      const value = typed(raw, context.valueType('dataElement', dataElement));
      return value === null &&
        missingAsZero &&
        NUMERIC.has(context.valueType('dataElement', dataElement) ?? '')
        ? 0
        : value;
    },
    attribute(attribute) {
      return typed(enrollment?.attributes[attribute], context.valueType('attribute', attribute));
    },
    variable(name) {
      return variables[name]?.() ?? null;
    },
    stageEventDate(stage) {
      if (event && event.programStage === stage) return event.occurredAt.slice(0, 10);
      return latestEvent(enrollment, stage, end)?.occurredAt.slice(0, 10) ?? null;
    },
    constant(id) {
      return context.constant(id) ?? null;
    },
    stageValues(stage, dataElement) {
      const events = event
        ? [event]
        : (enrollment?.events ?? []).filter(
            (e) => e.programStage === stage && e.occurredAt.slice(0, 10) <= end,
          );
      return events.map((e) =>
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
