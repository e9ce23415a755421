import { hasAuthority } from '../http/env.ts';
import { atLeast } from '../version.ts';
import {
  type Action,
  type ImportRun,
  orgUnitArg,
  reportError,
  resolveAction,
  userArg,
} from './import-context.ts';
import type { EnrollmentIn, EventIn, TrackedEntityIn } from './tracker-bundle.ts';
import type { TrackerType } from './tracker-errors.ts';
import {
  findEnrollment,
  findEvent,
  findTrackedEntity,
  liveEnrollmentsOf,
  liveEventsOf,
} from './tracker-store.ts';

/**
 * The checks the sandbox makes before anything is written, type by type as DHIS2's validation runs
 * (tracked entities, enrollments, events; relationships in relationships.ts): existence against the
 * strategy, the metadata an object names, the user's capture scope (E1000), and the cascade
 * authorities of a deletion. The first failing check of an object is reported (DHIS2 may list more).
 * Deletions need only the UID: the other validators do not run for DELETE (2.40–2.43,
 * `ImportStrategyTests.shouldDeleteWithOnlyIdInThePayload`).
 */
export function validateTrackedEntity(
  run: ImportRun,
  entity: TrackedEntityIn & { trackedEntity: string },
): undefined {
  const { ctx } = run;
  const uid = entity.trackedEntity;
  const action = resolveAction(run, 'TRACKED_ENTITY', uid, findTrackedEntity(ctx.db, uid));
  if (!action) return;
  if (action === 'DELETE') {
    // PreCheckOwnershipValidationHook @2.36.13 L97-L107; SecurityOwnershipValidator @2.43.1 L144-L148.
    const cascades = liveEnrollmentsOf(ctx.db, uid).length > 0;
    if (cascades && !hasAuthority(run.user, 'F_TEI_CASCADE_DELETE'))
      return reportError(run, 'E1100', 'TRACKED_ENTITY', uid, [
        userArg(run),
        { klass: 'TrackedEntityInstance', uid },
      ]);
    return accept(run, 'TRACKED_ENTITY', uid, action);
  }
  if (!entity.orgUnit || !ctx.orgUnits.get(entity.orgUnit))
    return reportError(run, 'E1049', 'TRACKED_ENTITY', uid, [entity.orgUnit ?? 'null']);
  if (entity.trackedEntityType && !ctx.metadata.get('trackedEntityTypes', entity.trackedEntityType))
    return reportError(run, 'E1005', 'TRACKED_ENTITY', uid, [entity.trackedEntityType]);
  if (!captures(run, entity.orgUnit))
    return reportError(run, 'E1000', 'TRACKED_ENTITY', uid, [
      userArg(run),
      orgUnitArg(entity.orgUnit),
    ]);
  accept(run, 'TRACKED_ENTITY', uid, action);
}

export function validateEnrollment(
  run: ImportRun,
  enrollment: EnrollmentIn & { enrollment: string },
): undefined {
  const { ctx } = run;
  const uid = enrollment.enrollment;
  const action = resolveAction(run, 'ENROLLMENT', uid, findEnrollment(ctx.db, uid));
  if (!action) return;
  if (action === 'DELETE') {
    // PreCheckOwnershipValidationHook @2.36.13 L147-L158; SecurityOwnershipValidator @2.43.1 L86-L94.
    const cascades = liveEventsOf(ctx.db, uid).length > 0;
    if (cascades && !hasAuthority(run.user, 'F_ENROLLMENT_CASCADE_DELETE'))
      return reportError(run, 'E1103', 'ENROLLMENT', uid, [
        userArg(run),
        { klass: 'ProgramInstance', uid },
      ]);
    return accept(run, 'ENROLLMENT', uid, action);
  }
  if (!enrollment.program || !ctx.metadata.get('programs', enrollment.program))
    return reportError(run, 'E1069', 'ENROLLMENT', uid, [enrollment.program ?? 'null']);
  if (!enrollment.orgUnit || !ctx.orgUnits.get(enrollment.orgUnit))
    return reportError(run, 'E1070', 'ENROLLMENT', uid, [enrollment.orgUnit ?? 'null']);
  const te = enrollment.trackedEntity;
  if (te && !known(run, 'TRACKED_ENTITY', te))
    return reportError(run, 'E1068', 'ENROLLMENT', uid, [te]);
  if (!captures(run, enrollment.orgUnit))
    return reportError(run, 'E1000', 'ENROLLMENT', uid, [
      userArg(run),
      orgUnitArg(enrollment.orgUnit),
    ]);
  accept(run, 'ENROLLMENT', uid, action);
}

export function validateEvent(run: ImportRun, event: EventIn & { event: string }): undefined {
  const { ctx } = run;
  const uid = event.event;
  const action = resolveAction(run, 'EVENT', uid, findEvent(ctx.db, uid));
  if (!action) return;
  if (action === 'DELETE') return accept(run, 'EVENT', uid, action);
  if (!event.programStage || !ctx.metadata.get('programStages', event.programStage)) {
    // 2.36 reports the event, its program and stage together (PreCheckMetaValidationHook, E1088).
    if (!atLeast(ctx.version, 37))
      return reportError(run, 'E1088', 'EVENT', uid, [
        { klass: 'Event', uid },
        event.program ?? 'null',
        event.programStage ?? 'null',
      ]);
    return reportError(run, 'E1013', 'EVENT', uid, [event.programStage ?? 'null']);
  }
  const scheduled = event.status === 'SCHEDULE' || event.status === 'SKIPPED';
  if (!scheduled && !(event.occurredAt ?? event.eventDate))
    return reportError(run, 'E1031', 'EVENT', uid, []);
  if (!event.orgUnit || !ctx.orgUnits.get(event.orgUnit))
    return reportError(run, 'E1011', 'EVENT', uid, [event.orgUnit ?? 'null']);
  if (!captures(run, event.orgUnit))
    return reportError(run, 'E1000', 'EVENT', uid, [userArg(run), orgUnitArg(event.orgUnit)]);
  const unknown = (event.dataValues ?? []).find(
    (dv) => !ctx.metadata.get('dataElements', dv.dataElement),
  );
  if (unknown) {
    // 2.36: PreCheckMetaValidationHook E1087; 2.37+: the data values validator's E1304.
    if (!atLeast(ctx.version, 37))
      return reportError(run, 'E1087', 'EVENT', uid, [
        { klass: 'Event', uid },
        unknown.dataElement,
      ]);
    return reportError(run, 'E1304', 'EVENT', uid, [unknown.dataElement]);
  }
  accept(run, 'EVENT', uid, action);
}

/** A UID that is stored and live, or written by this import (already validated, parents first). */
export function known(run: ImportRun, type: TrackerType, uid: string): boolean {
  const action = run.actions[type].get(uid);
  if (action === 'CREATE' || action === 'UPDATE') return true;
  if (action === 'DELETE') return false;
  const { db } = run.ctx;
  const row =
    type === 'TRACKED_ENTITY'
      ? findTrackedEntity(db, uid)
      : type === 'ENROLLMENT'
        ? findEnrollment(db, uid)
        : type === 'EVENT'
          ? findEvent(db, uid)
          : undefined;
  return row !== undefined && row.deleted === 0;
}

/** The user's data capture scope (`organisationUnits`), where tracker data may be written. */
function captures(run: ImportRun, orgUnit: string): boolean {
  return run.ctx.orgUnits.isWithin(orgUnit, run.user.orgUnits);
}

function accept(run: ImportRun, type: TrackerType, uid: string, action: Action): undefined {
  run.actions[type].set(uid, action);
}
