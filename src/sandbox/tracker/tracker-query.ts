import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { COMPARABLE_LAST_UPDATED } from './tracker-time.ts';

/**
 * One read of the tracker tables, shared by `GET /api/tracker/{events,enrollments,trackedEntities}`
 * and the older `/api/events`, `/api/enrollments`, `/api/trackedEntityInstances`: filters, then the
 * newest rows first (the stores' default order, primary key descending — `JdbcTrackerEventStore`
 * `ev_id desc` @2.43.1), then a page.
 */
export type TrackerTableName = 'events' | 'enrollments' | 'tracked_entities';

/** `OrganisationUnitSelectionMode`. */
export type OuMode = 'SELECTED' | 'CHILDREN' | 'DESCENDANTS' | 'ACCESSIBLE' | 'CAPTURE' | 'ALL';

export interface RowFilter {
  readonly program?: string | undefined;
  readonly programStage?: string | undefined;
  readonly trackedEntityType?: string | undefined;
  readonly enrollment?: string | undefined;
  readonly trackedEntity?: string | undefined;
  /** The org units rows may be in; undefined for no restriction (ouMode ALL). */
  readonly orgUnits?: readonly string[] | undefined;
  /** `lastupdated >= bound`, the bound already cut to the version's precision. */
  readonly updatedAfter?: string | undefined;
  readonly includeDeleted: boolean;
}

export interface PageRequest {
  readonly page: number;
  readonly pageSize: number;
  /** False for `skipPaging=true` / `paging=false`: every row. */
  readonly paged: boolean;
  readonly totalPages: boolean;
}

export interface RowPage<Row> {
  readonly rows: Row[];
  /** Only counted with `totalPages=true`. */
  readonly total?: number | undefined;
  /** Whether a row follows this page (`isLastPage`, `nextPage`). */
  readonly more: boolean;
}

export function selectRows<Row>(
  ctx: SandboxContext,
  table: TrackerTableName,
  filter: RowFilter,
  page: PageRequest,
): RowPage<Row> {
  const { where, args } = whereClause(table, filter);
  if (!page.paged) {
    const rows = ctx.db
      .prepare(`SELECT * FROM ${table} ${where} ORDER BY rowid DESC`)
      .all(...args) as Row[];
    return { rows, more: false };
  }
  const offset = (page.page - 1) * page.pageSize;
  const fetched = ctx.db
    .prepare(`SELECT * FROM ${table} ${where} ORDER BY rowid DESC LIMIT ? OFFSET ?`)
    .all(...args, page.pageSize + 1, offset) as Row[];
  const total = page.totalPages
    ? (ctx.db.prepare(`SELECT COUNT(*) AS n FROM ${table} ${where}`).get(...args) as { n: number })
        .n
    : undefined;
  return { rows: fetched.slice(0, page.pageSize), total, more: fetched.length > page.pageSize };
}

function whereClause(table: TrackerTableName, filter: RowFilter) {
  const clauses: string[] = [];
  const args: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    clauses.push(clause);
    args.push(...values);
  };
  if (!filter.includeDeleted) add('deleted = 0');
  if (filter.program) {
    if (table === 'tracked_entities')
      // Enrolled in the programme; a deleted enrollment counts when deleted objects are asked for.
      add(
        `id IN (SELECT tracked_entity FROM enrollments WHERE program = ?${filter.includeDeleted ? '' : ' AND deleted = 0'})`,
        filter.program,
      );
    else add('program = ?', filter.program);
  }
  if (filter.programStage) add('program_stage = ?', filter.programStage);
  if (filter.trackedEntityType) add('tracked_entity_type = ?', filter.trackedEntityType);
  if (filter.enrollment) add('enrollment = ?', filter.enrollment);
  if (filter.trackedEntity) {
    if (table === 'events')
      add(
        'enrollment IN (SELECT id FROM enrollments WHERE tracked_entity = ?)',
        filter.trackedEntity,
      );
    else if (table === 'enrollments') add('tracked_entity = ?', filter.trackedEntity);
    else add('id = ?', filter.trackedEntity);
  }
  if (filter.orgUnits)
    add('org_unit IN (SELECT value FROM json_each(?))', JSON.stringify(filter.orgUnits));
  if (filter.updatedAfter) add(`${COMPARABLE_LAST_UPDATED} >= ?`, filter.updatedAfter);
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', args };
}

/**
 * The org units a mode selects (`OrganisationUnitSelectionMode`): SELECTED the units, CHILDREN them
 * and their children, DESCENDANTS their subtrees, ACCESSIBLE the user's search scope (data view units,
 * the capture units when none), CAPTURE the capture units' subtrees, ALL every unit (no restriction).
 */
export function orgUnitScope(
  ctx: SandboxContext,
  user: SandboxUser,
  mode: OuMode,
  units: readonly string[],
): readonly string[] | undefined {
  const subtrees = (roots: readonly string[]) => [
    ...new Set(roots.flatMap((root) => ctx.orgUnits.subtree(root))),
  ];
  switch (mode) {
    case 'ALL':
      return undefined;
    case 'SELECTED':
      return units;
    case 'CHILDREN':
      return units.flatMap((unit) => {
        const level = ctx.orgUnits.level(unit) ?? 0;
        return ctx.orgUnits
          .subtree(unit)
          .filter((id) => (ctx.orgUnits.level(id) ?? 0) <= level + 1);
      });
    case 'DESCENDANTS':
      return subtrees(units);
    case 'CAPTURE':
      return subtrees(user.orgUnits);
    default:
      return subtrees(user.dataViewOrgUnits.length > 0 ? user.dataViewOrgUnits : user.orgUnits);
  }
}

export function parseOuMode(value: string | undefined): OuMode | undefined {
  const mode = value?.toUpperCase();
  return mode === 'SELECTED' ||
    mode === 'CHILDREN' ||
    mode === 'DESCENDANTS' ||
    mode === 'ACCESSIBLE' ||
    mode === 'CAPTURE' ||
    mode === 'ALL'
    ? mode
    : undefined;
}
