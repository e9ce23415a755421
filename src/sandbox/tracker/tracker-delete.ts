import { atLeast } from '../version.ts';
import { type ImportRun, softDeleteTime } from './import-context.ts';
import { deleteRelationshipsOf } from './relationships.ts';
import {
  findEnrollment,
  findEvent,
  liveEnrollmentsOf,
  liveEventsOf,
  softDelete,
  touch,
} from './tracker-store.ts';

/**
 * `importStrategy=DELETE` (`DefaultTrackerObjectsDeletionService`): soft deletes that cascade tracked
 * entity → its live enrollments → their live events. Only the objects of the payload are counted; the
 * cascade is not (`LastUpdateImportTest.shouldUpdateTrackedEntityAndDeleteEnrollmentWhenEnrollmentIsDeleted`
 * @2.43.1 L432-L492). Whether the user may cascade was checked before (E1100, E1103).
 */
export function deleteEvent(run: ImportRun, id: string): void {
  const { db } = run.ctx;
  const event = findEvent(db, id);
  if (!event || event.deleted) return;
  deleteRelationshipsOf(run, 'EVENT', id);
  softDelete(db, 'events', id, softDeleteTime(run));
  // A registration programme's event: its tracked entity and enrollment are updated (@2.36.13
  // L135-L141, @2.42.5 L127-L167), which bumps their lastUpdated in every version.
  if (!event.enrollment) return;
  const enrollment = findEnrollment(db, event.enrollment);
  touch(db, 'enrollments', [event.enrollment], run.now);
  if (enrollment?.tracked_entity)
    touch(db, 'tracked_entities', [enrollment.tracked_entity], run.now);
}

/**
 * An enrollment: its live events first, then the enrollment itself, CANCELLED and bumped in every
 * version (2.36–2.37 through `store.update` before the delete, `DefaultProgramInstanceService.deleteProgramInstance`
 * @2.36.13 L131-L136; 2.38+ by the soft delete), then its tracked entity is updated (bumped).
 */
export function deleteEnrollment(run: ImportRun, id: string): void {
  const { db } = run.ctx;
  const enrollment = findEnrollment(db, id);
  if (!enrollment || enrollment.deleted) return;
  for (const event of liveEventsOf(db, id)) deleteEvent(run, event);
  deleteRelationshipsOf(run, 'ENROLLMENT', id);
  db.prepare(
    "UPDATE enrollments SET deleted = 1, status = 'CANCELLED', last_updated = ? WHERE id = ?",
  ).run(run.now, id);
  if (enrollment.tracked_entity)
    touch(db, 'tracked_entities', [enrollment.tracked_entity], run.now);
}

/**
 * A tracked entity: its live enrollments (and their events), then itself. From 2.42 also its
 * relationships, and its attribute values are removed (@2.42.5 L178-L221). Its own `lastUpdated` moves
 * with the soft delete from 2.38; before, only when an enrollment's deletion updated it.
 */
export function deleteTrackedEntity(run: ImportRun, id: string): void {
  const { db } = run.ctx;
  for (const enrollment of liveEnrollmentsOf(db, id)) deleteEnrollment(run, enrollment);
  deleteRelationshipsOf(run, 'TRACKED_ENTITY', id);
  if (atLeast(run.ctx.version, 42))
    db.prepare("UPDATE tracked_entities SET attributes = '{}' WHERE id = ?").run(id);
  softDelete(db, 'tracked_entities', id, softDeleteTime(run));
}
