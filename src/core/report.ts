import type { Issue } from './conflicts.ts';
import type { DataValue } from './data-value.ts';
import type { ImportCounts } from './import-summary.ts';

/** What a run would do (and did) to a target: counts per data element and period, and a few examples. */
export interface PlanSummary {
  readonly byDataElementPeriod: Record<
    string,
    { create: number; update: number; unchanged: number; stale: number }
  >;
  readonly samples: {
    readonly create: DataValue[];
    readonly update: { value: DataValue; before: string }[];
    readonly stale: DataValue[];
  };
}

const SAMPLES = 5;

/** Adds one chunk's reconciliation to the plan summary, keeping at most a few examples of each kind. */
export function addToPlan(
  plan: PlanSummary,
  reconcile: {
    create: readonly DataValue[];
    update: readonly { value: DataValue; before: string }[];
    unchanged: readonly DataValue[];
    stale: readonly { held: DataValue }[];
  },
): void {
  const bump = (value: DataValue, kind: 'create' | 'update' | 'unchanged' | 'stale') => {
    const key = `${value.dataElement} ${value.period}`;
    plan.byDataElementPeriod[key] ??= { create: 0, update: 0, unchanged: 0, stale: 0 };
    plan.byDataElementPeriod[key]![kind] += 1;
  };
  for (const value of reconcile.create) bump(value, 'create');
  for (const change of reconcile.update) bump(change.value, 'update');
  for (const value of reconcile.unchanged) bump(value, 'unchanged');
  for (const stale of reconcile.stale) bump(stale.held, 'stale');
  plan.samples.create.push(...reconcile.create.slice(0, SAMPLES - plan.samples.create.length));
  plan.samples.update.push(...reconcile.update.slice(0, SAMPLES - plan.samples.update.length));
  plan.samples.stale.push(
    ...reconcile.stale.map((s) => s.held).slice(0, SAMPLES - plan.samples.stale.length),
  );
}

export const emptyPlan = (): PlanSummary => ({
  byDataElementPeriod: {},
  samples: { create: [], update: [], stale: [] },
});

/** What one job delivered to one target. */
export interface TargetReport {
  readonly target: string;
  readonly dhis2Version: string | undefined;
  readonly dryRun: boolean;
  /** Values analytics exported for the job (the same for every target). */
  exported: number;
  /** Values t2a withheld (unmapped, duplicate, unknown code, invalid value, org unit unknown). */
  withheld: number;
  sent: number;
  /** Values the target already held as exported: counted, not re-sent. */
  unchanged: number;
  /** Values t2a wrote before that the export no longer produces. */
  stale: number;
  readonly counts: ImportCounts;
  /** The reconciliation plan: what was (or, in a dry run, would be) created, updated, left, cleared. */
  readonly plan: PlanSummary;
  /** Values DHIS2 reported in conflicts. */
  conflicted: number;
  readonly issues: readonly Issue[];
}

export interface FailedChunk {
  readonly periods: readonly string[];
  /** Names of the chunk's org units (at most a few, then a count). */
  readonly orgUnits: string;
  readonly error: string;
  readonly fix: string | undefined;
}

export interface JobReport {
  /** The run's id in the history (`t2a show RUN_ID`), when a store records runs. */
  readonly runId?: string | undefined;
  readonly job: string;
  readonly source: string;
  readonly sourceVersion: string | undefined;
  readonly periods: readonly string[];
  readonly orgUnitCount: number;
  readonly indicators: {
    readonly total: number;
    readonly mapped: number;
    readonly unmapped: number;
  };
  readonly targets: readonly TargetReport[];
  readonly failedChunks: readonly FailedChunk[];
  /** Data set registrations marked complete after the run (`complete.afterSync`), or why that failed. */
  readonly completed?: number | string | undefined;
  /** A failure that stopped the whole job before any chunk ran. */
  readonly error?:
    | { readonly kind: string; readonly message: string; readonly fix: string | undefined }
    | undefined;
  readonly startedAt: string;
  readonly finishedAt: string;
}

export type RunOutcome = 'success' | 'conflicts' | 'failed';

export interface RunReport {
  readonly outcome: RunOutcome;
  readonly jobs: readonly JobReport[];
  readonly totals: ImportCounts & {
    exported: number;
    withheld: number;
    sent: number;
    unchanged: number;
    stale: number;
    conflicted: number;
  };
}

/** A run succeeded only if every value reached every target: no conflicts, nothing withheld, no failed chunk. */
export function outcomeOf(jobs: readonly JobReport[]): RunOutcome {
  if (jobs.some((job) => job.error)) return 'failed';
  const troubled = jobs.some(
    (job) =>
      job.failedChunks.length > 0 ||
      job.indicators.unmapped > 0 ||
      job.targets.some(
        (target) => target.withheld > 0 || target.conflicted > 0 || target.issues.length > 0,
      ),
  );
  return troubled ? 'conflicts' : 'success';
}

export function summarise(jobs: readonly JobReport[]): RunReport {
  const totals = {
    exported: 0,
    withheld: 0,
    sent: 0,
    unchanged: 0,
    stale: 0,
    conflicted: 0,
    imported: 0,
    updated: 0,
    ignored: 0,
    deleted: 0,
  };
  for (const job of jobs) {
    for (const target of job.targets) {
      totals.exported += target.exported;
      totals.withheld += target.withheld;
      totals.sent += target.sent;
      totals.unchanged += target.unchanged;
      totals.stale += target.stale;
      totals.conflicted += target.conflicted;
      totals.imported += target.counts.imported;
      totals.updated += target.counts.updated;
      totals.ignored += target.counts.ignored;
      totals.deleted += target.counts.deleted;
    }
  }
  return { outcome: outcomeOf(jobs), jobs, totals };
}
