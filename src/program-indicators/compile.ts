import { type ColumnRegistry, compileCategoryColumns, groupRows } from './category-groups.ts';
import {
  type Aggregation,
  aggregation,
  aggregationFallback,
  rankFirstOrLast,
} from './engine/aggregate.ts';
import {
  type Boundary,
  type DatesOf,
  enrollmentOf,
  eventWindow,
  latestEvent,
  readBoundary,
} from './engine/boundaries.ts';
import type { ExpressionItemRef, PiContext, ProgramColumns } from './engine/columns.ts';
import { type PiDialect, type PiVersion, piDialect } from './engine/dialect.ts';
import { type Node, parseExpression } from './engine/parser.ts';
import { render } from './engine/render.ts';
import { type RenderState, requireColumn } from './engine/render-state.ts';
import { anyValueExists, expressionItems, inPeriod } from './engine/rows.ts';
import { asBoolean } from './engine/sql-ops.ts';
import { type SqlToken, sqlParse } from './engine/sql-parse.ts';
import { type EvalEnv, type Expr, SandboxGap, SqlStaticError } from './engine/sql-types.ts';
import { compileFailure, type Failure, failureOf } from './failure.ts';
import type {
  AnalyticsRow,
  CompiledProgramIndicator,
  CompileProgramIndicator,
  CompileResult,
  MetadataObject,
  RelationshipCounter,
  ReportingPeriod,
} from './types.ts';

export { aggregationFallback } from './engine/aggregate.ts';

/*
 * Compiles a program indicator as DHIS2's analytics does when it is queried: parse, generate the SQL
 * of the expression and the filter for the version (engine/render*.ts), let PostgreSQL's rules type it
 * (engine/sql-*.ts), then evaluate it over the analytics rows of each org unit and period.
 */

type Lookup = (type: string, id: string) => MetadataObject | undefined;

const refIds = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.flatMap((ref) =>
        typeof (ref as { id?: unknown })?.id === 'string' ? [(ref as { id: string }).id] : [],
      )
    : [];

/**
 * The columns of the program's analytics tables, from its metadata: every stage's data elements, the
 * program's attributes. Undefined where the metadata at hand is incomplete (then nothing is refused).
 */
function programColumns(lookup: Lookup, programId: string): ProgramColumns {
  const program = lookup('programs', programId);
  const stages = refIds(program?.programStages).map((id) => lookup('programStages', id));
  const complete =
    stages.length > 0 && stages.every((s) => s && Array.isArray(s.programStageDataElements));
  const dataElements = complete
    ? new Set(
        stages.flatMap((s) =>
          (s!.programStageDataElements as { dataElement?: { id?: string } }[]).flatMap((e) =>
            e.dataElement?.id ? [e.dataElement.id] : [],
          ),
        ),
      )
    : undefined;
  const attributeRefs = program?.programTrackedEntityAttributes as
    | { trackedEntityAttribute?: { id?: string } }[]
    | undefined;
  const withoutRegistration = program?.programType === 'WITHOUT_REGISTRATION';
  const attributes = Array.isArray(attributeRefs)
    ? new Set(
        attributeRefs.flatMap((a) =>
          a.trackedEntityAttribute?.id ? [a.trackedEntityAttribute.id] : [],
        ),
      )
    : withoutRegistration
      ? new Set<string>()
      : undefined;
  return {
    dataElements,
    attributes,
    stageName: (stage) => {
      const name = lookup('programStages', stage)?.name;
      return typeof name === 'string' ? name : null;
    },
    repeatable: (stage) => lookup('programStages', stage)?.repeatable === true,
  };
}

function datesOf(row: AnalyticsRow, target: string): string[] {
  const enrollment = enrollmentOf(row);
  if (target === 'EVENT_DATE')
    return row.kind === 'event'
      ? [row.occurredAt]
      : (enrollment?.events ?? []).map((event) => event.occurredAt);
  if (target === 'ENROLLMENT_DATE') return enrollment ? [enrollment.enrolledAt] : [];
  if (target === 'INCIDENT_DATE') return enrollment?.occurredAt ? [enrollment.occurredAt] : [];
  const stageDate = /^PS_EVENTDATE:\s*(\w{11})$/.exec(target);
  if (stageDate) {
    if (row.kind === 'event' && row.programStage === stageDate[1]) return [row.occurredAt];
    const event = latestEvent(enrollment, stageDate[1]!);
    return event ? [event.occurredAt] : [];
  }
  const element = /^#\{(\w{11})\.(\w{11})\}$/.exec(target.trim());
  if (element) {
    const event = row.kind === 'event' ? row : latestEvent(enrollment, element[1]!, undefined);
    const value = event?.dataValues[element[2]!];
    return value ? [value] : [];
  }
  return [];
}

