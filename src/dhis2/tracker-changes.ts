import type { Place, TrackerRecord } from '../core/narrow-export.ts';
import type { Dhis2Client } from './client.ts';
import type { ServerProfile } from './server-profile.ts';

/**
 * What changed in the source's tracker since a moment of its wall clock (ADR 11):
 * `GET /api/tracker/{events,enrollments,trackedEntities}?updatedAfter=…&includeDeleted=true`, under each
 * root of the job, page by page. DHIS2 compares `lastupdated >= updatedAfter` (day-only for enrollments
 * and tracked entities up to 2.37, `HibernateProgramInstanceStore` @2.36.0: more records, never fewer).
 * Enrollments come with their events, tracked entities with their enrollments and events: a change of
 * one can move the values counted at the others.
 */
export interface ChangedPrograms {
  readonly id: string;
  /** A tracker programme (enrollments, tracked entities), not an event programme. */
  readonly registration: boolean;
  /** Its indicators read tracked entity attributes (`A{…}`): attribute changes count. */
  readonly readsAttributes: boolean;
}

const PAGE_SIZE = 1000;
const EVENT = 'event,enrollment,program,orgUnit,occurredAt,scheduledAt,createdAt,updatedAt,deleted';
const ENROLLMENT = `enrollment,program,orgUnit,enrolledAt,occurredAt,createdAt,updatedAt,deleted,events[${EVENT}]`;
const FIELDS = {
  events: EVENT,
  enrollments: ENROLLMENT,
  trackedEntities: `trackedEntity,createdAt,updatedAt,deleted,enrollments[${ENROLLMENT}]`,
} as const;

type Kind = keyof typeof FIELDS;
type Item = Record<string, unknown>;

/** Every changed record of the programmes under the roots, as core reads them. */
export async function readTrackerChanges(
  client: Dhis2Client,
  profile: ServerProfile,
  options: {
    readonly programs: readonly ChangedPrograms[];
    readonly roots: readonly string[];
    readonly since: string;
  },
): Promise<TrackerRecord[]> {
  const records = new Map<string, TrackerRecord>();
  for (const program of options.programs) {
    const kinds: Kind[] = program.registration
      ? [
          'events',
          'enrollments',
          ...(program.readsAttributes ? (['trackedEntities'] as const) : []),
        ]
      : ['events'];
    for (const kind of kinds)
      for (const root of options.roots)
        for (const item of await readPages(client, profile, kind, root, program.id, options.since))
          records.set(`${kind}/${recordOf(kind, item).id}`, recordOf(kind, item));
  }
  return [...records.values()];
}

async function readPages(
  client: Dhis2Client,
  profile: ServerProfile,
  kind: Kind,
  root: string,
  program: string,
  since: string,
): Promise<Item[]> {
  const items: Item[] = [];
  for (let page = 1; ; page += 1) {
    const body = await client.get<Record<string, unknown>>(`tracker/${kind}`, {
      program,
      ...profile.trackerUnder(kind, root),
      updatedAfter: since,
      includeDeleted: true,
      fields: FIELDS[kind],
      page,
      pageSize: PAGE_SIZE,
    });
    const list = (body[profile.trackerListKey(kind)] as Item[] | undefined) ?? [];
    items.push(...list);
    if (list.length < PAGE_SIZE) return items;
  }
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const day = (value: unknown) => text(value)?.slice(0, 10);
/** A record without its times is taken as old and changed late: its reach is then never assumed. */
const created = (item: Item) => text(item.createdAt) ?? '1970-01-01T00:00:00.000';
const updated = (item: Item) => text(item.updatedAt) ?? '9999-12-31T23:59:59.999';

function placeOf(item: Item, dates: readonly string[]): Place | undefined {
  const orgUnit = text(item.orgUnit);
  if (!orgUnit) return undefined;
  return { orgUnit, dates: dates.map((name) => day(item[name])).filter((d) => d !== undefined) };
}

function eventOf(item: Item): TrackerRecord {
  return {
    kind: 'event',
    id: String(item.event),
    program: text(item.program),
    enrollment: text(item.enrollment),
    place: placeOf(item, ['occurredAt', 'scheduledAt']),
    createdAt: created(item),
    updatedAt: updated(item),
  };
}

function enrollmentOf(item: Item): TrackerRecord {
  const events = Array.isArray(item.events) ? (item.events as Item[]) : [];
  return {
    kind: 'enrollment',
    id: String(item.enrollment),
    program: text(item.program),
    place: placeOf(item, ['enrolledAt', 'occurredAt']),
    createdAt: created(item),
    updatedAt: updated(item),
    within: events.map((event) => ({ ...eventOf(event), enrollment: String(item.enrollment) })),
  };
}

function recordOf(kind: Kind, item: Item): TrackerRecord {
  if (kind === 'events') return eventOf(item);
  if (kind === 'enrollments') return enrollmentOf(item);
  const enrollments = Array.isArray(item.enrollments) ? (item.enrollments as Item[]) : [];
  return {
    kind: 'trackedEntity',
    id: String(item.trackedEntity),
    program: undefined,
    place: undefined,
    createdAt: created(item),
    updatedAt: updated(item),
    within: enrollments.map(enrollmentOf),
  };
}

/** The paths of org units (`/root/…/id`), for changes made below the job's own org units. */
export async function fetchOrgUnitPaths(
  client: Dhis2Client,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (let start = 0; start < ids.length; start += 100) {
    const body = await client.get<{ organisationUnits?: { id: string; path: string }[] }>(
      'organisationUnits',
      {
        filter: `id:in:[${ids.slice(start, start + 100).join(',')}]`,
        fields: 'id,path',
        paging: false,
      },
    );
    for (const unit of body.organisationUnits ?? []) paths.set(unit.id, unit.path);
  }
  return paths;
}

/**
 * Whether an org unit under the roots was changed (moved, closed, renamed) since a moment: DHIS2 stamps
 * `lastUpdated` when a unit's parent changes, and a move changes where its records count.
 */
export async function orgUnitsChangedSince(
  client: Dhis2Client,
  roots: readonly string[],
  since: string,
): Promise<boolean> {
  for (const root of roots) {
    const body = await client.get<{ organisationUnits?: unknown[] }>('organisationUnits', {
      filter: [`path:like:${root}`, `lastUpdated:ge:${since}`],
      fields: 'id',
      pageSize: 1,
    });
    if ((body.organisationUnits ?? []).length > 0) return true;
  }
  return false;
}
