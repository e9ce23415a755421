import type { Totals } from '../core/compare.ts';
import type { Finding } from '../core/finding.ts';
import type { MappingRow } from '../core/mapping-table.ts';
import type { HeldValue } from '../core/reconcile.ts';
import type { ApplyResult } from '../jobs/mapping.ts';
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
  /** A run of this job going on in this process now. */
  readonly running: string | undefined;
}

/** A run in a list: its record without the report. */
export type RunSummary = Omit<RunRecord, 'report'>;

/** A run started here, as it goes. */
export interface LiveState {
  readonly job: string;
  readonly dryRun: boolean;
  readonly done: number;
  readonly total: number;
  readonly finished: string | undefined;
}

export interface RunDetail {
  readonly run: RunRecord | undefined;
  readonly live: LiveState | undefined;
  readonly deletions: readonly { readonly target: string; readonly value: HeldValue }[];
}

export type RestoreAnswer = Outcome<{ readonly result: RestoreResult }>;

export interface MappingState {
  readonly rows: readonly MappingRow[];
  readonly findings: readonly Finding[];
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
}
