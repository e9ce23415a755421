import type { SandboxContext } from '../context.ts';
import type { MetadataObject } from '../metadata/store.ts';
import { atLeast } from '../version.ts';
import type { RecordEndpoint, RecordQuery } from './record-query.ts';

/** `GridHeader` as Jackson writes it in the query grids. */
export interface RecordHeader {
  readonly name: string;
  readonly column: string;
  readonly valueType: 'TEXT' | 'NUMBER' | 'DATE' | 'DATETIME';
  readonly type: string;
  readonly hidden: boolean;
  readonly meta: boolean;
}

const JAVA_TYPE: Record<RecordHeader['valueType'], string> = {
  TEXT: 'java.lang.String',
  NUMBER: 'java.lang.Double',
  DATE: 'java.time.LocalDate',
  DATETIME: 'java.time.LocalDateTime',
};

export const header = (
  name: string,
  column: string,
  valueType: RecordHeader['valueType'] = 'TEXT',
): RecordHeader => ({
  name,
  column,
  valueType,
  type: JAVA_TYPE[valueType],
  hidden: false,
  meta: true,
});

const DATES = new Set([
  'eventdate',
  'lastupdated',
  'created',
  'completed',
  'scheduleddate',
  'enrollmentdate',
  'incidentdate',
]);

/**
 * The labels: `DefaultEventAnalyticsService`/`DefaultEnrollmentAnalyticsService` constants up to 2.40,
 * the `ColumnHeader` enum from 2.41 (`TEI` "Tracked entity instance" in 2.41, `TRACKED_ENTITY`
 * "Tracked entity" from 2.42); `LabelMapper` names a column after the stage or programme where it has
 * a label of its own: the event date (stage `executionDateLabel`, 2.38+), the scheduled date
 * (`dueDateLabel`, events 2.40+), the enrollment and incident dates (programme
 * `enrollmentDateLabel`/`incidentDateLabel`: enrollments 2.39+, events 2.40+), the event and stage
 * (`eventLabel`, `programStageLabel`), the enrollment (`enrollmentLabel`) and the org unit name
 * (`orgUnitLabel`), 2.41+.
 */
function label(ctx: SandboxContext, endpoint: RecordEndpoint, name: string, query: RecordQuery) {
  const at = (minor: number) => atLeast(ctx.version, minor);
  const events = endpoint === 'events';
  const own = (object: MetadataObject | undefined, property: string, since: boolean) => {
    const text = object?.[property];
    return since && typeof text === 'string' && text.trim() !== '' ? text : undefined;
  };
  const { stage, program } = query;
  switch (name) {
    case 'psi':
      return own(stage, 'eventLabel', at(41)) ?? 'Event';
    case 'ps':
      return own(stage, 'programStageLabel', at(41)) ?? 'Program stage';
    case 'eventdate':
      return own(stage, 'executionDateLabel', at(38)) ?? 'Event date';
    case 'scheduleddate':
      return own(stage, 'dueDateLabel', at(40)) ?? 'Scheduled date';
    case 'enrollmentdate':
      return own(program, 'enrollmentDateLabel', at(events ? 40 : 39)) ?? 'Enrollment date';
    case 'incidentdate':
      return own(program, 'incidentDateLabel', at(events ? 40 : 39)) ?? 'Incident date';
    case 'ouname':
      return own(program, 'orgUnitLabel', at(41)) ?? 'Organisation unit name';
    case 'createdbydisplayname':
      return at(41) || !events ? 'Created by' : 'Created by (display name)';
    case 'lastupdatedbydisplayname':
      return at(41) || !events ? 'Last updated by' : 'Last updated by (display name)';
    case 'lastupdated':
      return at(41) || !events ? 'Last updated on' : 'Last Updated';
    case 'tei':
      return at(42) ? 'Tracked entity' : 'Tracked entity instance';
    case 'pi':
      return events
        ? 'Program instance'
        : (own(program, 'enrollmentLabel', at(41)) ?? 'Enrollment');
    default:
      return LABELS[name] ?? name;
  }
}