/** The indicator's own period boundaries, or the first one that cannot be read. */
function readBoundaries(pi: MetadataObject): Boundary[] | string {
  const raw = Array.isArray(pi.analyticsPeriodBoundaries)
    ? (pi.analyticsPeriodBoundaries as Record<string, unknown>[])
    : [];
  const boundaries: Boundary[] = [];
  for (const entry of raw) {
    const boundary = readBoundary(entry);
    if (typeof boundary === 'string') return boundary;
    boundaries.push(boundary);
  }
  return boundaries;
}

function versionOf(options: Parameters<CompileProgramIndicator>[2] = {}): PiVersion {
  return options.dhis2Version ?? { minor: options.dhis2Minor ?? 41, patch: 0 };
}

/** Names the part a sandbox gap is in. */
function labelled<T>(label: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof SandboxGap) throw new SandboxGap(`${label}: ${error.message}`);
    throw error;
  }
}

interface Built {
  readonly aggregation: Aggregation;
  readonly where: Expr | undefined;
  readonly items: readonly ExpressionItemRef[];
}

/**
 * What DHIS2 does with an indicator, in its order: parse the expression (the filter's SQL too parses
 * it first), generate the SQL of the expression then the filter (parser errors), then PostgreSQL
 * analyses the statement: the select list, the filter (`where`, a boolean), the any-value clause.
 */
function build(
  pi: MetadataObject,
  context: PiContext,
  expression: Node,
  filter: Node | undefined,
): Built {
  const { dialect } = context;
  const expressionTokens = render(expression, {
    pi: context,
    mode: 'NUMERIC',
    replaceNulls: true,
    filterText: false,
  });
  const filterState: RenderState = {
    pi: context,
    mode: 'BOOLEAN',
    replaceNulls: !dialect.filterKeepsNulls,
    filterText: true,
  };
  const filterTokens: SqlToken[] | undefined = filter ? render(filter, filterState) : undefined;
  const fallback = aggregationFallback(pi.aggregationType);
  const select = labelled('expression', () =>
    aggregation(sqlParse(expressionTokens), fallback, context.analyticsType),
  );
  const where = filterTokens
    ? labelled('filter', () => {
        const test = asBoolean(sqlParse(filterTokens), 'WHERE');
        if (test.level === 'agg' || test.level === 'mixed')
          throw new SqlStaticError('42803', 'aggregate functions are not allowed in WHERE');
        return test;
      })
    : undefined;
  const items = context.analyticsType === 'EVENT' ? context.expressionItems : [];
  for (const item of items) requireColumn(filterState, item.kind, item.id);
  return { aggregation: select, where, items };
}

function context(
  pi: MetadataObject,
  lookup: Lookup,
  program: string,
  dialect: PiDialect,
  expression: Node,
): PiContext {
  const analyticsType = pi.analyticsType === 'ENROLLMENT' ? 'ENROLLMENT' : 'EVENT';
  return {
    dialect,
    analyticsType,
    program: programColumns(lookup, program),
    valueType: (kind, id) => {
      const object = lookup(
        kind === 'dataElement' ? 'dataElements' : 'trackedEntityAttributes',
        id,
      );
      return object ? String(object.valueType ?? 'TEXT') : undefined;
    },
    constant: (id) => {
      const value = lookup('constants', id)?.value;
      return typeof value === 'number' ? value : undefined;
    },
    expressionItems: expressionItems(expression, analyticsType),
  };
}

/** `DateUtils.getLongDate()`: the server's clock as `yyyy-MM-dd HH:mm:ss`. */
const longDate = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');

export const compileProgramIndicator: CompileProgramIndicator = (pi, lookup, options = {}) => {
  const fail = (failure: Failure): CompileResult => compileFailure(pi, failure);
  const program = (pi.program as { id?: string } | undefined)?.id;
  if (!program) return fail({ reason: 'it names no program' });
  const expressionSource = String(pi.expression ?? '');
  if (expressionSource.trim() === '') return fail({ reason: 'it has no expression' });
  const filterSource =
    typeof pi.filter === 'string' && pi.filter.trim() !== '' ? pi.filter : undefined;
  const dialect = piDialect(versionOf(options));
  let ctx: PiContext;
  let built: Built;
  try {
    // The filter's SQL is generated after parsing the expression (its items are collected first).
    const expression = parseExpression(expressionSource, dialect);
    const filter = filterSource === undefined ? undefined : parseExpression(filterSource, dialect);
    ctx = context(pi, lookup, program, dialect, expression);
    built = build(pi, ctx, expression, filter);
  } catch (error) {
    return fail(failureOf(error));
  }
  const boundaries = readBoundaries(pi);
  if (typeof boundaries === 'string') return fail({ reason: boundaries });
  return { ok: true, indicator: compiled(pi, ctx, built, boundaries, program) };
};

