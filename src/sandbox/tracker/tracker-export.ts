import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { badRequest, conflict } from '../http/web-message.ts';
import { atLeast } from '../version.ts';
import { ALL_FIELDS, applyFields, type FieldSpec, parseFields } from './field-filter.ts';
import { type ListKey, trackerListBody } from './tracker-paging.ts';
import {
  type OuMode,
  orgUnitScope,
  type PageRequest,
  parseOuMode,
  type RowFilter,
  selectRows,
} from './tracker-query.ts';
import type { EnrollmentRow, EventRow, TrackedEntityRow } from './tracker-store.ts';
import { lowerBound, parseDhis2Date, updatedAfterPrecision } from './tracker-time.ts';
import { enrollmentView, eventView, trackedEntityView } from './tracker-views.ts';

/**
 * `GET /api/tracker/{events,enrollments,trackedEntities}` — what a quiet night asks to learn what
 * changed: `updatedAfter` (`>=`, per version's precision: tracker-time.ts), `includeDeleted`, program,
 * org units with their mode, `fields`, paging. Parameter names and required parameters per version:
 * `TrackerEventCriteria`/`TrackerEnrollmentCriteria`/`TrackerTrackedEntityCriteria` (2.36–2.40),
 * `EventRequestParams`/`EnrollmentRequestParams`/`TrackedEntityRequestParams` (2.41+).
 */
export interface ExportAnswer {
  readonly status: number;
  readonly body: unknown;
}

const fail = (status: 400 | 409, message: string): ExportAnswer => ({
  status,
  body: status === 400 ? badRequest(message) : conflict(message),
});

export function exportTracker(
  ctx: SandboxContext,
  user: SandboxUser,
  key: ListKey,
  url: URL,
): ExportAnswer {
  const q = url.searchParams;
  const v = ctx.version;
  if (key === 'events' && atLeast(v, 43)) {
    // EventsExportController @2.43.1 L154-L158: `@RequestParam UID program`, then getProgram.
    const program = q.get('program');
    if (!program)
      return fail(
        400,
        "Required request parameter 'program' for method parameter type UID is not present",
      );
    if (!ctx.metadata.get('programs', program))
      return fail(400, `Program is specified but does not exist: ${program}`);
  }
  const paging = pageRequest(ctx, q);
  if ('status' in paging) return paging;
  const scope = orgUnitFilter(ctx, key, q);
  if ('status' in scope) return scope;
  const required = requiredParameters(ctx, key, q, scope.mode, scope.units);
  if (required) return required;
  const updatedAfter = q.get('updatedAfter');
  const after = updatedAfter ? parseDhis2Date(updatedAfter) : undefined;
  if (updatedAfter && !after) return fail(400, `Value '${updatedAfter}' is not a valid date`);
  const filter: RowFilter = {
    program: q.get('program') ?? undefined,
    programStage: key === 'events' ? (q.get('programStage') ?? undefined) : undefined,
    trackedEntityType:
      key === 'trackedEntities' ? (q.get('trackedEntityType') ?? undefined) : undefined,
    trackedEntity: key !== 'trackedEntities' ? (q.get('trackedEntity') ?? undefined) : undefined,
    orgUnits: orgUnitScope(ctx, user, scope.mode, scope.units),
    updatedAfter: after ? lowerBound(after, updatedAfterPrecision(v, key)) : undefined,
    includeDeleted: q.get('includeDeleted') === 'true',
  };
  const table = key === 'trackedEntities' ? 'tracked_entities' : key;
  const result = selectRows<EventRow & EnrollmentRow & TrackedEntityRow>(
    ctx,
    table,
    filter,
    paging,
  );
  const spec = fieldSpec(ctx, key, q.get('fields'));
  const items = result.rows.map((row) => applyFields(view(ctx, key, row, spec, filter), spec));
  return { status: 200, body: trackerListBody(v, key, items, paging, result, url) };
}

