import type { SandboxContext } from '../context.ts';
import { atLeast } from '../version.ts';
import { type ImportRun, reportError, reportWarning } from './import-context.ts';
import { type RelationshipIn, relationshipEnd } from './tracker-bundle.ts';
import type { TrackerType } from './tracker-errors.ts';
import { touch } from './tracker-store.ts';
import { known } from './tracker-validation.ts';

/**
 * Relationships between tracker objects, written by `POST /api/tracker` (CREATE and DELETE only: an
 * existing relationship is never updated, `RelationshipPersister.isUpdatable() == false`, 2.36–2.43).
 */
export interface RelationshipRow {
  id: string;
  relationship_type: string;
  from_type: TrackerType;
  from_id: string;
  to_type: TrackerType;
  to_id: string;
  created: string;
  last_updated: string;
  deleted: number;
}

/**
 * What `d2:relationshipCount` counts for a tracked entity: its live relationships, on either side, of
 * one relationship type or of all (`D2RelationshipCount.getSql`: `relationshipitem` joined on the
 * relationship, so both items count; `r.deleted is false` from 2.39 — before, deleted rows are gone).
 * Counts what is stored now, as 2.36–2.42 do in the analytics query; 2.43 reads a resource table
 * (`RelationshipCountResourceTable`) built by the analytics table run.
 */
export function relationshipCount(
  ctx: SandboxContext,
  trackedEntity: string,
  relationshipType?: string,
): number {
  const row = ctx.db
    .prepare(
      `SELECT COUNT(*) AS n FROM relationships WHERE deleted = 0
         AND ((from_type = 'TRACKED_ENTITY' AND from_id = ?) OR (to_type = 'TRACKED_ENTITY' AND to_id = ?))
         ${relationshipType ? 'AND relationship_type = ?' : ''}`,
    )
    .get(trackedEntity, trackedEntity, ...(relationshipType ? [relationshipType] : [])) as {
    n: number;
  };
  return row.n;
}

export function findRelationship(ctx: SandboxContext, id: string): RelationshipRow | undefined {
  return ctx.db.prepare('SELECT * FROM relationships WHERE id = ?').get(id) as
    | RelationshipRow
    | undefined;
}

/**
 * Existence: 2.39+ a deleted UID fails E4017; CREATE of a present one fails E4015, any other strategy
 * only warns E4015 and leaves it (`ExistenceValidator` @2.43.1; 2.37–2.38 warn whatever the strategy,
 * `PreCheckExistenceValidationHook` @2.37.10); UPDATE/DELETE of a missing one fail E4016.
 */
export function validateRelationship(
  run: ImportRun,
  rel: RelationshipIn & { relationship: string },
): undefined {
  const { ctx } = run;
  const uid = rel.relationship;
  const stored = findRelationship(ctx, uid);
  const strategy = run.params.strategy;
  if (stored?.deleted && atLeast(ctx.version, 39))
    return reportError(run, 'E4017', 'RELATIONSHIP', uid, [uid]);
  if (!stored && (strategy === 'UPDATE' || strategy === 'DELETE'))
    return reportError(run, 'E4016', 'RELATIONSHIP', uid, [uid]);
  if (stored && strategy === 'DELETE') return void run.actions.RELATIONSHIP.set(uid, 'DELETE');
  if (stored && strategy === 'CREATE' && atLeast(ctx.version, 39))
    return reportError(run, 'E4015', 'RELATIONSHIP', uid, [uid]);
  if (stored) {
    if (atLeast(ctx.version, 37)) reportWarning(run, 'E4015', 'RELATIONSHIP', uid, [uid]);
    return void run.actions.RELATIONSHIP.set(uid, 'IGNORE');
  }
  if (!rel.relationshipType || !ctx.metadata.get('relationshipTypes', rel.relationshipType))
    return reportError(run, 'E4006', 'RELATIONSHIP', uid, [rel.relationshipType ?? 'null']);
  for (const [side, item] of [
    ['from', rel.from],
    ['to', rel.to],
  ] as const) {
    const end = relationshipEnd(ctx.version, item);
    if (end.named !== 1 || !end.type || !end.uid)
      return reportError(run, 'E4001', 'RELATIONSHIP', uid, [side, uid]);
    if (!known(run, end.type, end.uid))
      return reportError(run, 'E4012', 'RELATIONSHIP', uid, [ITEM_NAMES[end.type], end.uid]);
  }
  const from = relationshipEnd(ctx.version, rel.from);
  const to = relationshipEnd(ctx.version, rel.to);
  if (from.type === to.type && from.uid === to.uid)
    return reportError(run, 'E4000', 'RELATIONSHIP', uid, [uid]);
  run.actions.RELATIONSHIP.set(uid, 'CREATE');
}