function compiled(
  pi: MetadataObject,
  ctx: PiContext,
  built: Built,
  boundaries: Boundary[],
  program: string,
): CompiledProgramIndicator {
  const analyticsType = ctx.analyticsType;
  const select = selector(ctx, built, boundaries);
  // `rowSet.getDouble("value")`: a group whose value is NULL reads 0.
  const groupValue = (env: EvalEnv, rows: readonly AnalyticsRow[]) => {
    const value = built.aggregation.select.eval({ env, rows });
    return value === null ? 0 : Number(value);
  };
  // The aggregation over some rows as PostgreSQL gives it: NULL stays null (`sum` of no row).
  const nullable = (env: EvalEnv, rows: readonly AnalyticsRow[]) => {
    const value = built.aggregation.select.eval({ env, rows });
    return value === null ? null : Number(value);
  };
  const registry: ColumnRegistry = new WeakMap();
  return {
    id: pi.id,
    name: String(pi.name ?? pi.id),
    program,
    analyticsType,
    decimals: typeof pi.decimals === 'number' ? pi.decimals : undefined,
    valueType: built.aggregation.select.type,
    rows: (data) => (analyticsType === 'EVENT' ? data.events : data.enrollments),
    orgUnitOf: (row) => row.orgUnit,
    aggregate(rows, period, today, relationshipCount) {
      const { env, passing } = select(rows, period, today, relationshipCount);
      return passing.length === 0 ? undefined : groupValue(env, passing);
    },
    categoryColumns: (sources) => compileCategoryColumns(pi, ctx, sources, registry),
    contributions(rows, period, today, relationshipCount) {
      const { env, passing } = select(rows, period, today, relationshipCount);
      const key = built.aggregation.select.distinctArgument;
      return {
        value: passing.length === 0 ? undefined : groupValue(env, passing),
        distinct: key !== undefined,
        records: passing.map((row) => ({
          row,
          value: nullable(env, [row]),
          ...(key ? { distinctKey: JSON.stringify(key.eval({ env, row })) } : {}),
        })),
      };
    },
    valueOver(rows, period, today, relationshipCount) {
      const env = envOf(boundaries, period, today, relationshipCount);
      const where = built.where;
      return nullable(
        env,
        rows.filter((row) => !where || where.eval({ env, row }) === true),
      );
    },
    aggregateGroups(rows, period, today, relationshipCount, columns, grouping) {
      const { env, passing } = select(rows, period, today, relationshipCount);
      return groupRows(registry, columns, grouping, env, passing).map(({ cells, rows: group }) => ({
        cells,
        value: groupValue(env, group),
      }));
    },
  };
}

/**
 * The rows of the indicator's query in a period (before any grouping): within the boundaries, the
 * first/last event per org unit where the aggregation type asks for it, the any-value clause and the
 * filter.
 */
function selector(ctx: PiContext, built: Built, boundaries: Boundary[]) {
  const { aggregation: agg, where, items } = built;
  const stageChecked = ctx.dialect.cohortStageChecked;
  return (
    rows: readonly AnalyticsRow[],
    period: ReportingPeriod,
    today: Date,
    relationshipCount: RelationshipCounter | undefined,
  ) => {
    const env = envOf(boundaries, period, today, relationshipCount);
    const inPeriodRows = rows.filter((row) =>
      inPeriod(row, boundaries, period, datesOf as DatesOf, stageChecked),
    );
    const candidates = agg.ranking ? rankFirstOrLast(inPeriodRows, agg.ranking) : inPeriodRows;
    const passing = candidates.filter(
      (row) => anyValueExists(row, items) && (!where || where.eval({ env, row }) === true),
    );
    return { env, passing };
  };
}

/**
 * What the indicator's SQL sees besides the rows: the reporting period, the server's clock, the event
 * window its boundaries give the enrollment sub-queries, the relationship counts.
 */
function envOf(
  boundaries: readonly Boundary[],
  period: ReportingPeriod,
  today: Date,
  relationshipCount: RelationshipCounter | undefined,
): EvalEnv {
  return {
    period,
    now: longDate(today),
    window: eventWindow(boundaries, period),
    relationshipCount,
  };
}