/** Paging: `skipPaging` up to 2.40, `paging` (and the deprecated `skipPaging`) in 2.41, `paging` from 2.42. */
function pageRequest(ctx: SandboxContext, q: URLSearchParams): PageRequest | ExportAnswer {
  const v = ctx.version;
  const page = q.get('page');
  const pageSize = q.get('pageSize');
  const totalPages = q.get('totalPages') === 'true';
  const skip = q.get('skipPaging');
  const paging = q.get('paging');
  let paged = true;
  if (!atLeast(v, 41)) paged = skip !== 'true';
  else if (!atLeast(v, 42)) {
    // RequestParamsValidator.validatePaginationParameters @2.41.9 L406-L420.
    if (paging !== null && skip !== null && paging === skip)
      return fail(
        400,
        "Paging can either be enabled or disabled. Prefer 'paging' as 'skipPaging' will be removed.",
      );
    paged = paging !== null ? paging !== 'false' : skip !== 'true';
    if (!paged && (page !== null || pageSize !== null || totalPages))
      return fail(
        400,
        'Paging cannot be skipped with isSkipPaging=true while also requesting a paginated response with page, pageSize and/or totalPages=true',
      );
  } else {
    paged = paging !== 'false';
    if (!paged && (page !== null || pageSize !== null || totalPages))
      return fail(
        400,
        'Paging cannot be disabled with paging=false while also requesting a paginated response with page, pageSize and/or totalPages=true',
      );
  }
  const number = (text: string | null, fallback: number) =>
    text !== null && Number(text) > 0 ? Math.floor(Number(text)) : fallback;
  return { paged, page: number(page, 1), pageSize: number(pageSize, 50), totalPages };
}

/** The org units asked for and the mode, with each version's defaults and refusals. */
function orgUnitFilter(
  ctx: SandboxContext,
  key: ListKey,
  q: URLSearchParams,
): { mode: OuMode; units: string[] } | ExportAnswer {
  const v = ctx.version;
  const list = (name: string, separator: string) =>
    (q.get(name) ?? '').split(separator).filter((unit) => unit !== '');
  const only41 = atLeast(v, 41) && !atLeast(v, 42);
  // validateDeprecatedUidsParameter / validateDeprecatedParameter (RequestParamsValidator @2.41.9 L108-L146).
  if (
    only41 &&
    key !== 'events' &&
    list('orgUnit', ';').length > 0 &&
    list('orgUnits', ',').length > 0
  )
    return fail(400, deprecatedBoth('orgUnit', 'orgUnits', true));
  if (only41 && q.get('ouMode') !== null && q.get('orgUnitMode') !== null)
    return fail(400, deprecatedBoth('ouMode', 'orgUnitMode', false));
  let units: string[];
  if (key === 'events' || !atLeast(v, 41)) units = list('orgUnit', ';');
  else if (only41) units = [...list('orgUnits', ','), ...list('orgUnit', ';')];
  else units = list('orgUnits', ',');
  const modeText = atLeast(v, 42)
    ? q.get('orgUnitMode')
    : atLeast(v, 41)
      ? (q.get('orgUnitMode') ?? q.get('ouMode'))
      : q.get('ouMode');
  const given = parseOuMode(modeText ?? undefined);
  if (!atLeast(v, 41)) return legacyOrgUnitFilter(key, given, units);
  // RequestParamsValidator.validateOrgUnitMode @2.41.9 L358-L372; @2.43.1 L328-L342.
  if (!given) return { mode: units.length === 0 ? 'ACCESSIBLE' : 'SELECTED', units };
  if (['ACCESSIBLE', 'CAPTURE', 'ALL'].includes(given) && units.length > 0)
    return fail(
      400,
      `orgUnitMode ${given} cannot be used with orgUnits. Please remove the orgUnit parameter and try again.`,
    );
  if (['SELECTED', 'CHILDREN', 'DESCENDANTS'].includes(given) && units.length === 0)
    return fail(
      400,
      `At least one org unit is required for orgUnitMode: ${given}. Please add one org unit or use a different orgUnitMode.`,
    );
  return { mode: given, units };
}

function deprecatedBoth(old: string, replacement: string, uids: boolean): string {
  const what = uids
    ? `'${old}' (deprecated; semicolon separated UIDs) and '${replacement}' (comma separated UIDs)`
    : `'${old}' and '${replacement}'`;
  return `Only one parameter of ${what} must be specified. Prefer '${replacement}' as '${old}' will be removed.`;
}

/**
 * 2.36–2.40: events default to SELECTED with an org unit and ACCESSIBLE without
 * (`AbstractEventService.getOrganisationUnits`, `TrackerEventCriteriaMapperUtils` @2.38.7 L56-L57) and
 * refuse a unit-bound mode without one (`getOuModeViolation`); enrollments and tracked entities need an
 * org unit unless the mode is ALL, ACCESSIBLE or CAPTURE (CAPTURE for enrollments from 2.38) —
 * `DefaultProgramInstanceService` @2.36.13 L307-L311, `DefaultTrackedEntityInstanceService` @2.36.13 L539-L543.
 */
