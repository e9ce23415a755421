import type { DashboardConfig } from '../config/schema.ts';
import type { JobContext } from '../jobs/context.ts';
import type { T2aStore } from '../store/types.ts';
import type { JobStates } from './job-states.ts';
import type { LiveRuns } from './live-runs.ts';
import type { JobNames } from './names.ts';
import type { RunViews } from './run-views.ts';

/** The dashboard works with the store: its pages are the history, the ledger and the locks. */
export type DashboardContext = JobContext & { readonly store: T2aStore };

/** What the dashboard's routes work with, made once when it starts. */
export interface DashboardParts {
  readonly ctx: DashboardContext;
  readonly config: DashboardConfig;
  readonly live: LiveRuns;
  readonly states: JobStates;
  readonly views: RunViews;
  readonly names: JobNames;
}
