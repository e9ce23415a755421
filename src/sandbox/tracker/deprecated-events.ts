import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { newUid } from './tracker-bundle.ts';
import {
  type EventRow,
  findEnrollment,
  findEvent,
  findTrackedEntity,
  parseJsonRecord,
  touch,
  trackedEntityOfEvent,
} from './tracker-store.ts';

/**
 * The event importer of the older API (`POST /api/events`, `PUT`/`DELETE /api/events/{uid}`,
 * 2.36–2.41: dxf2 `EventImporter`, `EventManager`, `AbstractEventService`). Unlike `/api/tracker` it
 * REPLACES an updated event's data values unless `mergeDataValues=true`
 * (`EventDataValueAggregator.aggregateForUpdate` @2.36.13 L78-L120), and `PUT /api/events/{uid}`
 * always replaces: it forces `mergeDataValues` to false (`AbstractEventService.updateEvent`
 * @2.36.13 L686, @2.41.9 L758). An empty value or the string "null" deletes.
 */
export interface OldDataValue {
  dataElement: string;
  value?: string | number | boolean | null | undefined;
}
export interface OldEvent {
  event?: string | undefined;
  program?: string | undefined;
  programStage?: string | undefined;
  enrollment?: string | undefined;
  trackedEntityInstance?: string | undefined;
  orgUnit?: string | undefined;
  eventDate?: string | undefined;
  dueDate?: string | undefined;
  status?: string | undefined;
  dataValues?: OldDataValue[] | undefined;
}

export interface ImportSummary {
  responseType: 'ImportSummary';
  status: 'SUCCESS' | 'WARNING' | 'ERROR';
  importOptions?: Record<string, unknown>;
  description?: string;
  importCount: { imported: number; updated: number; ignored: number; deleted: number };
  conflicts: { object: string; value: string }[];
  reference?: string;
  href?: string;
}

export interface OldImport {
  readonly ctx: SandboxContext;
  readonly user: SandboxUser;
  readonly strategy: 'CREATE' | 'UPDATE' | 'CREATE_AND_UPDATE' | 'DELETE';
  readonly mergeDataValues: boolean;
  readonly now: string;
}

function summary(
  status: ImportSummary['status'],
  count: Partial<ImportSummary['importCount']>,
  extra: { description?: string; reference?: string | undefined } = {},
): ImportSummary {
  const s: ImportSummary = {
    responseType: 'ImportSummary',
    status,
    importCount: { imported: 0, updated: 0, ignored: 0, deleted: 0, ...count },
    conflicts: [],
  };
  if (extra.description !== undefined) s.description = extra.description;
  if (extra.reference !== undefined) s.reference = extra.reference;
  return s;
}

const failed = (description: string, reference: string | undefined) =>
  summary('ERROR', { ignored: 1 }, { description, reference });

/** `ImportStrategyAccumulator.partitionEvents`: create, update or delete, then `EventManager`. */
export function importOldEvent(run: OldImport, event: OldEvent): ImportSummary | undefined {
  const uid = event.event || newUid();
  const stored = findEvent(run.ctx.db, uid);
  if (run.strategy === 'DELETE') {
    // Only events found are deleted: a JDBC `deleted = true`, lastUpdated untouched (JdbcEventStore.delete @2.36.13 L1880-L1890).
    if (!stored) return undefined;
    run.ctx.db.prepare('UPDATE events SET deleted = 1 WHERE id = ?').run(uid);
    return summary(
      'SUCCESS',
      { deleted: 1 },
      { description: `Deletion of event ${uid} was successful`, reference: uid },
    );
  }
  if (run.strategy === 'UPDATE' || (run.strategy === 'CREATE_AND_UPDATE' && stored))
    return updateOldEvent(run, { ...event, event: uid }, stored);
  // EventManager.resolveImportableEvents @2.36.13 L442-L444: an existing UID, deleted or not.
  if (stored) return failed(`Event ${uid} already exists or was deleted earlier`, uid);
  return writeOldEvent(run, { ...event, event: uid }, undefined);
}