const ITEM_NAMES: Record<TrackerType, string> = {
  TRACKED_ENTITY: 'trackedEntity',
  ENROLLMENT: 'enrollment',
  EVENT: 'event',
  RELATIONSHIP: 'relationship',
};

export function createRelationship(
  run: ImportRun,
  rel: RelationshipIn & { relationship: string },
): void {
  const from = relationshipEnd(run.ctx.version, rel.from);
  const to = relationshipEnd(run.ctx.version, rel.to);
  run.ctx.db
    .prepare(
      `INSERT INTO relationships (id, relationship_type, from_type, from_id, to_type, to_id, created, last_updated, deleted)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`,
    )
    .run(
      rel.relationship,
      rel.relationshipType,
      from.type,
      from.uid,
      to.type,
      to.uid,
      run.now,
      run.now,
    );
  // RelationshipPersister.getUpdatedTrackedEntities (2.39+): the origins' lastUpdated is bumped.
  if (atLeast(run.ctx.version, 39))
    for (const te of trackedEntityOrigins(run, findRelationship(run.ctx, rel.relationship)!))
      run.touchedTrackedEntities.add(te);
}

/**
 * `deleteRelationships`: soft from 2.39 with the origins' `lastUpdated` bumped
 * (`DefaultTrackerObjectsDeletionService` @2.39.10), a row removed before (not soft-deletable ≤2.38).
 */
export function deleteRelationship(run: ImportRun, id: string): void {
  const row = findRelationship(run.ctx, id);
  if (!row) return;
  if (!atLeast(run.ctx.version, 39)) {
    run.ctx.db.prepare('DELETE FROM relationships WHERE id = ?').run(id);
    return;
  }
  run.ctx.db
    .prepare('UPDATE relationships SET deleted = 1, last_updated = ? WHERE id = ?')
    .run(run.now, id);
  touch(run.ctx.db, 'tracked_entities', trackedEntityOrigins(run, row), run.now);
}

/** From 2.42 deleting a tracker object deletes its live relationships (`DefaultTrackerObjectsDeletionService` @2.42.5). */
export function deleteRelationshipsOf(run: ImportRun, type: TrackerType, uid: string): void {
  if (!atLeast(run.ctx.version, 42)) return;
  const ids = run.ctx.db
    .prepare(
      `SELECT id FROM relationships WHERE deleted = 0
         AND ((from_type = ? AND from_id = ?) OR (to_type = ? AND to_id = ?))`,
    )
    .all(type, uid, type, uid) as { id: string }[];
  for (const { id } of ids) deleteRelationship(run, id);
}

/**
 * `Relationship.getTrackedEntityOrigins` (API relationship/Relationship @2.39.10 L92-L106): the `from`
 * item's tracked entity, and the `to` one's when the type is bidirectional; items naming an enrollment
 * or an event add none.
 */
function trackedEntityOrigins(run: ImportRun, row: RelationshipRow): string[] {
  const type = run.ctx.metadata.get('relationshipTypes', row.relationship_type);
  const origins = row.from_type === 'TRACKED_ENTITY' ? [row.from_id] : [];
  if (type?.bidirectional === true && row.to_type === 'TRACKED_ENTITY') origins.push(row.to_id);
  return origins;
}
