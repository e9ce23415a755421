/**
 * The contract between the analytics layer (which loads rows from the analytics tables and groups them
 * by org unit and period) and the program indicator engine (which evaluates one indicator, purely).
 */

/**
 * A metadata object as DHIS2's API gives it (a program indicator, a data element, a program stage…): what the
 * engine reads of it, structurally, so that the sandbox's store and t2a's own reads both fit.
 */
export interface MetadataObject {
  id: string;
  code?: string;
  name?: string;
  [property: string]: unknown;
}

/** One event as the analytics tables hold it. Dates are ISO: `yyyy-MM-dd` or `yyyy-MM-ddTHH:mm:ss.SSS`. */
export interface AnalyticsEventRow {
  readonly kind: 'event';
  readonly id: string;
  readonly enrollment: string | null;
  readonly trackedEntity: string | null;
  readonly program: string;
  readonly programStage: string;
  readonly orgUnit: string;
  readonly occurredAt: string;
  readonly status: string;
  /** Data element UID → value, as entered. */
  readonly dataValues: Readonly<Record<string, string>>;
  /** The enrollment the event belongs to (tracker programs), for `A{}` and `V{enrollment_date}`. */
  readonly enrollmentRow?: AnalyticsEnrollmentRow;
  /**
   * An event program's events, which share DHIS2's one enrollment of the program: what `d2:count` and
   * the other enrollment sub-queries of an event without registration see.
   */
  readonly sharedEnrollmentEvents?: readonly AnalyticsEventRow[];
  /** `created`, `lastupdated`, `scheduleddate`, `completeddate` of the event tables, when known. */
  readonly created?: string;
  readonly lastUpdated?: string;
  readonly scheduledAt?: string | null;
  readonly completedAt?: string | null;
}

export interface AnalyticsEnrollmentRow {
  readonly kind: 'enrollment';
  readonly id: string;
  readonly trackedEntity: string | null;
  readonly program: string;
  readonly orgUnit: string;
  readonly enrolledAt: string;
  readonly occurredAt: string | null;
  readonly status: string;
  /** Tracked entity attribute UID → value. */
  readonly attributes: Readonly<Record<string, string>>;
  /** `lastupdated` and `completeddate` of the enrollment tables, when known. */
  readonly lastUpdated?: string;
  readonly completedAt?: string | null;
  /** The enrollment's events, oldest first. */
  readonly events: readonly AnalyticsEventRow[];
}

/**
 * A tracked entity's relationships, of one relationship type or of all (`d2:relationshipCount`): the
 * relationship tables up to 2.41, the `analytics_rs_relationship` resource table from 2.42.
 */
export type RelationshipCounter = (
  trackedEntity: string,
  relationshipType: string | undefined,
) => number;

/** Everything the analytics tables hold for one program. */
export interface ProgramData {
  readonly program: string;
  readonly enrollments: readonly AnalyticsEnrollmentRow[];
  readonly events: readonly AnalyticsEventRow[];
  /** Relationship counts, when the sandbox stores relationships. */
  readonly relationshipCount?: RelationshipCounter;
}

export interface ReportingPeriod {
  readonly id: string;
  /** DHIS2 period type name, e.g. `Monthly`. */
  readonly periodType: string;
  readonly startDate: string;
  readonly endDate: string;
}

export type AnalyticsRow = AnalyticsEventRow | AnalyticsEnrollmentRow;

export interface CompiledProgramIndicator {
  readonly id: string;
  readonly name: string;
  readonly program: string;
  readonly analyticsType: 'EVENT' | 'ENROLLMENT';
  /** The indicator's own `decimals`, when set (0 makes analytics output integers). */
  readonly decimals: number | undefined;
  /**
   * PostgreSQL's type of the aggregated value (`numeric`, `bigint` for a `count`, …): JDBC reads it
   * as a BigDecimal, a Long or a Double, which DHIS2's query grids write differently.
   */
  readonly valueType: string;
  /** The rows of this indicator's analytics type. */
  rows(data: ProgramData): readonly AnalyticsRow[];
  /** The org unit a row counts for (the indicator's `orgUnitField`; the row's own org unit by default). */
  orgUnitOf(row: AnalyticsRow): string | undefined;
  /**
   * The indicator's value over `rows` (already restricted to one org unit subtree) for a reporting
   * period, or undefined when no row passes the boundaries and filter (DHIS2 then emits no row); a
   * group whose value is NULL reads 0 (`rowSet.getDouble`). Throws SqlError for what fails in
   * PostgreSQL while it runs (division by zero, a text a cast cannot read).
   */
  aggregate(
    rows: readonly AnalyticsRow[],
    period: ReportingPeriod,
    today: Date,
    /** `ProgramData.relationshipCount`; without it every tracked entity has none. */
    relationshipCount?: RelationshipCounter,
  ): number | undefined;
  /**
   * The records behind `aggregate` (same arguments, same `value`): the rows that pass the boundaries,
   * the first/last ranking, the any-value clause and the filter, each with its own value — the
   * indicator's aggregation over that one row (`sum(x)` → x, `count(x)` → 1 or 0; null where
   * PostgreSQL gives NULL). Folded by `foldRecordValues`, they give `value`.
   */
  contributions(
    rows: readonly AnalyticsRow[],
    period: ReportingPeriod,
    today: Date,
    relationshipCount?: RelationshipCounter,
  ): IndicatorContributions;
  /**
   * The indicator's aggregation over `rows` with its filter applied and nothing else (no boundaries,
   * no any-value clause, no ranking): what DHIS2's event and enrollment queries give one row for the
   * indicator as a dimension (`DefaultProgramIndicatorSubqueryBuilder
   * .getAggregateClauseForPIandRelationshipType`, 2.36.0–2.43.1: `(SELECT sum(expr) FROM … subax WHERE
   * psi = ax.psi AND (filter))`); the caller picks the rows of the join. Null where PostgreSQL gives
   * NULL (`sum` of no row), 0 for `count`. `period` is the query's start and end dates.
   */
  valueOver(
    rows: readonly AnalyticsRow[],
    period: ReportingPeriod,
    today: Date,
    relationshipCount?: RelationshipCounter,
  ): number | null;
  /**
   * Compiles the category columns of 2.42 disaggregation for this indicator (its program's data
   * elements, its analytics type), or what DHIS2 answers when it cannot build or run them.
   */
  categoryColumns(
    sources: readonly CategoryColumnSource[],
  ): { readonly ok: true; readonly columns: CategoryColumns } | CompileFailure;
  /**
   * `aggregate`, then grouped as the disaggregated query groups: the rows that pass the boundaries,
   * the filter and the any-value clause are given their cells, `grouping` keeps and groups them, and
   * each group is aggregated (no group: no row). Throws SqlError as `aggregate` does.
   */
  aggregateGroups(
    rows: readonly AnalyticsRow[],
    period: ReportingPeriod,
    today: Date,
    relationshipCount: RelationshipCounter | undefined,
    columns: CategoryColumns,
    grouping: CategoryGrouping,
  ): CategoryGroupValue[];
}

