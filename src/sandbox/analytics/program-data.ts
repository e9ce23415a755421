import type { SandboxContext } from '../context.ts';
import type { AnalyticsEnrollmentRow, AnalyticsEventRow, ProgramData } from '../pi/types.ts';
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
}
interface EnrollmentRecord {
  id: string;
  tracked_entity: string | null;
  program: string;
  org_unit: string;
  enrolled_at: string;
  occurred_at: string | null;
  status: string;
  attributes: string | null;
}

const caches = new WeakMap<
  SandboxContext,
  { generation: number; programs: Map<string, ProgramData> }
>();

/** A program's rows from the analytics tables (not the live tracker tables), cached per analytics run. */
export function programData(ctx: SandboxContext, program: string): ProgramData {
  const generation = analyticsGeneration(ctx);
  let cache = caches.get(ctx);
  if (!cache || cache.generation !== generation) {
    cache = { generation, programs: new Map() };
    caches.set(ctx, cache);
  }
  const cached = cache.programs.get(program);
  if (cached) return cached;
  const enrollmentRecords = ctx.db
    .prepare(
      `SELECT e.id, e.tracked_entity, e.program, e.org_unit, e.enrolled_at, e.occurred_at, e.status, t.attributes
       FROM analytics_enrollments e LEFT JOIN analytics_tracked_entities t ON t.id = e.tracked_entity WHERE e.program = ?`,
    )
    .all(program) as EnrollmentRecord[];
  const enrollments = new Map<string, AnalyticsEnrollmentRow & { events: AnalyticsEventRow[] }>();
  for (const record of enrollmentRecords) {
    enrollments.set(record.id, {
      kind: 'enrollment',
      id: record.id,
      trackedEntity: record.tracked_entity,
      program: record.program,
      orgUnit: record.org_unit,
      enrolledAt: record.enrolled_at,
      occurredAt: record.occurred_at,
      status: record.status,
      attributes: record.attributes
        ? (JSON.parse(record.attributes) as Record<string, string>)
        : {},
      events: [],
    });
  }
  const eventRecords = ctx.db
    .prepare('SELECT * FROM analytics_events WHERE program = ? ORDER BY occurred_at')
    .all(program) as EventRecord[];
  const events: AnalyticsEventRow[] = eventRecords.map((record) => {
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
      ...(enrollment ? { enrollmentRow: enrollment } : {}),
    };
    enrollment?.events.push(event);
    return event;
  });
  const data: ProgramData = { program, enrollments: [...enrollments.values()], events };
  cache.programs.set(program, data);
  return data;
}
