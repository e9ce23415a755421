import type { ComparisonRow, Totals } from '../core/compare.ts';
import type { Explanation } from '../core/explain.ts';
import type { Finding } from '../core/finding.ts';
import type { MappingRow } from '../core/mapping-table.ts';
import type { HeldValue } from '../core/reconcile.ts';
import type { CountName, RunStatus } from '../core/vocabulary.ts';
import type { FacilityMonth } from '../jobs/facility-month.ts';
import type { ApplyResult } from '../jobs/mapping.ts';
import type { JobMappingFile } from '../jobs/mapping-file.ts';
import type { RestoreResult } from '../jobs/restore.ts';
import type { RunRecord } from '../store/types.ts';

/**
 * What the dashboard's JSON API answers, shared by the server (routes) and the page (client/): types
 * only, so the page's bundle takes nothing of the server's code.
 */
export interface SessionInfo {
  readonly user: string | undefined;
  readonly csrf: string;
  readonly instance: string;
  /** The DHIS2 instance whose users may log in, when the configuration allows it. */
  readonly dhis2Login: string | undefined;
  /** `serve.timeZone`: every time on the page is shown in it, with its name. */
  readonly timeZone: string;
  readonly vocabulary: Vocabulary;
}

/**
 * The words of src/core/vocabulary.ts, sent by the server: the page takes only types from the rest of
 * t2a, so it shows the statuses and counts in the words the command line uses without a copy of them.
 */
export interface Vocabulary {
  readonly statuses: readonly RunStatus[];
  readonly meaning: Readonly<Record<RunStatus, string>>;
  readonly counts: Readonly<Record<CountName, { readonly label: string; readonly dryRun: string }>>;
}

/** What the instances call the ids an answer holds: periods as DHIS2 names them, org units, data elements. */
export interface Names {
  readonly periods: Readonly<Record<string, string>>;
  readonly orgUnits: Readonly<Record<string, string>>;
  readonly dataElements: Readonly<Record<string, string>>;
}

/** A user name refused at login after five failed attempts, and until when (ISO). */
export interface LockOut {
  readonly username: string;
  readonly until: string;
}

export type Outcome<T> =
  | ({ readonly ok: true } & T)
  | { readonly ok: false; readonly error: string; readonly fix?: string | undefined };

/** What the Jobs page shows of one job. */
export interface JobState {
  readonly name: string;
  readonly source: string;
  readonly targets: readonly string[];
  readonly schedule: string | undefined;
  /** ISO time of the next scheduled run. */
  readonly nextRun: string | undefined;
  readonly timeZone: string;
  readonly lastRun: RunSummary | undefined;
  /** How old the source's analytics is; `checking` until the source has answered. */
  readonly analytics:
    | { readonly checking: true }
    | { readonly mode: 'off' }
    | {
        readonly mode: 'run' | 'check';
        readonly ageHours: number | undefined;
        readonly maxAgeHours: number;
        readonly problem?: string | undefined;
      };
  /** The mapping validation against the live instances, or why it could not be done. */
  readonly validation:
    | { readonly checking: true }
    | { readonly errors: number; readonly warnings: number }
    | { readonly failed: string };
  /** A run of this job going on now, here or in another process holding the job's lock. */
  readonly running: RunningNow | undefined;
}

export interface RunningNow {
  readonly id: string;
  readonly startedBy: string;
  /** Started from this dashboard, so its Cancel can stop it between chunks. */
  readonly cancellable: boolean;
}

/** What the dashboard adds to a run of the history. */
export interface RunView {
  /** Who started it: the dashboard user, `schedule` (serve's scheduler) or `command line`. */
  readonly startedBy: string;
  /**
   * Why a run the history still calls running is shown as abandoned: its process is gone (its lock
   * lease ran out, or its process no longer exists). The next run of the job records it so.
   */
  readonly dead: string | undefined;
  /** The run's periods as DHIS2 names them (absent when the source could not say its calendar). */
  readonly periodNames: Readonly<Record<string, string>>;
}

/** A run in a list: its record without the report. */
export type RunSummary = Omit<RunRecord, 'report'> & RunView;

/** A run started here, as it goes. */
export interface LiveState {
  readonly job: string;
  readonly user: string;
  readonly dryRun: boolean;
  readonly done: number;
  readonly total: number;
  readonly finished: string | undefined;
}

export interface RunDetail {
  readonly run: (RunRecord & RunView) | undefined;
  readonly live: LiveState | undefined;
  readonly deletions: readonly { readonly target: string; readonly value: HeldValue }[];
  readonly names: Names;
  /** Started from this dashboard and still going: Cancel stops it between chunks. */
  readonly cancellable: boolean;
}

export type RestoreAnswer = Outcome<{ readonly result: RestoreResult }>;

export interface MappingState {
  readonly rows: readonly MappingRow[];
  readonly findings: readonly Finding[];
  /** The job's mapping file (`mappingFile:`), which `t2a mapping generate` builds indicators from. */
  readonly mappingFile?: JobMappingFile | undefined;
}

export type MappingUpload = Outcome<{ readonly applied: ApplyResult }>;

export interface TransitionState {
  readonly periods: readonly string[];
  readonly byPeriod: readonly Totals[];
  readonly ready: readonly {
    readonly orgUnit: string;
    readonly name: string;
    readonly periods: number;
  }[];
  readonly tolerance: number;
  readonly agreeFor: number;
  readonly ownValuesLeftOut: number;
  /** The job's `shadow.suffix`: the tracker side is read from the shadow data elements. */
  readonly shadowSuffix: string | undefined;
  /** Values compared on each side: none on one side leaves nothing to compare. */
  readonly manualValues: number;
  readonly trackerValues: number;
  readonly periodNames: Readonly<Record<string, string>>;
  /** The values that differ most (tracker against manual), each to open its explanation. */
  readonly differences: readonly (ComparisonRow & {
    readonly name: string;
    readonly deliveredDataElement: string;
  })[];
}

/** `GET /api/explain/:job?dataElement=…&categoryOptionCombo=…&period=…&orgUnit=…`: `t2a explain --json`. */
export type ExplainAnswer = Outcome<{ readonly explanation: Explanation }>;

/** `GET /api/facility-month/:job?orgUnit=…&period=…`: a facility's values of one period. */
export type FacilityMonthAnswer = Outcome<{ readonly month: FacilityMonth }>;
