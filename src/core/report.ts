import type { ChunkTimings } from './chunk-timings.ts';
import type { DataValue } from './data-value.ts';
import { addCounts, emptyCounts, type ImportCounts } from './import-summary.ts';
import { foldIssues, type Issue, type IssueEntry } from './issues.ts';
import type { RunOutcome } from './vocabulary.ts';

/** Per data element and period: values new, changed, the same, stale, and cells held by others. */
export interface PlanCounts {
  readonly create: number;
  readonly update: number;
  readonly unchanged: number;
  readonly stale: number;
  /** Cells holding a value t2a never wrote: left as they are, the tracker's value withheld. */
  readonly heldByOthers: number;
}

/** What a run would do (and did) to a target: counts per data element and period, and a few examples. */
export interface PlanSummary {
  readonly byDataElementPeriod: Readonly<Record<string, PlanCounts>>;
  readonly samples: {
    readonly create: readonly DataValue[];
    readonly update: readonly { value: DataValue; before: string }[];
    readonly stale: readonly DataValue[];
    readonly heldByOthers: readonly { value: DataValue; held: DataValue }[];
  };
}

/** One chunk's reconciliation, as core/reconcile.ts plans it. */
export interface ReconcileCounts {
  readonly create: readonly DataValue[];
  readonly update: readonly { value: DataValue; before: string }[];
  readonly unchanged: readonly DataValue[];
  readonly stale: readonly { held: DataValue }[];
  readonly heldByOthers: readonly { value: DataValue; held: DataValue }[];
}

const SAMPLES = 5;
const KINDS = ['create', 'update', 'unchanged', 'stale', 'heldByOthers'] as const;
const noCounts = (): Record<(typeof KINDS)[number], number> => ({
  create: 0,
  update: 0,
  unchanged: 0,
  stale: 0,
  heldByOthers: 0,
});

export const emptyPlan = (): PlanSummary => ({
  byDataElementPeriod: {},
  samples: { create: [], update: [], stale: [], heldByOthers: [] },
});

/** A plan summary of one chunk's reconciliation, with at most a few examples of each kind. */
export function planOf(reconcile: ReconcileCounts): PlanSummary {
  const byDataElementPeriod: Record<string, ReturnType<typeof noCounts>> = {};
  const bump = (value: DataValue, kind: (typeof KINDS)[number]) => {
    const key = `${value.dataElement} ${value.period}`;
    byDataElementPeriod[key] ??= noCounts();
    byDataElementPeriod[key][kind] += 1;
  };
  for (const value of reconcile.create) bump(value, 'create');
  for (const change of reconcile.update) bump(change.value, 'update');
  for (const value of reconcile.unchanged) bump(value, 'unchanged');
  for (const stale of reconcile.stale) bump(stale.held, 'stale');
  for (const cell of reconcile.heldByOthers) bump(cell.value, 'heldByOthers');
  return {
    byDataElementPeriod,
    samples: {
      create: reconcile.create.slice(0, SAMPLES),
      update: reconcile.update.slice(0, SAMPLES),
      stale: reconcile.stale.slice(0, SAMPLES).map((stale) => stale.held),
      heldByOthers: reconcile.heldByOthers.slice(0, SAMPLES),
    },
  };
}

/** Two plan summaries as one: counts added, examples kept to a few. */
export function mergePlans(a: PlanSummary, b: PlanSummary): PlanSummary {
  const byDataElementPeriod: Record<string, PlanCounts> = { ...a.byDataElementPeriod };
  for (const [key, counts] of Object.entries(b.byDataElementPeriod)) {
    const before = byDataElementPeriod[key] ?? noCounts();
    const sum = noCounts();
    // Plans of runs recorded before a kind was counted lack it.
    for (const kind of KINDS) sum[kind] = (before[kind] ?? 0) + (counts[kind] ?? 0);
    byDataElementPeriod[key] = sum;
  }
  const samples = <T>(x: readonly T[] | undefined, y: readonly T[] | undefined) =>
    [...(x ?? []), ...(y ?? [])].slice(0, SAMPLES);
  return {
    byDataElementPeriod,
    samples: {
      create: samples(a.samples.create, b.samples.create),
      update: samples(a.samples.update, b.samples.update),
      stale: samples(a.samples.stale, b.samples.stale),
      heldByOthers: samples(a.samples.heldByOthers, b.samples.heldByOthers),
    },
  };
}

/**
 * What one step of a job did to one target: a chunk's delivery, the clearing of stale values, the
 * analytics run after the import. A target's report is the fold of its steps (foldTargetReport).
 */
export interface DeliveryResult {
  /** Values analytics exported for the job (the same for every target). */
  readonly exported: number;
  /** Values t2a withheld (unmapped, duplicate, unknown code, invalid value, org unit unknown, locked). */
  readonly withheld: number;
  readonly sent: number;
  /** Values the target already held as exported: counted, not re-sent. */
  readonly unchanged: number;
  /** Values t2a wrote before that the export no longer produces. */
  readonly stale: number;
  /** Zeros of data elements whose zeros the target does not store (`zeroIsSignificant: false`): not sent. */
  readonly zeros: number;
  readonly counts: ImportCounts;
  /** Values DHIS2 reported in conflicts. */
  readonly conflicted: number;
  /** The reconciliation plan: what was (or, in a dry run, would be) created, updated, left, cleared. */
  readonly plan: PlanSummary;
  readonly issues: readonly IssueEntry[];
}

export const emptyDelivery = (): DeliveryResult => ({
  exported: 0,
  withheld: 0,
  sent: 0,
  unchanged: 0,
  stale: 0,
  zeros: 0,
  counts: emptyCounts(),
  conflicted: 0,
  plan: emptyPlan(),
  issues: [],
});

