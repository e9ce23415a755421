import type { DataValue } from '../core/data-value.ts';
import type { Notification } from '../core/notification.ts';
import type { HeldValue, LedgerEntry, StaleValue } from '../core/reconcile.ts';
import type { JobReport } from '../core/report.ts';
import type { RunStatus } from '../core/vocabulary.ts';
import type { ExportFactStore } from './export-facts.ts';
import type { RunValueStore } from './run-values.ts';

/** A job run as the history keeps it. Never holds a secret: reports carry none. */
export interface RunRecord {
  readonly id: string;
  readonly job: string;
  readonly trigger: 'manual' | 'schedule';
  /** src/core/vocabulary.ts; a history written as `conflicts` reads as `incomplete`. */
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt: string | undefined;
  readonly periods: readonly string[];
  readonly dryRun: boolean;
  readonly t2aVersion: string;
  readonly sourceVersion: string | undefined;
  readonly targetVersions: readonly string[];
  readonly counts: {
    exported: number;
    sent: number;
    imported: number;
    updated: number;
    ignored: number;
    deleted: number;
    withheld: number;
    conflicted: number;
  };
  readonly error: string | undefined;
  readonly report: JobReport | undefined;
}

export interface LockHolder {
  readonly runId: string;
  /** `host:pid` of the process running the job. */
  readonly holder: string;
  readonly acquiredAt: string;
  /** When the holder last renewed its lease (its acquisition, before the first renewal). */
  readonly renewedAt: string;
}

/** A notification held for the digest, with the id that releases it once it is sent. */
export interface HeldNotification {
  readonly id: string;
  readonly notification: Notification;
}

export interface RunQuery {
  readonly job?: string | undefined;
  readonly last?: number | undefined;
  /** Only runs whose id starts so (`t2a show 20261124T02`). */
  readonly idPrefix?: string | undefined;
}

export interface NewRun {
  readonly id: string;
  readonly job: string;
  readonly trigger: RunRecord['trigger'];
  readonly startedAt: string;
  readonly dryRun: boolean;
  readonly t2aVersion: string;
}

/** A run refused before it started: another run held the job's lock. */
/** A run that never started: `busy` (another held the lock) or `failed` (before the job began). */
export interface RefusedRun {
  readonly id: string;
  readonly job: string;
  readonly status: 'busy' | 'failed';
  readonly trigger: RunRecord['trigger'];
  readonly t2aVersion: string;
  readonly reason: string;
}

/** The ledger and the deletion record: every value t2a wrote, and every value it deleted. */
export interface LedgerStore {
  record(target: string, job: string, runId: string, values: readonly DataValue[]): Promise<void>;
  forget(target: string, values: readonly DataValue[]): Promise<void>;
  entries(
    target: string,
    job: string,
    periods: readonly string[],
    orgUnits?: readonly string[],
  ): Promise<LedgerEntry[]>;
  /**
   * Since when (the target's wall clock) t2a knows what a job's scopes hold in a target: the oldest
   * moment recorded among the scopes where it wrote, undefined when one of them has none.
   */
  knownSince(
    target: string,
    job: string,
    periods: readonly string[],
    orgUnits: readonly string[],
  ): Promise<string | undefined>;
  /** Records that t2a knows what a job's scopes (those where it wrote) hold in a target as of `at`. */
  markKnown(
    target: string,
    job: string,
    periods: readonly string[],
    orgUnits: readonly string[],
    at: string,
  ): Promise<void>;
  /** Holds stale values a chunk found until the end of the job. */
  holdStale(target: string, job: string, stale: readonly StaleValue[]): Promise<void>;
  /** Takes (returns and drops) up to `limit` held stale values of the job. */
  takeStale(target: string, job: string, limit: number): Promise<StaleValue[]>;
  /** Drops every held stale value of the job (cleared, refused, or left by a run that died). */
  dropStale(target: string, job: string): Promise<void>;
  recordDeletions(runId: string, target: string, stale: readonly StaleValue[]): Promise<void>;
  deletions(runId: string): Promise<{ target: string; value: HeldValue }[]>;
  /** Writes down an import about to be sent, before the request leaves; returns its intent's id. */
  intend(target: string, job: string, runId: string, values: readonly DataValue[]): Promise<string>;
  /**
   * The import's answer is in: what the target took enters the ledger and its intent is dropped, in one
   * transaction.
   */
  confirm(
    target: string,
    job: string,
    runId: string,
    intent: string,
    taken: readonly DataValue[],
  ): Promise<void>;
  /** Intents left by runs that stopped before the answer came (a crash, a kill, a lost answer). */
  intents(target: string, job: string): Promise<Intent[]>;
  /** Settles left intents: `taken` (what the target holds as t2a sent it) enters the ledger, all are dropped. */
  settle(
    target: string,
    job: string,
    intents: readonly string[],
    taken: readonly LedgerEntry[],
  ): Promise<void>;
}

/** An import t2a was about to send: its values, written down before the request left. */
export interface Intent {
  readonly id: string;
  readonly runId: string;
  readonly values: readonly DataValue[];
}

/**
 * t2a's store: run history, the one-run-per-job lock and the ledger, on SQLite (one machine) or
 * PostgreSQL (several replicas of `t2a serve`, or one Kubernetes CronJob per job, sharing them).
 */
export interface T2aStore {
  readonly ledger: LedgerStore;
  /** Every value a run did not deliver, with its cause. */
  readonly runValues: RunValueStore;
  /** What narrowing a night's export needs from the last one (ADR 11). */
  readonly exports: ExportFactStore;
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
  acquireLock(job: string, runId: string, holder: string): Promise<boolean>;
  /** Renews the run's lease on the lock; false when the run no longer holds it. */
  renewLock(job: string, runId: string): Promise<boolean>;
  /** Takes the lock from a run that no longer holds it in fact; false when another run was quicker. */
  takeOverLock(job: string, staleRunId: string, runId: string, holder: string): Promise<boolean>;
  releaseLock(job: string, runId: string): Promise<void>;
  lockHolder(job: string): Promise<LockHolder | undefined>;
  startRun(run: NewRun): Promise<void>;
  recordRefused(run: RefusedRun): Promise<void>;
  finishRun(
    id: string,
    status: RunRecord['status'],
    report: JobReport | undefined,
    error?: string,
  ): Promise<void>;
  runs(query?: RunQuery): Promise<RunRecord[]>;
  /** Holds a notification for the daily digest. */
  holdNotification(notification: Notification): Promise<void>;
  /**
   * Claims every held notification not claimed by another process in the last hour, oldest first: two
   * replicas of t2a serve never send one digest twice. They stay held until released.
   */
  claimNotifications(): Promise<HeldNotification[]>;
  /** Sent: drops the claimed notifications. Not sent: gives them back for the next digest. */
  releaseNotifications(ids: readonly string[], sent: boolean): Promise<void>;
  run(id: string): Promise<RunRecord | undefined>;
  /** Records who started a run from the dashboard (its login user name), before the run begins. */
  recordStarter(runId: string, user: string): Promise<void>;
  /** Who started each of these runs from the dashboard; runs started otherwise are absent. */
  starters(runIds: readonly string[]): Promise<Map<string, string>>;
}