/** `ProgramStageInstanceBasicCheck` (@2.36.13 L44-L66), then the write with the update's data values. */
export function updateOldEvent(
  run: OldImport,
  event: OldEvent & { event: string },
  stored: EventRow | undefined,
): ImportSummary {
  const uid = event.event;
  if (!stored) {
    const error = failed(`Event ID ${uid} doesn't point to valid event`, uid);
    error.conflicts.push({ object: 'Invalid Event ID', value: uid });
    return error;
  }
  if (stored.deleted)
    return failed(
      `Event ID ${uid} was already used and/or deleted. This event can not be modified.`,
      uid,
    );
  return writeOldEvent(run, event, stored);
}

function writeOldEvent(
  run: OldImport,
  event: OldEvent & { event: string },
  stored: EventRow | undefined,
): ImportSummary {
  const { ctx } = run;
  const uid = event.event;
  const program = ctx.metadata.get('programs', event.program ?? stored?.program ?? '');
  if (!program)
    return failed(`Event.program does not point to a valid program: ${event.program}`, uid);
  const stages = ((program.programStages as { id: string }[] | undefined) ?? []).map((s) => s.id);
  const stage =
    event.programStage ??
    stored?.program_stage ??
    (program.programType === 'WITHOUT_REGISTRATION' ? stages[0] : undefined);
  if (!stage || !ctx.metadata.get('programStages', stage))
    return failed(
      `Event.programStage does not point to a valid programStage: ${event.programStage}`,
      uid,
    );
  if (!event.orgUnit || !ctx.orgUnits.get(event.orgUnit))
    return failed(
      `Event.orgUnit does not point to a valid organisation unit: ${event.orgUnit}`,
      uid,
    );
  const status = event.status ?? 'ACTIVE';
  if (status === 'ACTIVE' && !event.eventDate) return failed('Event date is required. ', uid);
  const enrollment = resolveEnrollment(run, event, stored, program);
  if (enrollment !== null && typeof enrollment === 'object') return enrollment;
  writeEventRow(run, event, stored, { program: program.id, stage, status, enrollment });
  return summary('SUCCESS', stored ? { updated: 1 } : { imported: 1 }, { reference: uid });
}

/** A registration programme's event needs its enrollment: given, or the tracked entity's active one. */
function resolveEnrollment(
  run: OldImport,
  event: OldEvent & { event: string },
  stored: EventRow | undefined,
  program: Record<string, unknown>,
): string | null | ImportSummary {
  if (program.programType === 'WITHOUT_REGISTRATION') return null;
  const given = event.enrollment ?? stored?.enrollment;
  if (given && findEnrollment(run.ctx.db, given)) return given;
  const tei = event.trackedEntityInstance;
  const entity = tei ? findTrackedEntity(run.ctx.db, tei) : undefined;
  // TrackedEntityInstanceCheck, ProgramInstanceCheck (dxf2 events/importer @2.36.13).
  if (!entity || entity.deleted)
    return failed(
      `Event.trackedEntityInstance does not point to a valid tracked entity instance: ${tei ?? null}`,
      event.event,
    );
  const active = run.ctx.db
    .prepare(
      "SELECT id FROM enrollments WHERE tracked_entity = ? AND program = ? AND status = 'ACTIVE' AND deleted = 0",
    )
    .all(tei, program.id) as { id: string }[];
  if (active.length === 0)
    return failed(
      `Tracked entity instance: ${tei} is not enrolled in program: ${program.id}`,
      event.event,
    );
  if (active.length > 1)
    return failed(
      `Tracked entity instance: ${tei} has multiple active enrollments in program: ${program.id}`,
      event.event,
    );
  return active[0]!.id;
}