/** One event or enrollment an indicator counts or sums, with its own value. */
export interface RecordValue {
  readonly row: AnalyticsRow;
  readonly value: number | null;
  /**
   * For an aggregation over distinct values (`V{tei_count}` is `count(distinct tei)`,
   * `V{enrollment_count}` of an EVENT indicator `count(distinct pi)`): the value it dedupes; records
   * with the same key count once.
   */
  readonly distinctKey?: string;
}

/** An indicator's value for one org unit subtree and period, and the records that make it. */
export interface IndicatorContributions {
  /** As `aggregate`: undefined when no record counts. */
  readonly value: number | undefined;
  /** The aggregation counts distinct values: records fold only once per `distinctKey`. */
  readonly distinct: boolean;
  readonly records: readonly RecordValue[];
}

/**
 * A category of 2.42 program indicator disaggregation as the query needs it: the program's category
 * mapping for it (`ProgramCategoryMapping.optionMappings`, in their order) and whether the column is
 * selected and grouped by (a dimension, or a combo category of a data value set) or only tested.
 */
export interface CategoryColumnSource {
  readonly category: string;
  readonly options: readonly { readonly optionId: string; readonly filter: string | null }[];
  readonly grouped: boolean;
}

/** Category columns compiled for one indicator (`CompiledProgramIndicator.categoryColumns`). */
export interface CategoryColumns {
  readonly categories: readonly string[];
}

/**
 * Given a row's cells (one per category column, in order: '' when no option filter holds, one option
 * UID, or several run together), the cells it is grouped by, or undefined when the query's WHERE leaves
 * it out.
 */
export type CategoryGrouping = (cells: readonly string[]) => readonly string[] | undefined;

/** One group of a disaggregated indicator: the cells it was grouped by and its value. */
export interface CategoryGroupValue {
  readonly cells: readonly string[];
  readonly value: number;
}

/**
 * Why DHIS2 itself answers an indicator with an error:
 * - `E7132` / `E7145`: PostgreSQL refuses its SQL (class 22: 22P02, 22007, 22012 → E7132; class 42:
 *   42703, 42883, 42804, 42803, 42601 → E7145), `sqlState` and PostgreSQL's message in `dbMessage`;
 * - `parse`: DHIS2 cannot build the SQL (a `ParserException`: the expression does not parse, an item
 *   not in the version's PI map, a data element missing from the metadata): 409 without errorCode, its
 *   message in `dbMessage`, `sqlState` empty; the whole request fails in every version;
 * - `E7131`: PostgreSQL refuses it for a limit (class 54: 2.42.0's `concat()` of over 100 arguments).
 */
export interface Dhis2Failure {
  readonly code: 'E7131' | 'E7132' | 'E7145' | 'parse';
  readonly sqlState: string;
  /** PostgreSQL's message (2.42+ `devMessage`, 500s before 2.38.5), or DHIS2's parser message. */
  readonly dbMessage: string;
}

export interface CompileFailure {
  readonly ok: false;
  readonly id: string;
  readonly name: string;
  readonly reason: string;
  /** DHIS2 itself cannot run this indicator (see Dhis2Failure). Absent: a gap of the sandbox. */
  readonly dhis2Error?: Dhis2Failure;
}

export type CompileResult =
  | { readonly ok: true; readonly indicator: CompiledProgramIndicator }
  | CompileFailure;

/** Compiles a program indicator from its metadata; implemented in `compile.ts`. */
export type CompileProgramIndicator = (
  programIndicator: MetadataObject,
  lookup: (type: string, id: string) => MetadataObject | undefined,
  /**
   * The DHIS2 version whose SQL to follow where it changed: `dhis2Version` (minor and patch), else
   * `dhis2Minor` (patch 0); 2.41.0 when not said.
   */
  options?: {
    readonly dhis2Minor?: number;
    readonly dhis2Version?: { readonly minor: number; readonly patch: number };
  },
) => CompileResult;
