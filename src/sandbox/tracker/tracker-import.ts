import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { type ImportParams, type ImportRun, newImportRun } from './import-context.ts';
import { createRelationship, deleteRelationship, validateRelationship } from './relationships.ts';
import {
  bundleSize,
  flattenPayload,
  type TrackerBundle,
  type TrackerPayload,
} from './tracker-bundle.ts';
import { deleteEnrollment, deleteEvent, deleteTrackedEntity } from './tracker-delete.ts';
import type { TrackerError, TrackerType } from './tracker-errors.ts';
import { commitEnrollment, commitEvent, commitTrackedEntity } from './tracker-persist.ts';
import { touch } from './tracker-store.ts';
import { validateEnrollment, validateEvent, validateTrackedEntity } from './tracker-validation.ts';

export type { TrackerPayload } from './tracker-bundle.ts';

/**
 * The tracker importer (`POST /api/tracker`, `DefaultTrackerImportService.importTracker`): flatten,
 * validate every object, then — unless AtomicMode ALL found an error, which persists nothing
 * (`withValidationErrors`: every object ignored) — commit in the order tracked entities, enrollments,
 * events, relationships, or delete in the reverse order for DELETE.
 */
export interface TypeOutcome {
  created: number;
  updated: number;
  deleted: number;
  /** Objects the persister skipped (an existing relationship: relationships are never updated). */
  ignored: number;
  /** The objects written, with their index in the flattened payload (`TrackerObjectReport`). */
  readonly objects: { uid: string; index: number }[];
}

export interface TrackerOutcome {
  readonly errors: readonly TrackerError[];
  readonly warnings: readonly TrackerError[];
  /** Undefined when nothing was committed (AtomicMode ALL with errors): no bundle report then. */
  readonly committed: Record<TrackerType, TypeOutcome> | undefined;
  readonly sizes: Record<TrackerType, number>;
  readonly bundleSize: number;
}

export function importTracker(
  ctx: SandboxContext,
  user: SandboxUser,
  payload: TrackerPayload,
  params: ImportParams,
): TrackerOutcome {
  const bundle = flattenPayload(payload);
  const run = newImportRun(ctx, user, params, bundle);
  for (const entity of bundle.trackedEntities) validateTrackedEntity(run, entity);
  for (const enrollment of bundle.enrollments) validateEnrollment(run, enrollment);
  for (const event of bundle.events) validateEvent(run, event);
  for (const relationship of bundle.relationships) validateRelationship(run, relationship);
  const sizes = {
    TRACKED_ENTITY: bundle.trackedEntities.length,
    ENROLLMENT: bundle.enrollments.length,
    EVENT: bundle.events.length,
    RELATIONSHIP: bundle.relationships.length,
  };
  const outcome = {
    errors: run.errors,
    warnings: run.warnings,
    sizes,
    bundleSize: bundleSize(bundle),
  };
  if (run.errors.length > 0 && params.atomicMode === 'ALL')
    return { ...outcome, committed: undefined };
  const committed = ctx.db.transaction(() =>
    params.strategy === 'DELETE' ? deleteBundle(run, bundle) : commitBundle(run, bundle),
  )();
  return { ...outcome, committed };
}

function emptyOutcomes(): Record<TrackerType, TypeOutcome> {
  const empty = (): TypeOutcome => ({
    created: 0,
    updated: 0,
    deleted: 0,
    ignored: 0,
    objects: [],
  });
  return { TRACKED_ENTITY: empty(), ENROLLMENT: empty(), EVENT: empty(), RELATIONSHIP: empty() };
}

/** Walks one type's list in payload order, calling `write` for each object validation accepted. */
function each<T>(
  run: ImportRun,
  type: TrackerType,
  list: readonly T[],
  uidOf: (item: T) => string,
  outcome: TypeOutcome,
  write: (item: T, action: 'CREATE' | 'UPDATE' | 'DELETE') => void,
): void {
  list.forEach((item, index) => {
    const uid = uidOf(item);
    const action = run.actions[type].get(uid);
    if (!action) return;
    if (action === 'IGNORE') {
      outcome.ignored += 1;
      return;
    }
    write(item, action);
    if (action === 'CREATE') outcome.created += 1;
    else if (action === 'UPDATE') outcome.updated += 1;
    else outcome.deleted += 1;
    outcome.objects.push({ uid, index });
  });
}

function commitBundle(run: ImportRun, bundle: TrackerBundle): Record<TrackerType, TypeOutcome> {
  const outcomes = emptyOutcomes();
  each(
    run,
    'TRACKED_ENTITY',
    bundle.trackedEntities,
    (t) => t.trackedEntity,
    outcomes.TRACKED_ENTITY,
    (t) => commitTrackedEntity(run, t),
  );
  each(
    run,
    'ENROLLMENT',
    bundle.enrollments,
    (e) => e.enrollment,
    outcomes.ENROLLMENT,
    (e, action) => commitEnrollment(run, e, action),
  );
  each(
    run,
    'EVENT',
    bundle.events,
    (e) => e.event,
    outcomes.EVENT,
    (e, action) => commitEvent(run, e, action),
  );
  each(
    run,
    'RELATIONSHIP',
    bundle.relationships,
    (r) => r.relationship,
    outcomes.RELATIONSHIP,
    (r) => createRelationship(run, r),
  );
  // DefaultTrackerBundleService.updateTrackedEntitiesLastUpdated: one bulk update after the commit.
  touch(run.ctx.db, 'tracked_entities', run.touchedTrackedEntities, run.now);
  return outcomes;
}

/** `TrackerBundleService.delete`: relationships, events, enrollments, tracked entities. */
function deleteBundle(run: ImportRun, bundle: TrackerBundle): Record<TrackerType, TypeOutcome> {
  const outcomes = emptyOutcomes();
  each(
    run,
    'RELATIONSHIP',
    bundle.relationships,
    (r) => r.relationship,
    outcomes.RELATIONSHIP,
    (r) => deleteRelationship(run, r.relationship),
  );
  each(
    run,
    'EVENT',
    bundle.events,
    (e) => e.event,
    outcomes.EVENT,
    (e) => deleteEvent(run, e.event),
  );
  each(
    run,
    'ENROLLMENT',
    bundle.enrollments,
    (e) => e.enrollment,
    outcomes.ENROLLMENT,
    (e) => deleteEnrollment(run, e.enrollment),
  );
  each(
    run,
    'TRACKED_ENTITY',
    bundle.trackedEntities,
    (t) => t.trackedEntity,
    outcomes.TRACKED_ENTITY,
    (t) => deleteTrackedEntity(run, t.trackedEntity),
  );
  return outcomes;
}
