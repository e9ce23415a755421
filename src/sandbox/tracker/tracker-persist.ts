import { atLeast } from '../version.ts';
import type { Action, ImportRun } from './import-context.ts';
import type {
  Attribute,
  DataValue,
  EnrollmentIn,
  EventIn,
  TrackedEntityIn,
} from './tracker-bundle.ts';
import { findEnrollment, findEvent, findTrackedEntity, parseJsonRecord } from './tracker-store.ts';

/**
 * The writes of `POST /api/tracker` (the persisters of `TrackerBundleService.commit`). Every created or
 * updated object gets `lastUpdated = now`, even when nothing in it changed (converters @2.36.13
 * TrackedEntityTrackerConverterService L117, EnrollmentTrackerConverterService L140,
 * EventTrackerConverterService L231; `TrackerObjectsMapper` @2.43.1 L91/L126/L202). The tracked
 * entity of a written enrollment or event is bumped at the end of the commit: 2.36–2.38 only when the
 * child was updated, 2.39+ when created or updated (`AbstractTrackerPersister` @2.36.13 L168,
 * @2.39.10 L136/L143). Updating an event does not bump its enrollment.
 */
export function commitTrackedEntity(
  run: ImportRun,
  entity: TrackedEntityIn & { trackedEntity: string },
): void {
  const { db } = run.ctx;
  const stored = findTrackedEntity(db, entity.trackedEntity);
  const attributes = mergeAttributes(stored?.attributes, entity.attributes);
  db.prepare(
    `INSERT INTO tracked_entities (id, tracked_entity_type, org_unit, attributes, created, last_updated, deleted) VALUES (?, ?, ?, ?, ?, ?, 0)
     ON CONFLICT(id) DO UPDATE SET tracked_entity_type = excluded.tracked_entity_type, org_unit = excluded.org_unit,
       attributes = excluded.attributes, last_updated = excluded.last_updated`,
  ).run(
    entity.trackedEntity,
    entity.trackedEntityType ?? stored?.tracked_entity_type ?? null,
    entity.orgUnit,
    JSON.stringify(attributes),
    stored?.created ?? run.now,
    run.now,
  );
}

export function commitEnrollment(
  run: ImportRun,
  enrollment: EnrollmentIn & { enrollment: string },
  action: Action,
): void {
  const { db } = run.ctx;
  const stored = findEnrollment(db, enrollment.enrollment);
  const enrolled = (enrollment.enrolledAt ?? enrollment.enrollmentDate ?? run.now).slice(0, 10);
  const trackedEntity = enrollment.trackedEntity ?? stored?.tracked_entity ?? null;
  db.prepare(
    `INSERT INTO enrollments (id, tracked_entity, program, org_unit, enrolled_at, occurred_at, status, created, last_updated, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
     ON CONFLICT(id) DO UPDATE SET tracked_entity = excluded.tracked_entity, org_unit = excluded.org_unit, enrolled_at = excluded.enrolled_at,
       occurred_at = excluded.occurred_at, status = excluded.status, last_updated = excluded.last_updated`,
  ).run(
    enrollment.enrollment,
    trackedEntity,
    enrollment.program,
    enrollment.orgUnit,
    enrolled,
    (enrollment.occurredAt ?? enrollment.incidentDate ?? enrolled).slice(0, 10),
    enrollment.status ?? 'ACTIVE',
    stored?.created ?? run.now,
    run.now,
  );
  // An enrollment's attributes are the tracked entity's (EnrollmentPersister.updateAttributes →
  // AbstractTrackerPersister.handleTrackedEntityAttributeValues, @2.36.13 L86-L90).
  if (trackedEntity && enrollment.attributes?.length) {
    const entity = findTrackedEntity(db, trackedEntity);
    if (entity)
      db.prepare('UPDATE tracked_entities SET attributes = ? WHERE id = ?').run(
        JSON.stringify(mergeAttributes(entity.attributes, enrollment.attributes)),
        trackedEntity,
      );
  }
  if (trackedEntity && bumpsParent(run, action)) run.touchedTrackedEntities.add(trackedEntity);
}