function legacyOrgUnitFilter(
  key: ListKey,
  given: OuMode | undefined,
  units: string[],
): { mode: OuMode; units: string[] } | ExportAnswer {
  if (key === 'events') {
    if (given && ['SELECTED', 'CHILDREN', 'DESCENDANTS'].includes(given) && units.length === 0)
      return fail(409, `Organisation unit is required for ouMode: ${given}`);
    return { mode: given ?? (units.length > 0 ? 'SELECTED' : 'ACCESSIBLE'), units };
  }
  return { mode: given ?? 'SELECTED', units };
}

function requiredParameters(
  ctx: SandboxContext,
  key: ListKey,
  q: URLSearchParams,
  mode: OuMode,
  units: readonly string[],
): ExportAnswer | undefined {
  const v = ctx.version;
  const program = q.get('program');
  const type = q.get('trackedEntityType');
  if (key === 'trackedEntities' && atLeast(v, 41)) {
    // TrackedEntityRequestParamsMapper @2.41.9 L172-L180; @2.43.1 L163-L171.
    if (program && type)
      return fail(400, '`program` and `trackedEntityType` cannot be specified simultaneously');
    if (!program && !type && !q.get('trackedEntities') && !q.get('trackedEntity'))
      return fail(
        400,
        'Either `program`, `trackedEntityType` or `trackedEntities` should be specified',
      );
    return undefined;
  }
  if (key === 'events' || atLeast(v, 41)) return undefined;
  let violation: string | undefined;
  const unbound = [
    'ALL',
    'ACCESSIBLE',
    ...(key === 'trackedEntities' || atLeast(v, 38) ? ['CAPTURE'] : []),
  ];
  if (units.length === 0 && !unbound.includes(mode))
    violation = 'At least one organisation unit must be specified';
  // DefaultTrackedEntityInstanceService.validate @2.37.10 L565-L567: checked after the org units, so it wins.
  if (key === 'trackedEntities' && atLeast(v, 37) && !program && !type && !q.get('trackedEntity'))
    violation = 'Either Program or Tracked entity type should be specified';
  return violation ? fail(409, violation) : undefined;
}

/** `fields`: 2.36 prints the whole object (no field filter for `PagingWrapper`); 2.37 `*` by default. */
function fieldSpec(ctx: SandboxContext, key: ListKey, fields: string | null): FieldSpec {
  if (!atLeast(ctx.version, 37)) return ALL_FIELDS;
  if (fields) return parseFields(fields);
  if (!atLeast(ctx.version, 38)) return ALL_FIELDS;
  // DEFAULT_FIELDS_PARAM of the export controllers, 2.38.7–2.43.1.
  return parseFields(
    key === 'events'
      ? '*,!relationships'
      : key === 'enrollments'
        ? '*,!relationships,!events,!attributes'
        : '*,!relationships,!enrollments,!events,!programOwners',
  );
}

function view(
  ctx: SandboxContext,
  key: ListKey,
  row: EventRow & EnrollmentRow & TrackedEntityRow,
  spec: FieldSpec,
  filter: RowFilter,
): Record<string, unknown> {
  if (key === 'events') return eventView(ctx, row, spec);
  const nested = (name: string) => spec.include.get(name) ?? ALL_FIELDS;
  const events = (enrollment: string) => () =>
    selectRows<EventRow>(
      ctx,
      'events',
      { enrollment, includeDeleted: filter.includeDeleted },
      ALL_ROWS,
    ).rows.map(
      (event) =>
        applyFields(eventView(ctx, event, nested('events')), nested('events')) as Record<
          string,
          unknown
        >,
    );
  if (key === 'enrollments') return enrollmentView(ctx, row, spec, events(row.id));
  return trackedEntityView(ctx, row, spec, () =>
    selectRows<EnrollmentRow>(
      ctx,
      'enrollments',
      { trackedEntity: row.id, includeDeleted: filter.includeDeleted },
      ALL_ROWS,
    ).rows.map((enrollment) => {
      const sub = nested('enrollments');
      return applyFields(
        enrollmentView(ctx, enrollment, sub, events(enrollment.id)),
        sub,
      ) as Record<string, unknown>;
    }),
  );
}

const ALL_ROWS: PageRequest = { paged: false, page: 1, pageSize: 50, totalPages: false };
