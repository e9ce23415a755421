import type { JobContext } from '../jobs/context.ts';
import { letRunsFinish } from '../jobs/serve.ts';
import { runSync } from '../jobs/sync.ts';
import { newRunId } from '../store/run-id.ts';

/** A run started from the dashboard, as it goes: chunks done of the total, and how it ended. */
export interface LiveRun {
  readonly id: string;
  readonly job: string;
  readonly dryRun: boolean;
  readonly done: number;
  readonly total: number;
  /** The run's outcome once it is over ('failed' also when it could not start). */
  readonly finished: string | undefined;
}

/** Only this file changes a live run; the others read copies. */
type Changing = { -readonly [K in keyof LiveRun]: LiveRun[K] };

export type LiveEvent =
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'finished'; readonly outcome: string };

type Listener = (event: LiveEvent) => void;

/** How long a finished run stays here for a page that connects late. */
const KEPT_MS = 10 * 60_000;

/**
 * Runs started from the page: the same `runSync` as `t2a sync` and the scheduler (the same lock, history
 * and notifications), with their progress passed to whoever watches (server-sent events).
 */
export class LiveRuns {
  private readonly runs = new Map<string, Changing>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly running = new Set<Promise<unknown>>();

  private readonly abort = new AbortController();

  constructor(private readonly ctx: JobContext) {}

  start(job: string, options: { dryRun: boolean; user: string }): string {
    const id = newRunId();
    const live: Changing = {
      id,
      job,
      dryRun: options.dryRun,
      done: 0,
      total: 0,
      finished: undefined,
    };
    this.runs.set(id, live);
    const logger = this.ctx.logger.child({ dashboardUser: options.user });
    const run = runSync(
      { ...this.ctx, logger },
      {
        jobs: [job],
        runId: id,
        dryRun: options.dryRun,
        trigger: 'manual',
        signal: this.abort.signal,
        onProgress: ({ done, total }) => {
          live.done = done;
          live.total = total;
          this.emit(id, { type: 'progress', done, total });
        },
      },
    )
      .then((report) => report.outcome)
      .catch((error: unknown) => {
        logger.error({ err: (error as Error).message, runId: id }, 'dashboard run failed');
        return 'failed';
      })
      .then((outcome) => {
        live.finished = outcome;
        this.emit(id, { type: 'finished', outcome });
        this.listeners.delete(id);
        setTimeout(() => this.runs.delete(id), KEPT_MS).unref();
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return id;
  }

  /** The id of a run of the job going on now, if one was started here. */
  runningFor(job: string): string | undefined {
    for (const run of this.runs.values()) if (run.job === job && !run.finished) return run.id;
    return undefined;
  }

  get(id: string): LiveRun | undefined {
    const live = this.runs.get(id);
    return live && { ...live };
  }

  /** Hears a run's events until it ends; returns the way to stop hearing them. */
  watch(id: string, listener: Listener): () => void {
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Lets the runs going finish for `graceMs`, then stops them between chunks, as the scheduler does. */
  stop(graceMs: number): Promise<void> {
    return letRunsFinish(this.running, graceMs, this.abort);
  }

  private emit(id: string, event: LiveEvent): void {
    for (const listener of this.listeners.get(id) ?? []) listener(event);
  }
}
