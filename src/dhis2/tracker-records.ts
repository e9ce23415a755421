import type { Dhis2Client, Query } from './client.ts';
import type { ServerProfile } from './server-profile.ts';

/**
 * A programme's tracker records under an org unit, as `GET /api/tracker/{enrollments,events}` gives them
 * (dhis2-core `TrackerEnrollmentCriteria`/`TrackerEventCriteria` 2.36–2.40, `EnrollmentRequestParams`/
 * `EventRequestParams` 2.41+): enrollments with their events and the programme's attributes (read in
 * memory for the indicator's own evaluation, never kept) and events. The org unit parameters and the
 * list's key per version are the ServerProfile's (`trackerUnder`, `trackerListKey`); pages are read
 * until one comes back short, which every version's pager allows.
 */
export interface TrackerEvent {
  readonly event: string;
  readonly enrollment?: string;
  readonly trackedEntity?: string;
  readonly programStage: string;
  readonly orgUnit: string;
  readonly occurredAt?: string;
  readonly scheduledAt?: string;
  readonly completedAt?: string;
  readonly createdAt?: string;
  readonly updatedAt?: string;
  readonly status?: string;
  readonly deleted?: boolean;
  readonly dataValues?: readonly { readonly dataElement: string; readonly value?: string }[];
}

export interface TrackerEnrollment {
  readonly enrollment: string;
  readonly trackedEntity?: string;
  readonly orgUnit: string;
  readonly occurredAt?: string;
  readonly completedAt?: string;
  readonly updatedAt?: string;
  readonly status?: string;
  readonly deleted?: boolean;
  readonly enrolledAt: string;
  readonly attributes?: readonly { readonly attribute: string; readonly value?: string }[];
}

const PAGE_SIZE = 500;

const EVENT_FIELDS =
  'event,enrollment,trackedEntity,programStage,orgUnit,occurredAt,scheduledAt,completedAt,createdAt,updatedAt,status,deleted,dataValues[dataElement,value]';

async function readAll<T>(
  client: Dhis2Client,
  profile: ServerProfile,
  resource: 'enrollments' | 'events',
  query: Query,
): Promise<T[]> {
  const listKey = profile.trackerListKey(resource);
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const body = await client.get<Record<string, unknown>>(`tracker/${resource}`, {
      ...query,
      page,
      pageSize: PAGE_SIZE,
    });
    const list = (body[listKey] ?? body[resource] ?? body.instances ?? []) as T[];
    items.push(...list);
    if (list.length < PAGE_SIZE) return items;
  }
}

/** Enrollments of a tracker programme under an org unit (descendants included), with their attributes. */
export function fetchEnrollmentsUnder(
  client: Dhis2Client,
  profile: ServerProfile,
  program: string,
  orgUnit: string,
): Promise<TrackerEnrollment[]> {
  return readAll<TrackerEnrollment>(client, profile, 'enrollments', {
    program,
    ...profile.trackerUnder('enrollments', orgUnit),
    fields: `enrollment,trackedEntity,orgUnit,enrolledAt,occurredAt,completedAt,updatedAt,status,deleted,attributes[attribute,value]`,
  });
}

/** Events of a programme under an org unit (descendants included). */
export function fetchEventsUnder(
  client: Dhis2Client,
  profile: ServerProfile,
  program: string,
  orgUnit: string,
): Promise<TrackerEvent[]> {
  return readAll<TrackerEvent>(client, profile, 'events', {
    program,
    ...profile.trackerUnder('events', orgUnit),
    fields: EVENT_FIELDS,
  });
}

/** A metadata object as DHIS2 gives it, for the program indicator engine's lookups. */
export type MetadataRecord = { readonly id: string } & Readonly<Record<string, unknown>>;

/**
 * What the engine compiles an indicator with: the indicator (`:owner`, boundaries included), its
 * programme with stages, their data elements and the attributes (value types), and the constants.
 */
export async function fetchEvaluationMetadata(
  client: Dhis2Client,
  indicator: string,
  program: string,
): Promise<{
  indicator: MetadataRecord;
  lookup: (type: string, id: string) => MetadataRecord | undefined;
}> {
  const pi = await client.get<MetadataRecord>(`programIndicators/${indicator}`, {
    fields: ':owner',
  });
  const prog = await client.get<MetadataRecord>(`programs/${program}`, {
    fields:
      'id,name,programType,programStages[id,name,repeatable,programStageDataElements[dataElement[id,valueType]]],programTrackedEntityAttributes[trackedEntityAttribute[id,name,valueType]]',
  });
  const constants = await client.get<{ constants?: MetadataRecord[] }>('constants', {
    fields: 'id,value',
    paging: false,
  });
  const byType = new Map<string, Map<string, MetadataRecord>>();
  const add = (type: string, object: MetadataRecord | undefined) => {
    if (!object?.id) return;
    if (!byType.has(type)) byType.set(type, new Map());
    byType.get(type)!.set(object.id, object);
  };
  add('programs', prog);
  for (const stage of (prog.programStages ?? []) as MetadataRecord[]) {
    add('programStages', stage);
    for (const entry of (stage.programStageDataElements ?? []) as {
      dataElement?: MetadataRecord;
    }[])
      add('dataElements', entry.dataElement);
  }
  for (const entry of (prog.programTrackedEntityAttributes ?? []) as {
    trackedEntityAttribute?: MetadataRecord;
  }[])
    add('trackedEntityAttributes', entry.trackedEntityAttribute);
  for (const constant of constants.constants ?? []) add('constants', constant);
  return { indicator: pi, lookup: (type, id) => byType.get(type)?.get(id) };
}

/**
 * An enrollment's attribute values as the connection's user may read them
 * (`GET /api/tracker/enrollments/{uid}`, 2.36–2.43; DHIS2's sharing and ownership decide): for
 * `t2a explain --show-attributes` only, printed and never kept.
 */
export async function fetchEnrollmentAttributes(
  client: Dhis2Client,
  enrollment: string,
): Promise<Record<string, string>> {
  const body = await client.get<{
    attributes?: { attribute: string; displayName?: string; value?: string }[];
  }>(`tracker/enrollments/${enrollment}`, { fields: 'attributes[attribute,displayName,value]' });
  const values: Record<string, string> = {};
  for (const a of body.attributes ?? [])
    if (a.value !== undefined) values[a.displayName ?? a.attribute] = a.value;
  return values;
}
