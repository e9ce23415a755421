/**
 * The contract between the analytics layer (which loads rows from the analytics tables and groups them
 * by org unit and period) and the program indicator engine (which evaluates one indicator, purely).
 */
import type { MetadataObject } from '../metadata/store.ts';

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
  /** The enrollment's events, oldest first. */
  readonly events: readonly AnalyticsEventRow[];
}

/** Everything the analytics tables hold for one program. */
export interface ProgramData {
  readonly program: string;
  readonly enrollments: readonly AnalyticsEnrollmentRow[];
  readonly events: readonly AnalyticsEventRow[];
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
  /** The rows of this indicator's analytics type. */
  rows(data: ProgramData): readonly AnalyticsRow[];
  /** The org unit a row counts for (the indicator's `orgUnitField`; the row's own org unit by default). */
  orgUnitOf(row: AnalyticsRow): string | undefined;
  /**
   * The indicator's value over `rows` (already restricted to one org unit subtree) for a reporting
   * period, or undefined when no row passes the boundaries and filter (DHIS2 then emits no row).
   */
  aggregate(
    rows: readonly AnalyticsRow[],
    period: ReportingPeriod,
    today: Date,
  ): number | undefined;
}

export type CompileResult =
  | { readonly ok: true; readonly indicator: CompiledProgramIndicator }
  | {
      readonly ok: false;
      readonly id: string;
      readonly name: string;
      readonly reason: string;
      /**
       * DHIS2 itself cannot run this indicator's SQL: the error code its analytics answers with, and the
       * SQL state (E7145 for 42703 or 42883, E7132 for 22P02 or 22012). Absent: a gap of the sandbox.
       */
      readonly dhis2Error?: {
        readonly code: 'E7132' | 'E7145';
        readonly sqlState: string;
        /** PostgreSQL's own message, as 2.42+ give it in `devMessage` and 500s before 2.38.5 as `message`. */
        readonly dbMessage: string;
      };
    };

/** Compiles a program indicator from its metadata; implemented in `compile.ts`. */
export type CompileProgramIndicator = (
  programIndicator: MetadataObject,
  lookup: (type: string, id: string) => MetadataObject | undefined,
  /** The DHIS2 minor version whose SQL to follow where it changed (41 when not said). */
  options?: { readonly dhis2Minor?: number },
) => CompileResult;
