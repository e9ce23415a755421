import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { badRequest, conflict } from '../http/web-message.ts';
import { atLeast } from '../version.ts';
import { applyFields, type FieldSpec, parseFields, wants } from './field-filter.ts';
import type { ExportAnswer } from './tracker-export.ts';
import { legacyPager } from './tracker-paging.ts';
import {
  type OuMode,
  orgUnitScope,
  type PageRequest,
  parseOuMode,
  selectRows,
} from './tracker-query.ts';
import {
  type EnrollmentRow,
  type EventRow,
  findEnrollment,
  findEventDetails,
  parseJsonRecord,
  type TrackedEntityRow,
} from './tracker-store.ts';
import { instantText, lowerBound, parseDhis2Date, updatedAfterPrecision } from './tracker-time.ts';
import { orgUnitName } from './tracker-views.ts';

/**
 * The older reads, 2.36–2.41 (`EventController`, `EnrollmentController`,
 * `TrackedEntityInstanceController`; `controller/deprecated/tracker/` in 2.41): the same stores as
 * `/api/tracker`, so the same `>=` and precision of the last-updated bound (day-only for enrollments
 * and tracked entities up to 2.37), `includeDeleted`, `{pager?, events|enrollments|trackedEntityInstances}`.
 */
type OldKind = 'events' | 'enrollments' | 'trackedEntityInstances';

/** Default `fields` of each controller (@2.36.13 EventController L545-L547, EnrollmentController L151-L155; TEIs: all). */
const DEFAULT_FIELDS: Record<OldKind, string> = {
  events:
    'event,uid,program,programType,status,assignedUser,orgUnit,orgUnitName,eventDate,orgUnit,orgUnitName,created,lastUpdated,followup,dataValues',
  enrollments:
    'enrollment,created,lastUpdated,trackedEntityType,trackedEntityInstance,program,status,orgUnit,orgUnitName,enrollmentDate,incidentDate,followup',
  trackedEntityInstances: '*',
};

export function readOldList(
  ctx: SandboxContext,
  user: SandboxUser,
  kind: OldKind,
  url: URL,
): ExportAnswer {
  const q = url.searchParams;
  const units =
    (kind === 'events' ? q.get('orgUnit') : q.get('ou'))?.split(';').filter((u) => u !== '') ?? [];
  const mode = parseOuMode(q.get('ouMode') ?? undefined);
  const refusal = refuse(ctx, kind, q, mode, units);
  if (refusal) return refusal;
  const since =
    kind === 'enrollments'
      ? q.get('lastUpdated')
      : (q.get('lastUpdatedStartDate') ?? (kind === 'events' ? q.get('lastUpdated') : null));
  const after = since ? parseDhis2Date(since) : undefined;
  if (since && !after)
    return { status: 400, body: badRequest(`Value '${since}' is not a valid date`) };
  const precisionKind = kind === 'trackedEntityInstances' ? 'trackedEntities' : kind;
  const skip = q.get('skipPaging');
  const page: PageRequest = {
    paged: skip !== null ? skip !== 'true' : q.get('paging') !== 'false',
    page: Math.max(1, Number(q.get('page') ?? 1) || 1),
    pageSize: Math.max(1, Number(q.get('pageSize') ?? 50) || 50),
    totalPages: q.get('totalPages') === 'true',
  };
  const table = kind === 'trackedEntityInstances' ? 'tracked_entities' : kind;
  const result = selectRows<EventRow & EnrollmentRow & TrackedEntityRow>(
    ctx,
    table,
    {
      program: q.get('program') ?? undefined,
      programStage: kind === 'events' ? (q.get('programStage') ?? undefined) : undefined,
      trackedEntityType:
        kind === 'trackedEntityInstances' ? (q.get('trackedEntityType') ?? undefined) : undefined,
      orgUnits: orgUnitScope(
        ctx,
        user,
        mode ?? (units.length > 0 ? 'SELECTED' : 'ACCESSIBLE'),
        units,
      ),
      updatedAfter: after
        ? lowerBound(after, updatedAfterPrecision(ctx.version, precisionKind))
        : undefined,
      includeDeleted: q.get('includeDeleted') === 'true',
    },
    page,
  );
  const spec = parseFields(q.get('fields') ?? DEFAULT_FIELDS[kind]);
  const items = result.rows.map((row) => applyFields(oldView(ctx, kind, row, spec), spec));
  // TrackedEntityInstanceController @2.36.13 L171-L176: a pager only with totalPages=true.
  const withPager = page.paged && (kind !== 'trackedEntityInstances' || page.totalPages);
  return {
    status: 200,
    body: { ...(withPager ? { pager: legacyPager(page, result) } : {}), [kind]: items },
  };
}

