import type { SandboxDb } from '../db/schema.ts';

/** Inserts of generated tracker data, prepared once per generation run. */
export function insertStatements(db: SandboxDb) {
  return {
    trackedEntity: db.prepare(
      'INSERT INTO tracked_entities (id, tracked_entity_type, org_unit, attributes, created, last_updated) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    enrollment: db.prepare(
      'INSERT INTO enrollments (id, tracked_entity, program, org_unit, enrolled_at, occurred_at, status, created, last_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    event: db.prepare(
      'INSERT INTO events (id, enrollment, program, program_stage, org_unit, occurred_at, status, data_values, created, last_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
  };
}

export type TrackerInserts = ReturnType<typeof insertStatements>;

/** A completed event on its date, with its values. */
export function insertEvent(
  insert: TrackerInserts,
  event: {
    id: string;
    enrollment: string | null;
    program: string;
    stage: string;
    orgUnit: string;
    date: string;
    values: Record<string, string>;
  },
): void {
  insert.event.run(
    event.id,
    event.enrollment,
    event.program,
    event.stage,
    event.orgUnit,
    event.date,
    'COMPLETED',
    JSON.stringify(event.values),
    event.date,
    event.date,
  );
}
