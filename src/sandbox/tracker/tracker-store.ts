import type { SandboxDb } from '../db/schema.ts';

/**
 * Rows of the sandbox's tracker tables (src/sandbox/db/schema.ts) and the few reads and writes the
 * importer and the exporters share. `last_updated` is DHIS2's `lastupdated`: a zone-less wall-clock
 * time of the server (UTC here, as `/api/system/info` says), `yyyy-MM-ddTHH:mm:ss.SSS`.
 */
export interface TrackedEntityRow {
  id: string;
  tracked_entity_type: string | null;
  org_unit: string;
  attributes: string;
  created: string;
  last_updated: string;
  deleted: number;
}
export interface EnrollmentRow {
  id: string;
  tracked_entity: string | null;
  program: string;
  org_unit: string;
  enrolled_at: string;
  occurred_at: string | null;
  status: string;
  created: string;
  last_updated: string;
  deleted: number;
}
export interface EventRow {
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
  deleted: number;
}
export interface EventDetailsRow {
  id: string;
  scheduled_at: string | null;
  completed_at: string | null;
  stored_by: string | null;
}

export type TrackerTable = 'tracked_entities' | 'enrollments' | 'events' | 'relationships';

export function findTrackedEntity(db: SandboxDb, id: string): TrackedEntityRow | undefined {
  return db.prepare('SELECT * FROM tracked_entities WHERE id = ?').get(id) as
    | TrackedEntityRow
    | undefined;
}

export function findEnrollment(db: SandboxDb, id: string): EnrollmentRow | undefined {
  return db.prepare('SELECT * FROM enrollments WHERE id = ?').get(id) as EnrollmentRow | undefined;
}

export function findEvent(db: SandboxDb, id: string): EventRow | undefined {
  return db.prepare('SELECT * FROM events WHERE id = ?').get(id) as EventRow | undefined;
}

export function findEventDetails(db: SandboxDb, id: string): EventDetailsRow | undefined {
  return db.prepare('SELECT * FROM event_details WHERE id = ?').get(id) as
    | EventDetailsRow
    | undefined;
}

export function liveEnrollmentsOf(db: SandboxDb, trackedEntity: string): string[] {
  return (
    db
      .prepare('SELECT id FROM enrollments WHERE tracked_entity = ? AND deleted = 0 ORDER BY id')
      .all(trackedEntity) as { id: string }[]
  ).map((row) => row.id);
}

export function liveEventsOf(db: SandboxDb, enrollment: string): string[] {
  return (
    db
      .prepare('SELECT id FROM events WHERE enrollment = ? AND deleted = 0 ORDER BY id')
      .all(enrollment) as { id: string }[]
  ).map((row) => row.id);
}

/** The tracked entity an event's enrollment belongs to (registration programmes only). */
export function trackedEntityOfEvent(db: SandboxDb, event: EventRow): string | undefined {
  if (!event.enrollment) return undefined;
  return findEnrollment(db, event.enrollment)?.tracked_entity ?? undefined;
}

/** Sets `lastUpdated` to now, as Hibernate's `update` does through `setAutoFields()`. */
export function touch(
  db: SandboxDb,
  table: TrackerTable,
  ids: Iterable<string>,
  now: string,
): void {
  const statement = db.prepare(`UPDATE ${table} SET last_updated = ? WHERE id = ?`);
  for (const id of ids) statement.run(now, id);
}

/**
 * `SoftDeleteHibernateObjectStore.delete`: `deleted = true`, and from 2.38 `lastUpdated = now` too
 * (CORE common/hibernate @2.38.7 L59-L60); `now` undefined keeps the old `lastUpdated` (2.36–2.37).
 */
export function softDelete(
  db: SandboxDb,
  table: TrackerTable,
  id: string,
  now: string | undefined,
): void {
  if (now === undefined) db.prepare(`UPDATE ${table} SET deleted = 1 WHERE id = ?`).run(id);
  else db.prepare(`UPDATE ${table} SET deleted = 1, last_updated = ? WHERE id = ?`).run(now, id);
}

export function parseJsonRecord(text: string | null | undefined): Record<string, string> {
  if (!text) return {};
  return JSON.parse(text) as Record<string, string>;
}