/** The same services' refusals as the new reads of 2.36–2.40 (409, `IllegalQueryException`). */
function refuse(
  ctx: SandboxContext,
  kind: OldKind,
  q: URLSearchParams,
  mode: OuMode | undefined,
  units: readonly string[],
): ExportAnswer | undefined {
  const fail = (message: string) => ({ status: 409, body: conflict(message) });
  if (kind === 'events') {
    if (mode && ['SELECTED', 'CHILDREN', 'DESCENDANTS'].includes(mode) && units.length === 0)
      return fail(`Organisation unit is required for ouMode: ${mode}`);
    return undefined;
  }
  const unbound = [
    'ALL',
    'ACCESSIBLE',
    ...(kind === 'trackedEntityInstances' || atLeast(ctx.version, 38) ? ['CAPTURE'] : []),
  ];
  let violation: string | undefined;
  if (units.length === 0 && !(mode && unbound.includes(mode)))
    violation = 'At least one organisation unit must be specified';
  if (
    kind === 'trackedEntityInstances' &&
    atLeast(ctx.version, 37) &&
    !q.get('program') &&
    !q.get('trackedEntityType')
  )
    violation = 'Either Program or Tracked entity type should be specified';
  return violation ? fail(violation) : undefined;
}

function oldView(
  ctx: SandboxContext,
  kind: OldKind,
  row: EventRow & EnrollmentRow & TrackedEntityRow,
  spec: FieldSpec,
): Record<string, unknown> {
  if (kind === 'events') return oldEventView(ctx, row);
  if (kind === 'enrollments')
    return {
      enrollment: row.id,
      created: instantText(row.created),
      lastUpdated: instantText(row.last_updated),
      trackedEntityInstance: row.tracked_entity ?? undefined,
      program: row.program,
      status: row.status,
      orgUnit: row.org_unit,
      orgUnitName: orgUnitName(ctx, row.org_unit),
      enrollmentDate: instantText(row.enrolled_at),
      incidentDate: instantText(row.occurred_at),
      followup: false,
      deleted: row.deleted === 1,
      notes: [],
    };
  return {
    trackedEntityInstance: row.id,
    trackedEntityType: row.tracked_entity_type ?? undefined,
    created: instantText(row.created),
    lastUpdated: instantText(row.last_updated),
    orgUnit: row.org_unit,
    inactive: false,
    deleted: row.deleted === 1,
    featureType: 'NONE',
    attributes: wants(spec, 'attributes')
      ? Object.entries(parseJsonRecord(row.attributes)).map(([attribute, value]) => ({
          attribute,
          value,
        }))
      : undefined,
    enrollments: [],
    relationships: [],
    programOwners: [],
  };
}

/** dxf2 `Event` (@2.36.13 L272-L466): `eventDate`, `dueDate`, `lastUpdated`, `deleted`, zone-less times. */
export function oldEventView(ctx: SandboxContext, row: EventRow): Record<string, unknown> {
  const details = findEventDetails(ctx.db, row.id);
  const tei = row.enrollment ? findEnrollment(ctx.db, row.enrollment)?.tracked_entity : undefined;
  return {
    event: row.id,
    status: row.status,
    program: row.program,
    programStage: row.program_stage,
    enrollment: row.enrollment ?? undefined,
    orgUnit: row.org_unit,
    orgUnitName: orgUnitName(ctx, row.org_unit),
    trackedEntityInstance: tei ?? undefined,
    eventDate: instantText(row.occurred_at),
    dueDate: instantText(details?.scheduled_at ?? row.occurred_at),
    storedBy: details?.stored_by ?? undefined,
    dataValues: Object.entries(parseJsonRecord(row.data_values)).map(([dataElement, value]) => ({
      dataElement,
      value,
      providedElsewhere: false,
    })),
    notes: [],
    followup: false,
    deleted: row.deleted === 1,
    created: instantText(row.created),
    lastUpdated: instantText(row.last_updated),
    completedDate: instantText(details?.completed_at),
  };
}