const LABELS: Record<string, string> = {
  storedby: 'Stored by',
  created: 'Created on',
  completed: 'Completed on',
  geometry: 'Geometry',
  enrollmentgeometry: 'Enrollment geometry',
  longitude: 'Longitude',
  latitude: 'Latitude',
  ounamehierarchy: 'Organisation unit name hierarchy',
  oucode: 'Organisation unit code',
  programstatus: 'Program status',
  eventstatus: 'Event status',
};

/**
 * The fixed columns of each version (`createGridWithHeaders`: `DefaultEventAnalyticsService` and
 * `DefaultEnrollmentAnalyticsService` 2.36–2.41, `EventQueryService`/`EnrollmentQueryService` 2.42+;
 * `*` only for a programme with registration):
 * - events 2.36: psi ps eventdate *enrollmentdate *incidentdate *tei *pi geometry longitude latitude
 *   ouname oucode; 2.37 adds storedby after eventdate; 2.38 createdbydisplayname,
 *   lastupdatedbydisplayname, lastupdated, scheduleddate after it, programstatus and eventstatus at the
 *   end; 2.40 ounamehierarchy after ouname; 2.43 created and completed after lastupdated,
 *   enrollmentgeometry after geometry;
 * - enrollments 2.36: pi tei enrollmentdate incidentdate geometry longitude latitude ouname oucode;
 *   2.38 storedby, createdbydisplayname, lastupdatedbydisplayname, lastupdated after incidentdate and
 *   programstatus at the end; 2.40 ounamehierarchy; 2.43 created and completed after lastupdated.
 * Dates are DATE up to 2.41, DATETIME from 2.42.
 */
export function fixedColumns(ctx: SandboxContext, query: RecordQuery): string[] {
  const at = (minor: number) => atLeast(ctx.version, minor);
  const registration = query.program.programType !== 'WITHOUT_REGISTRATION';
  const audit = at(38)
    ? [
        'storedby',
        'createdbydisplayname',
        'lastupdatedbydisplayname',
        'lastupdated',
        ...(at(43) ? ['created', 'completed'] : []),
      ]
    : [];
  const place = [
    'geometry',
    ...(at(43) && query.endpoint === 'events' ? ['enrollmentgeometry'] : []),
    'longitude',
    'latitude',
    'ouname',
    ...(at(40) ? ['ounamehierarchy'] : []),
    'oucode',
  ];
  if (query.endpoint === 'enrollments')
    return [
      'pi',
      'tei',
      'enrollmentdate',
      'incidentdate',
      ...audit,
      ...place,
      ...(at(38) ? ['programstatus'] : []),
    ];
  return [
    'psi',
    'ps',
    'eventdate',
    ...(at(38) ? [...audit, 'scheduleddate'] : at(37) ? ['storedby'] : []),
    ...(registration ? ['enrollmentdate', 'incidentdate', 'tei', 'pi'] : []),
    ...place,
    ...(at(38) ? ['programstatus', 'eventstatus'] : []),
  ];
}

/** Every header of the query: the fixed columns, `ou` (a dimension), then each item. */
export function recordHeaders(ctx: SandboxContext, query: RecordQuery): RecordHeader[] {
  const dated: RecordHeader['valueType'] = atLeast(ctx.version, 42) ? 'DATETIME' : 'DATE';
  return [
    ...fixedColumns(ctx, query).map((name) =>
      header(
        name,
        label(ctx, query.endpoint, name, query),
        DATES.has(name) ? dated : name === 'longitude' || name === 'latitude' ? 'NUMBER' : 'TEXT',
      ),
    ),
    header('ou', 'Organisation unit'),
    ...query.items.map((item) =>
      header(item.object.id, String(item.object.displayName ?? item.object.name), 'NUMBER'),
    ),
  ];
}
