import { type LockView, staleLockReason, type ThisProcess } from '../core/job-lock.ts';
import type { JobReport } from '../core/report.ts';
import type { JobContext } from '../jobs/context.ts';
import { thisProcess } from '../jobs/job-lock.ts';
import type { LockHolder, RunRecord, T2aStore } from '../store/types.ts';
import type { Names, RunningNow, RunSummary, RunView } from './api-types.ts';
import type { LiveRuns } from './live-runs.ts';
import { type JobNames, namesOf, periodNames } from './names.ts';

/** Who started a run, as the pages say it: the dashboard user, the scheduler, or the command line. */
export const startedBy = (
  run: Pick<RunRecord, 'id' | 'trigger'>,
  starters: ReadonlyMap<string, string>,
): string => starters.get(run.id) ?? (run.trigger === 'schedule' ? 'schedule' : 'command line');

/**
 * Why a run the history calls running has in fact stopped, or undefined while it may be going. A run
 * holds its job's lock from before its row is written until after it is finished, so a running row
 * without its lock, or with a lock whose holder is dead or silent (core/job-lock.ts), is a run whose
 * process died: killed, out of memory, a reboot.
 */
export function deadBecause(
  run: Pick<RunRecord, 'id' | 'status'>,
  holder: (LockView & { readonly runId: string }) | undefined,
  now: Date,
  here: ThisProcess,
): string | undefined {
  if (run.status !== 'running') return undefined;
  if (holder?.runId !== run.id)
    return 'it no longer holds its job’s lock: its process stopped without finishing it';
  return staleLockReason(holder, now, here);
}

/** The run's ids the run page names: periods, org units and data elements of its report and deletions. */
function idsOf(report: JobReport | undefined, deletions: RunDeletions) {
  const periods = new Set(report?.periods ?? []);
  const orgUnits = new Set<string>();
  const dataElements = new Set<string>();
  const add = (value: { period: string; orgUnit: string; dataElement: string }) => {
    periods.add(value.period);
    orgUnits.add(value.orgUnit);
    dataElements.add(value.dataElement);
  };
  for (const target of report?.targets ?? []) {
    for (const key of Object.keys(target.plan.byDataElementPeriod)) {
      const [dataElement = '', period = ''] = key.split(' ');
      dataElements.add(dataElement);
      periods.add(period);
    }
    const { samples } = target.plan;
    for (const value of [...samples.create, ...samples.stale]) add(value);
    for (const { value } of samples.update) add(value);
    for (const { held } of samples.heldByOthers ?? []) add(held);
  }
  for (const chunk of report?.exports?.timings?.slowest ?? [])
    for (const period of chunk.periods) periods.add(period);
  for (const { value } of deletions) add(value);
  return { periods, orgUnits, dataElements };
}

type RunDeletions = readonly {
  readonly value: { period: string; orgUnit: string; dataElement: string };
}[];

/** A run's view, and the status it is shown with (abandoned where its process died). */
type Shown = RunView & { readonly status: RunRecord['status'] };

/** The history as the pages show it: who started each run, the dead ones, names beside ids. */
export class RunViews {
  constructor(
    private readonly ctx: JobContext & { readonly store: T2aStore },
    private readonly live: LiveRuns,
    private readonly names: JobNames,
  ) {}

  /**
   * Runs for a list; `named: false` leaves out period names, which may wait for the source (the Jobs
   * page must answer at once even when a source hangs).
   */
  async summaries(runs: readonly RunRecord[], named = true): Promise<RunSummary[]> {
    const shown = await this.views(runs, named);
    return runs.map(({ report: _report, ...run }, index) => ({ ...run, ...shown[index]! }));
  }

  async detail(run: RunRecord): Promise<RunRecord & RunView> {
    const [shown] = await this.views([run], true);
    return { ...run, ...shown! };
  }

  /** The names of the ids on a run's page. */
  async namesFor(run: RunRecord | undefined, deletions: RunDeletions, job: string): Promise<Names> {
    return namesOf(await this.names.of(job), idsOf(run?.report, deletions));
  }

  /** A run of the job going on now: started here, or holding the job's lock from a live process. */
  async runningNow(job: string): Promise<RunningNow | undefined> {
    const here = this.live.runningFor(job);
    if (here) return { id: here, startedBy: this.live.get(here)?.user ?? '', cancellable: true };
    const holder = await this.ctx.store.lockHolder(job);
    if (!holder || staleLockReason(holder, new Date(), thisProcess())) return undefined;
    const run = await this.ctx.store.run(holder.runId);
    const starters = await this.ctx.store.starters([holder.runId]);
    return {
      id: holder.runId,
      startedBy: run ? startedBy(run, starters) : 'another process',
      cancellable: false,
    };
  }

  private async views(runs: readonly RunRecord[], named: boolean): Promise<Shown[]> {
    const starters = await this.ctx.store.starters(runs.map((run) => run.id));
    const jobs = [...new Set(runs.map((run) => run.job))];
    const holders = new Map<string, LockHolder | undefined>();
    for (const job of jobs.filter((j) => runs.some((r) => r.job === j && r.status === 'running')))
      holders.set(job, await this.ctx.store.lockHolder(job));
    const calendars = new Map(
      named
        ? await Promise.all(
            jobs.map(async (job) => [job, (await this.names.of(job)).calendar] as const),
          )
        : [],
    );
    const [now, here] = [new Date(), thisProcess()];
    return runs.map((run) => {
      const dead = this.live.isGoing(run.id)
        ? undefined
        : deadBecause(run, holders.get(run.job), now, here);
      return {
        status: dead ? 'abandoned' : run.status,
        startedBy: startedBy(run, starters),
        dead,
        periodNames: periodNames(run.periods, calendars.get(run.job)),
      };
    });
  }
}
