import { T2aError } from '../core/errors.ts';
import type { JobContext } from '../jobs/context.ts';
import { letRunsFinish } from '../jobs/serve.ts';
import { runSync } from '../jobs/sync.ts';
import { newRunId } from '../store/run-id.ts';
import type { T2aStore } from '../store/types.ts';

/** A run started from the dashboard, as it goes: chunks done of the total, and how it ended. */
export interface LiveRun {
  readonly id: string;
  readonly job: string;
  /** The dashboard user who started it. */
  readonly user: string;
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
 * and notifications), with their progress passed to whoever watches (server-sent events), each with its
 * own Cancel.
 */
export class LiveRuns {
  private readonly runs = new Map<string, Changing>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly cancels = new Map<string, AbortController>();

  /** Stops every run when `t2a serve` stops. */
  private readonly abort = new AbortController();

  constructor(private readonly ctx: JobContext & { readonly store: T2aStore }) {}

  /** Starts a run of the job, recorded as started by the user; returns its id at once. */
  async start(job: string, options: { dryRun: boolean; user: string }): Promise<string> {
    const id = newRunId();
    // Written before the run begins, so that no page ever shows the run without who started it.
    await this.ctx.store.recordStarter(id, options.user);
    const live: Changing = {
      id,
      job,
      user: options.user,
      dryRun: options.dryRun,
      done: 0,
      total: 0,
      finished: undefined,
    };
    this.runs.set(id, live);
    const cancel = new AbortController();
    this.cancels.set(id, cancel);
    const logger = this.ctx.logger.child({ dashboardUser: options.user });
    const run = runSync(
      { ...this.ctx, logger },
      {
        jobs: [job],
        runId: id,
        dryRun: options.dryRun,
        trigger: 'manual',
        signal: AbortSignal.any([this.abort.signal, cancel.signal]),
        onProgress: ({ done, total }) => {
          live.done = done;
          live.total = total;
          this.emit(id, { type: 'progress', done, total });
        },
      },
    )
      .then((report) => report.outcome as string)
      .catch((error: unknown) => {
        logger.error({ err: (error as Error).message, runId: id }, 'dashboard run failed');
        return 'failed';
      })
      .then((outcome) => this.finish(live, outcome))
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return id;
  }

  /**
   * Stops a run started here between chunks: the chunks under way finish, no other starts, and the run
   * is recorded as abandoned (the next run resumes). False when it is not a run of this dashboard or it
   * is over.
   */
  cancel(id: string, user: string): boolean {
    const live = this.runs.get(id);
    const cancel = this.cancels.get(id);
    if (!live || live.finished || !cancel) return false;
    this.ctx.logger.info({ runId: id, job: live.job, user }, 'run cancelled from the dashboard');
    cancel.abort(
      new T2aError(
        'aborted',
        `Job "${live.job}" was cancelled from the dashboard by ${user}; it stopped between chunks.`,
        {
          fix: 'Nothing is lost: values already delivered stay, and the next run sends what this one did not.',
        },
      ),
    );
    return true;
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

  /** Whether the run was started here and is still going. */
  isGoing(id: string): boolean {
    const live = this.runs.get(id);
    return live !== undefined && live.finished === undefined;
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

  private finish(live: Changing, outcome: string): void {
    live.finished = outcome;
    this.cancels.delete(live.id);
    this.emit(live.id, { type: 'finished', outcome });
    this.listeners.delete(live.id);
    setTimeout(() => this.runs.delete(live.id), KEPT_MS).unref();
  }

  private emit(id: string, event: LiveEvent): void {
    for (const listener of this.listeners.get(id) ?? []) listener(event);
  }
}
