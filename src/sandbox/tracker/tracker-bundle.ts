import { randomBytes } from 'node:crypto';
import { atLeast, type Dhis2Version } from '../version.ts';
import type { TrackerType } from './tracker-errors.ts';

/**
 * The payload of `POST /api/tracker` and the flat bundle the importer works on: nested enrollments and
 * events are lifted out with their parent's UID, as `TrackerBundleParams.toTrackerBundle` (2.36–2.39)
 * and `TrackerObjectsMapper`/`Body` flattening (2.40+) do; objects without a UID get one.
 */
export interface Attribute {
  attribute: string;
  value?: string | null;
}
export interface DataValue {
  dataElement: string;
  value?: string | number | boolean | null;
}
export interface EventIn {
  event?: string | undefined;
  program?: string | undefined;
  programStage?: string | undefined;
  enrollment?: string | undefined;
  trackedEntity?: string | undefined;
  orgUnit?: string | undefined;
  occurredAt?: string | undefined;
  eventDate?: string | undefined;
  scheduledAt?: string | undefined;
  status?: string | undefined;
  storedBy?: string | undefined;
  completedAt?: string | undefined;
  dataValues?: DataValue[] | undefined;
}
export interface EnrollmentIn {
  enrollment?: string | undefined;
  trackedEntity?: string | undefined;
  program?: string | undefined;
  orgUnit?: string | undefined;
  enrolledAt?: string | undefined;
  enrollmentDate?: string | undefined;
  occurredAt?: string | undefined;
  incidentDate?: string | undefined;
  status?: string | undefined;
  events?: EventIn[] | undefined;
  attributes?: Attribute[] | undefined;
}
export interface TrackedEntityIn {
  trackedEntity?: string | undefined;
  trackedEntityType?: string | undefined;
  orgUnit?: string | undefined;
  attributes?: Attribute[] | undefined;
  enrollments?: EnrollmentIn[] | undefined;
}
/** 2.36–2.39: `{"trackedEntity": "uid"}`; 2.40+: `{"trackedEntity": {"trackedEntity": "uid"}}`. */
export type RelationshipItemIn = Record<string, unknown>;
export interface RelationshipIn {
  relationship?: string | undefined;
  relationshipType?: string | undefined;
  from?: RelationshipItemIn | undefined;
  to?: RelationshipItemIn | undefined;
}
export interface TrackerPayload {
  trackedEntities?: TrackedEntityIn[] | undefined;
  enrollments?: EnrollmentIn[] | undefined;
  events?: EventIn[] | undefined;
  relationships?: RelationshipIn[] | undefined;
}

/** One end of a relationship, read to the tracker type and UID it names. */
export interface RelationshipEnd {
  readonly type: TrackerType | undefined;
  readonly uid: string | undefined;
  /** How many of trackedEntity, enrollment, event the item names (E4001 unless exactly one). */
  readonly named: number;
}

export interface TrackerBundle {
  readonly trackedEntities: (TrackedEntityIn & { trackedEntity: string })[];
  readonly enrollments: (EnrollmentIn & { enrollment: string })[];
  readonly events: (EventIn & { event: string })[];
  readonly relationships: (RelationshipIn & { relationship: string })[];
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A DHIS2 UID (`CodeGenerator.generateUid`): a letter, then ten letters or digits. */
export function newUid(): string {
  const chars = `${ALPHABET}0123456789`;
  const bytes = randomBytes(11);
  return (
    ALPHABET[bytes[0]! % ALPHABET.length]! +
    [...bytes.subarray(1)].map((b) => chars[b % chars.length]).join('')
  );
}

export function flattenPayload(payload: TrackerPayload): TrackerBundle {
  const bundle: TrackerBundle = {
    trackedEntities: [],
    enrollments: [],
    events: [],
    relationships: [],
  };
  const addEvent = (event: EventIn, enrollment?: EnrollmentIn & { enrollment: string }) =>
    bundle.events.push({
      ...event,
      event: event.event || newUid(),
      enrollment: event.enrollment ?? enrollment?.enrollment,
      orgUnit: event.orgUnit ?? enrollment?.orgUnit,
    });
  const addEnrollment = (enrollment: EnrollmentIn, trackedEntity?: string) => {
    const flat = {
      ...enrollment,
      enrollment: enrollment.enrollment || newUid(),
      trackedEntity: enrollment.trackedEntity ?? trackedEntity,
    };
    delete flat.events;
    bundle.enrollments.push(flat);
    for (const event of enrollment.events ?? []) addEvent(event, flat);
  };
  for (const entity of payload.trackedEntities ?? []) {
    const flat = { ...entity, trackedEntity: entity.trackedEntity || newUid() };
    delete flat.enrollments;
    bundle.trackedEntities.push(flat);
    for (const enrollment of entity.enrollments ?? [])
      addEnrollment(enrollment, flat.trackedEntity);
  }
  for (const enrollment of payload.enrollments ?? []) addEnrollment(enrollment);
  for (const event of payload.events ?? []) addEvent(event);
  for (const relationship of payload.relationships ?? [])
    bundle.relationships.push({
      ...relationship,
      relationship: relationship.relationship || newUid(),
    });
  return bundle;
}

export function bundleSize(bundle: TrackerBundle): number {
  return (
    bundle.trackedEntities.length +
    bundle.enrollments.length +
    bundle.events.length +
    bundle.relationships.length
  );
}

const ITEM_KEYS = [
  ['trackedEntity', 'TRACKED_ENTITY'],
  ['enrollment', 'ENROLLMENT'],
  ['event', 'EVENT'],
] as const;

/**
 * Reads a relationship item: a UID string per key up to 2.39 (tracker `domain.RelationshipItem`), an
 * object holding the UID from 2.40 (web `view.RelationshipItem`, the import body from 2.40). The other
 * shape names nothing, as Jackson would not bind it.
 */
export function relationshipEnd(
  version: Dhis2Version,
  item: RelationshipItemIn | undefined,
): RelationshipEnd {
  let type: TrackerType | undefined;
  let uid: string | undefined;
  let named = 0;
  for (const [key, trackerType] of ITEM_KEYS) {
    const value = item?.[key];
    const id = atLeast(version, 40)
      ? typeof value === 'object' && value !== null
        ? (value as Record<string, unknown>)[key]
        : undefined
      : value;
    if (typeof id !== 'string' || id === '') continue;
    named += 1;
    type = trackerType;
    uid = id;
  }
  return { type, uid, named };
}