export function commitEvent(
  run: ImportRun,
  event: EventIn & { event: string },
  action: Action,
): void {
  const { ctx, now } = run;
  const stored = findEvent(ctx.db, event.event);
  const stage = ctx.metadata.get('programStages', event.programStage ?? '');
  const program = event.program ?? (stage?.program as { id?: string } | undefined)?.id ?? '';
  const enrollment = event.enrollment ?? stored?.enrollment ?? null;
  const occurred = (event.occurredAt ?? event.eventDate ?? event.scheduledAt ?? now).slice(0, 10);
  const status = event.status ?? 'ACTIVE';
  ctx.db
    .prepare(
      `INSERT INTO events (id, enrollment, program, program_stage, org_unit, occurred_at, status, data_values, created, last_updated, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
       ON CONFLICT(id) DO UPDATE SET enrollment = excluded.enrollment, program_stage = excluded.program_stage, org_unit = excluded.org_unit,
         occurred_at = excluded.occurred_at, status = excluded.status, data_values = excluded.data_values, last_updated = excluded.last_updated`,
    )
    .run(
      event.event,
      enrollment,
      program,
      event.programStage,
      event.orgUnit,
      occurred,
      status,
      JSON.stringify(
        mergeDataValues(
          run,
          action === 'UPDATE' ? stored?.data_values : undefined,
          event.dataValues,
        ),
      ),
      stored?.created ?? now,
      now,
    );
  ctx.db
    .prepare(
      `INSERT INTO event_details (id, scheduled_at, completed_at, stored_by) VALUES (?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET scheduled_at = excluded.scheduled_at, completed_at = excluded.completed_at, stored_by = excluded.stored_by`,
    )
    .run(
      event.event,
      event.scheduledAt?.slice(0, 10) ?? null,
      status === 'COMPLETED' ? (event.completedAt ?? now) : null,
      event.storedBy ?? run.user.username,
    );
  const trackedEntity = enrollment ? findEnrollment(ctx.db, enrollment)?.tracked_entity : undefined;
  if (trackedEntity && bumpsParent(run, action)) run.touchedTrackedEntities.add(trackedEntity);
}

function bumpsParent(run: ImportRun, action: Action): boolean {
  return action === 'UPDATE' || (action === 'CREATE' && atLeast(run.ctx.version, 39));
}

/**
 * Only the data elements in the payload are touched: an omitted one is kept, a `null` or `""` value
 * deletes the stored one, and from 2.42 a whitespace-only value too (`EventPersister.handleDataValues`:
 * `StringUtils.isEmpty` @2.36.13 L201-L208, `isBlank` @2.42.5 L186-L219, L344-L359).
 */
export function mergeDataValues(
  run: ImportRun,
  stored: string | undefined,
  payload: readonly DataValue[] | undefined,
): Record<string, string> {
  const values = parseJsonRecord(stored);
  const blankDeletes = atLeast(run.ctx.version, 42);
  for (const dv of payload ?? []) {
    const text = dv.value === null || dv.value === undefined ? '' : String(dv.value);
    if (text === '' || (blankDeletes && text.trim() === '')) delete values[dv.dataElement];
    else values[dv.dataElement] = text;
  }
  return values;
}

/**
 * Tracked entity attributes, from a tracked entity's or an enrollment's payload: only the attributes
 * sent are processed; an empty value removes the stored one, an empty value for one not stored does
 * nothing (`AbstractTrackerPersister.handleTrackedEntityAttributeValues`, `StringUtils.isEmpty`,
 * @2.36.13 L374-L430; @2.43.1 L491-L540).
 */
export function mergeAttributes(
  stored: string | undefined,
  payload: readonly Attribute[] | undefined,
): Record<string, string> {
  const values = parseJsonRecord(stored);
  for (const attribute of payload ?? []) {
    const text =
      attribute.value === null || attribute.value === undefined ? '' : String(attribute.value);
    if (text === '') delete values[attribute.attribute];
    else values[attribute.attribute] = text;
  }
  return values;
}
