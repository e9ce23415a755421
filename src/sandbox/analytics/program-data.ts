import type {
  AnalyticsEnrollmentRow,
  AnalyticsEventRow,
  ProgramData,
  RelationshipCounter,
} from '../../program-indicators/types.ts';
import type { SandboxContext } from '../context.ts';
import { analyticsGeneration } from './analytics-tables.ts';

interface EventRecord {
  id: string;
  enrollment: string | null;
  program: string;
  program_stage: string;
  org_unit: string;
  occurred_at: string;
  status: string;
  data_values: string;
  created: string;
  last_updated: string;
  scheduled_at?: string | null;
  completed_at?: string | null;
}
interface EnrollmentRecord {
  id: string;
  tracked_entity: string | null;
  program: string;
  org_unit: string;
  enrolled_at: string;
  occurred_at: string | null;
  status: string;
  last_updated: string;
  attributes: string | null;
}

const caches = new WeakMap<
  SandboxContext,
  { generation: number; programs: Map<string, ProgramData> }
>();

const hasTable = (ctx: SandboxContext, name: string) =>
  ctx.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !==
  undefined;

/**
 * A program's rows from the analytics tables (not the live tracker tables), cached per analytics run
 * only: program indicators are compiled and evaluated when analytics is queried, so one created or
 * edited after the run answers at once from the rows the run copied (DHIS2 generates the indicator's
 * SQL per query, `DefaultProgramIndicatorService.getAnalyticsSql`).
 */
export function programData(ctx: SandboxContext, program: string): ProgramData {
  const generation = analyticsGeneration(ctx);
  let cache = caches.get(ctx);
  if (!cache || cache.generation !== generation) {
    cache = { generation, programs: new Map() };
    caches.set(ctx, cache);
  }
  const cached = cache.programs.get(program);
  if (cached) return cached;
  const enrollments = loadEnrollments(ctx, program);
  const events = loadEvents(ctx, program, enrollments);
  const relationshipCount = hasTable(ctx, 'relationships') ? relationshipCounter(ctx) : undefined;
  const data: ProgramData = {
    program,
    enrollments: [...enrollments.values()],
    events,
    ...(relationshipCount ? { relationshipCount } : {}),
  };
  cache.programs.set(program, data);
  return data;
}

type MutableEnrollment = AnalyticsEnrollmentRow & { events: AnalyticsEventRow[] };

function loadEnrollments(ctx: SandboxContext, program: string): Map<string, MutableEnrollment> {
  const records = ctx.db
    .prepare(
      `SELECT e.id, e.tracked_entity, e.program, e.org_unit, e.enrolled_at, e.occurred_at, e.status, e.last_updated, t.attributes
       FROM analytics_enrollments e LEFT JOIN analytics_tracked_entities t ON t.id = e.tracked_entity WHERE e.program = ?`,
    )
    .all(program) as EnrollmentRecord[];
  const enrollments = new Map<string, MutableEnrollment>();
  for (const record of records)
    enrollments.set(record.id, {
      kind: 'enrollment',
      id: record.id,
      trackedEntity: record.tracked_entity,
      program: record.program,
      orgUnit: record.org_unit,
      enrolledAt: record.enrolled_at,
      occurredAt: record.occurred_at,
      status: record.status,
      lastUpdated: record.last_updated,
      attributes: record.attributes
        ? (JSON.parse(record.attributes) as Record<string, string>)
        : {},
      events: [],
    });
  return enrollments;
}

/**
 * The program's events, oldest first, each with its enrollment; an event program's events share one
 * list, as they share DHIS2's one enrollment of the program. Scheduled and completed dates come from
 * `event_details` where the sandbox keeps them.
 */
function loadEvents(
  ctx: SandboxContext,
  program: string,
  enrollments: Map<string, MutableEnrollment>,
): AnalyticsEventRow[] {
  const details = hasTable(ctx, 'event_details');
  const records = ctx.db
    .prepare(
      details
        ? `SELECT a.*, d.scheduled_at, d.completed_at FROM analytics_events a LEFT JOIN event_details d ON d.id = a.id
           WHERE a.program = ? ORDER BY a.occurred_at`
        : 'SELECT * FROM analytics_events WHERE program = ? ORDER BY occurred_at',
    )
    .all(program) as EventRecord[];
  const shared: AnalyticsEventRow[] = [];
  return records.map((record) => {
    const enrollment = record.enrollment ? enrollments.get(record.enrollment) : undefined;
    const event: AnalyticsEventRow = {
      kind: 'event',
      id: record.id,
      enrollment: record.enrollment,
      trackedEntity: enrollment?.trackedEntity ?? null,
      program: record.program,
      programStage: record.program_stage,
      orgUnit: record.org_unit,
      occurredAt: record.occurred_at,
      status: record.status,
      dataValues: JSON.parse(record.data_values) as Record<string, string>,
      created: record.created,
      lastUpdated: record.last_updated,
      scheduledAt: record.scheduled_at ?? null,
      completedAt: record.completed_at ?? null,
      ...(enrollment ? { enrollmentRow: enrollment } : {}),
      ...(record.enrollment ? {} : { sharedEnrollmentEvents: shared }),
    };
    if (enrollment) enrollment.events.push(event);
    else if (!record.enrollment) shared.push(event);
    return event;
  });
}

/**
 * `d2:relationshipCount`: a tracked entity's live relationships, on either side, of a type or all.
 * Analytics passes it to `aggregate` (data-value-set.ts).
 */
function relationshipCounter(ctx: SandboxContext): RelationshipCounter | undefined {
  const sides = `((from_type = 'TRACKED_ENTITY' AND from_id = ?) OR (to_type = 'TRACKED_ENTITY' AND to_id = ?))`;
  try {
    const all = ctx.db.prepare(
      `SELECT COUNT(*) AS n FROM relationships WHERE deleted = 0 AND ${sides}`,
    );
    const ofType = ctx.db.prepare(
      `SELECT COUNT(*) AS n FROM relationships WHERE deleted = 0 AND relationship_type = ? AND ${sides}`,
    );
    return (trackedEntity, type) =>
      (
        (type
          ? ofType.get(type, trackedEntity, trackedEntity)
          : all.get(trackedEntity, trackedEntity)) as { n: number }
      ).n;
  } catch {
    // A relationships table of another shape: no counts rather than a failing query.
    return undefined;
  }
}
