import type { SandboxContext } from '../context.ts';
import { atLeast, type Dhis2Version } from '../version.ts';
import { type FieldSpec, wants } from './field-filter.ts';
import {
  type EnrollmentRow,
  type EventRow,
  findEnrollment,
  findEventDetails,
  parseJsonRecord,
  type TrackedEntityRow,
} from './tracker-store.ts';
import { instantText } from './tracker-time.ts';

/**
 * The objects of `GET /api/tracker/…` as each version prints them: the tracker `domain` classes
 * (2.36–2.38), the web `view` classes (2.39+; TRK domain/Event @2.36.13 L96-L120, WEB tracker/view/Event
 * @2.43.1 L86-L104). `orgUnitName` goes in 2.41; `followup` becomes `followUp` for events in 2.41
 * (both printed in 2.41: view/Event @2.41.9 keeps the deprecated `followup`), enrollments always
 * `followUp`. Times are zone-less (`instantText`).
 */
export function eventView(
  ctx: SandboxContext,
  row: EventRow,
  spec: FieldSpec,
): Record<string, unknown> {
  const v = ctx.version;
  const details = findEventDetails(ctx.db, row.id);
  const trackedEntity = row.enrollment
    ? findEnrollment(ctx.db, row.enrollment)?.tracked_entity
    : undefined;
  const values = parseJsonRecord(row.data_values);
  return {
    event: row.id,
    status: row.status,
    program: row.program,
    programStage: row.program_stage,
    enrollment: row.enrollment ?? undefined,
    trackedEntity: trackedEntity ?? undefined,
    orgUnit: row.org_unit,
    orgUnitName: atLeast(v, 41) ? undefined : orgUnitName(ctx, row.org_unit),
    occurredAt: instantText(row.occurred_at),
    // EventTrackerConverterService @2.36.13 L276-L280: a registration event's missing scheduledAt is its occurredAt.
    scheduledAt: instantText(
      details?.scheduled_at ?? (row.enrollment ? row.occurred_at : undefined),
    ),
    storedBy: details?.stored_by ?? undefined,
    ...followUp(v, 'event', false),
    deleted: row.deleted === 1,
    createdAt: instantText(row.created),
    updatedAt: instantText(row.last_updated),
    completedAt: instantText(details?.completed_at),
    dataValues: wants(spec, 'dataValues')
      ? Object.entries(values).map(([dataElement, value]) => ({
          dataElement,
          value,
          providedElsewhere: false,
        }))
      : undefined,
    notes: [],
    relationships: wants(spec, 'relationships') ? [] : undefined,
  };
}

export function enrollmentView(
  ctx: SandboxContext,
  row: EnrollmentRow,
  spec: FieldSpec,
  events: () => Record<string, unknown>[],
): Record<string, unknown> {
  const v = ctx.version;
  const entity = row.tracked_entity
    ? (ctx.db
        .prepare('SELECT attributes FROM tracked_entities WHERE id = ?')
        .get(row.tracked_entity) as { attributes: string } | undefined)
    : undefined;
  return {
    enrollment: row.id,
    createdAt: instantText(row.created),
    updatedAt: instantText(row.last_updated),
    trackedEntity: row.tracked_entity ?? undefined,
    program: row.program,
    status: row.status,
    orgUnit: row.org_unit,
    orgUnitName: atLeast(v, 41) ? undefined : orgUnitName(ctx, row.org_unit),
    enrolledAt: instantText(row.enrolled_at),
    occurredAt: instantText(row.occurred_at),
    ...followUp(v, 'enrollment', false),
    deleted: row.deleted === 1,
    events: wants(spec, 'events') ? events() : undefined,
    relationships: wants(spec, 'relationships') ? [] : undefined,
    attributes: wants(spec, 'attributes') ? attributeList(entity?.attributes) : undefined,
    notes: [],
  };
}

export function trackedEntityView(
  ctx: SandboxContext,
  row: TrackedEntityRow,
  spec: FieldSpec,
  enrollments: () => Record<string, unknown>[],
): Record<string, unknown> {
  return {
    trackedEntity: row.id,
    trackedEntityType: row.tracked_entity_type ?? undefined,
    createdAt: instantText(row.created),
    updatedAt: instantText(row.last_updated),
    orgUnit: row.org_unit,
    inactive: false,
    deleted: row.deleted === 1,
    potentialDuplicate: atLeast(ctx.version, 38) ? false : undefined,
    attributes: wants(spec, 'attributes') ? attributeList(row.attributes) : undefined,
    enrollments: wants(spec, 'enrollments') ? enrollments() : undefined,
    relationships: wants(spec, 'relationships') ? [] : undefined,
    programOwners: wants(spec, 'programOwners') ? [] : undefined,
  };
}

function attributeList(stored: string | undefined) {
  return Object.entries(parseJsonRecord(stored)).map(([attribute, value]) => ({
    attribute,
    value,
  }));
}

export function orgUnitName(ctx: SandboxContext, id: string): string | undefined {
  const unit = ctx.orgUnits.get(id);
  return typeof unit?.name === 'string' ? unit.name : undefined;
}

function followUp(version: Dhis2Version, kind: 'event' | 'enrollment', value: boolean) {
  if (kind === 'enrollment') return { followUp: value };
  if (!atLeast(version, 41)) return { followup: value };
  if (!atLeast(version, 42)) return { followUp: value, followup: value };
  return { followUp: value };
}
