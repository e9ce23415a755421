import type { Finding } from '../core/validation.ts';
import type { Logger } from '../log.ts';
import type { T2aStore } from '../store/types.ts';
import type { ResolvedJob } from './resolve-job.ts';
import type { PreparedTarget } from './target.ts';

/** One target of a run: the job, the target, and where the run records what it writes. */
export interface Delivery {
  readonly resolved: ResolvedJob;
  readonly target: PreparedTarget;
  /** Mapping keys whose indicator failed validation for this target (a forced run): withheld. */
  readonly failed: ReadonlyMap<string, Finding>;
  readonly runId: string;
  readonly store: T2aStore | undefined;
  readonly log: Logger;
}

/**
 * The stale values of one mapping key: how many, and one period and source org unit where one was
 * found, to ask the source whether the indicator behind them evaluates.
 */
export interface StaleScope {
  readonly count: number;
  readonly period: string;
  readonly orgUnit: string;
}