function writeEventRow(
  run: OldImport,
  event: OldEvent & { event: string },
  stored: EventRow | undefined,
  resolved: { program: unknown; stage: string; status: string; enrollment: string | null },
): void {
  const { ctx, now } = run;
  const values = oldDataValues(ctx, stored, event.dataValues, run.mergeDataValues);
  const occurred = (event.eventDate ?? event.dueDate ?? now).slice(0, 10);
  ctx.db
    .prepare(
      `INSERT INTO events (id, enrollment, program, program_stage, org_unit, occurred_at, status, data_values, created, last_updated, deleted)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
       ON CONFLICT(id) DO UPDATE SET enrollment = excluded.enrollment, program_stage = excluded.program_stage, org_unit = excluded.org_unit,
         occurred_at = excluded.occurred_at, status = excluded.status, data_values = excluded.data_values, last_updated = excluded.last_updated`,
    )
    .run(
      event.event,
      resolved.enrollment,
      resolved.program,
      resolved.stage,
      event.orgUnit,
      occurred,
      resolved.status,
      JSON.stringify(values),
      stored?.created ?? now,
      now,
    );
  if (event.dueDate)
    ctx.db
      .prepare(
        'INSERT INTO event_details (id, scheduled_at) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET scheduled_at = excluded.scheduled_at',
      )
      .run(event.event, event.dueDate.slice(0, 10));
  // DefaultEventPersistenceService.save/update → JdbcEventStore.updateTrackedEntityInstances (@2.36.13 L141).
  const te = trackedEntityOfEvent(ctx.db, findEvent(ctx.db, event.event)!);
  if (te) touch(ctx.db, 'tracked_entities', [te], now);
}

/**
 * `EventDataValueAggregator` (@2.36.13 L78-L120; tests `EventDataValueAggregatorTest`): a new event
 * takes the payload's values; an update without merge keeps only the payload's, with merge also the
 * stored values of data elements the payload leaves out; an empty value or "null" is dropped. Data
 * elements unknown to the server are filtered out (`FilteringOutUndeclaredDataElementsProcessor`).
 */
function oldDataValues(
  ctx: SandboxContext,
  stored: EventRow | undefined,
  payload: readonly OldDataValue[] | undefined,
  merge: boolean,
): Record<string, string> {
  const previous = parseJsonRecord(stored?.data_values);
  const sent = (payload ?? []).filter((dv) => ctx.metadata.get('dataElements', dv.dataElement));
  const named = new Set(sent.map((dv) => dv.dataElement));
  const values: Record<string, string> = {};
  if (stored && merge)
    for (const [dataElement, value] of Object.entries(previous))
      if (!named.has(dataElement)) values[dataElement] = value;
  for (const dv of sent) {
    const text = dv.value === null || dv.value === undefined ? '' : String(dv.value);
    if (text !== '' && text !== 'null') values[dv.dataElement] = text;
  }
  return values;
}

/**
 * `DELETE /api/events/{uid}` (`AbstractEventService.deleteEvent` @2.36.13 L779-L814): a live event is
 * stamped (`setAutoFields`) and soft-deleted, its tracked entity updated; anything else is "not present"
 * — still SUCCESS, counted ignored.
 */
export function deleteOldEvent(ctx: SandboxContext, uid: string, now: string): ImportSummary {
  const stored = findEvent(ctx.db, uid);
  if (!stored || stored.deleted)
    return summary(
      'SUCCESS',
      { ignored: 1 },
      { description: `Event ${uid} cannot be deleted as it is not present in the system` },
    );
  ctx.db.prepare('UPDATE events SET deleted = 1, last_updated = ? WHERE id = ?').run(now, uid);
  const te = trackedEntityOfEvent(ctx.db, stored);
  if (te) touch(ctx.db, 'tracked_entities', [te], now);
  return summary(
    'SUCCESS',
    { deleted: 1 },
    { description: `Deletion of event ${uid} was successful`, reference: uid },
  );
}