/** A delivery result with only what is given, zero elsewhere. */
export const delivered = (partial: Partial<DeliveryResult>): DeliveryResult => ({
  ...emptyDelivery(),
  ...partial,
});

/** Who the target is in a report. */
export interface TargetIdentity {
  readonly target: string;
  readonly dhis2Version: string | undefined;
  readonly dryRun: boolean;
}

/**
 * A target's steps folded so far: the counts summed and the issues folded by cause. It stays the same
 * size however many chunks a job has, so a run keeps no more per target than this.
 */
export interface Tally {
  readonly total: Omit<DeliveryResult, 'issues'>;
  readonly issues: readonly Issue[];
}

export const emptyTally = (): Tally => {
  const { issues: _none, ...total } = emptyDelivery();
  return { total, issues: [] };
};

/** One more step folded into a tally. */
export function tally(so: Tally, result: DeliveryResult): Tally {
  const { total } = so;
  return {
    total: {
      exported: total.exported + result.exported,
      withheld: total.withheld + result.withheld,
      sent: total.sent + result.sent,
      unchanged: total.unchanged + result.unchanged,
      stale: total.stale + result.stale,
      zeros: total.zeros + result.zeros,
      counts: addCounts(total.counts, result.counts),
      conflicted: total.conflicted + result.conflicted,
      plan: mergePlans(total.plan, result.plan),
    },
    issues: foldIssues(so.issues, result.issues),
  };
}

/** A target's report from its tally. */
export function reportOf(identity: TargetIdentity, folded: Tally): TargetReport {
  return { ...identity, ...folded.total, issues: folded.issues };
}

/** A target's report: its identity, and every step of the job folded in order. */
export function foldTargetReport(
  identity: TargetIdentity,
  results: readonly DeliveryResult[],
): TargetReport {
  return reportOf(identity, results.reduce(tally, emptyTally()));
}

/** What one job delivered to one target: every step folded (foldTargetReport). */
export type TargetReport = TargetIdentity &
  Omit<DeliveryResult, 'issues'> & {
    /** Why values did not arrive, by cause. */
    readonly issues: readonly Issue[];
  };

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
  /**
   * How the export went: chunks run, and the requests they took — more than one per chunk where the
   * indicators and org units would have made a URL longer than the source's proxy takes.
   */
  readonly exports?: {
    readonly chunks: number;
    readonly requests: number;
    readonly maxUrlLength: number;
    /** How long the chunks took (runs recorded before t2a kept timings have none). */
    readonly timings?: ChunkTimings | undefined;
    /** Whether the run exported everything (and why) or only what the tracker's changes reach (ADR 11). */
    readonly scope?: { readonly kind: 'full' | 'narrowed'; readonly text: string } | undefined;
  };
  /** Data set registrations marked complete after the run (`complete.afterSync`), or why that failed. */
  readonly completed?: number | string | undefined;
  /** A failure that stopped the whole job before any chunk ran. */
  readonly error?:
    | { readonly kind: string; readonly message: string; readonly fix: string | undefined }
    | undefined;
  readonly startedAt: string;
  readonly finishedAt: string;
}

export type { RunOutcome } from './vocabulary.ts';

export interface RunReport {
  readonly outcome: RunOutcome;
  readonly jobs: readonly JobReport[];
  readonly totals: ImportCounts & {
    exported: number;
    withheld: number;
    sent: number;
    unchanged: number;
    stale: number;
    zeros: number;
    conflicted: number;
  };
}

/**
 * A run succeeded only if every value reached every target: nothing refused, nothing withheld, no failed
 * chunk (src/core/vocabulary.ts). A run whose source gave nothing at all is `empty`, not a success: a
 * night with no value is far likelier analytics not run, periods outside the data or an empty selection
 * than a month with no patient.
 */
export function outcomeOf(jobs: readonly JobReport[]): RunOutcome {
  // A chunk that failed (network, server) left its values undelivered: the run failed.
  if (jobs.some((job) => job.error || job.failedChunks.length > 0)) return 'failed';
  // A narrowed night that exported nothing found nothing changed: that is not an empty source.
  if (
    jobs.length > 0 &&
    jobs.every(
      (job) =>
        job.exports?.scope?.kind !== 'narrowed' &&
        job.targets.every((target) => target.exported === 0),
    )
  )
    return 'empty';
  const troubled = jobs.some(
    (job) =>
      job.indicators.unmapped > 0 ||
      job.targets.some(
        (target) =>
          target.withheld > 0 ||
          target.conflicted > 0 ||
          // A dry run's stale values are what it would clear: the plan, not trouble.
          target.issues.some((issue) => issue.cause !== 'would-delete'),
      ),
  );
  return troubled ? 'incomplete' : 'success';
}

/**
 * A run's totals: every target's counts added up, except `exported`, which counts each job's export once
 * (every target of a job receives the same exported values).
 */
export function summarise(jobs: readonly JobReport[]): RunReport {
  const targets = jobs.flatMap((job) => job.targets);
  const sum = (count: (target: TargetReport) => number) =>
    targets.reduce((total, target) => total + count(target), 0);
  return {
    outcome: outcomeOf(jobs),
    jobs,
    totals: {
      exported: jobs.reduce(
        (total, job) => total + Math.max(0, ...job.targets.map((target) => target.exported)),
        0,
      ),
      withheld: sum((target) => target.withheld),
      sent: sum((target) => target.sent),
      unchanged: sum((target) => target.unchanged),
      stale: sum((target) => target.stale),
      zeros: sum((target) => target.zeros),
      conflicted: sum((target) => target.conflicted),
      imported: sum((target) => target.counts.imported),
      updated: sum((target) => target.counts.updated),
      ignored: sum((target) => target.counts.ignored),
      deleted: sum((target) => target.counts.deleted),
    },
  };
}
