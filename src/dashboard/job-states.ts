import { Cron } from 'croner';
import type { JobConfig } from '../config/schema.ts';
import { getSystemInfo } from '../dhis2/system.ts';
import type { JobContext } from '../jobs/context.ts';
import { analyticsAge } from '../jobs/resolve-job.ts';
import { validateLive } from '../jobs/validate-live.ts';
import type { T2aStore } from '../store/types.ts';
import type { JobState } from './api-types.ts';
import { Remembered } from './remembered.ts';
import type { RunViews } from './run-views.ts';

const ANALYTICS_MS = 60_000;
const CHECKING = { checking: true } as const;

const VALIDATION_MS = 5 * 60_000;

/** What the Jobs page shows, gathered from the store, the sources and the live runs. */
export class JobStates {
  private readonly analytics = new Remembered<JobState['analytics']>(ANALYTICS_MS);
  private readonly validations = new Remembered<JobState['validation']>(VALIDATION_MS);

  constructor(
    private readonly ctx: JobContext & { readonly store: T2aStore },
    private readonly views: RunViews,
  ) {}

  /** A mapping was written: the job's validation is read again. */
  mappingChanged(job: string): void {
    this.validations.forget(job);
  }

  all(): Promise<JobState[]> {
    return Promise.all(this.ctx.config.config.jobs.map((job) => this.of(job)));
  }

  private async of(job: JobConfig): Promise<JobState> {
    const timeZone = this.ctx.config.config.serve.timeZone;
    const [[lastRun], running] = await Promise.all([
      this.views.summaries(await this.ctx.store.runs({ job: job.name, last: 1 }), false),
      this.views.runningNow(job.name),
    ]);
    return {
      name: job.name,
      source: job.source,
      targets: job.targets.map((target) => target.connection),
      schedule: job.schedule,
      nextRun: job.schedule
        ? new Cron(job.schedule, { timezone: timeZone, paused: true }).nextRun()?.toISOString()
        : undefined,
      timeZone,
      lastRun,
      analytics: this.analytics.peek(job.name, () => this.analyticsOf(job)) ?? CHECKING,
      validation: this.validations.peek(job.name, () => this.validationOf(job)) ?? CHECKING,
      running,
    };
  }

  private async analyticsOf(job: JobConfig): Promise<JobState['analytics']> {
    const mode = job.analytics.mode;
    if (mode === 'off') return { mode };
    try {
      const info = await getSystemInfo(this.ctx.clients.client(job.source));
      return { mode, ageHours: analyticsAge(info), maxAgeHours: job.analytics.maxAgeHours };
    } catch (error) {
      return {
        mode,
        ageHours: undefined,
        maxAgeHours: job.analytics.maxAgeHours,
        problem: `${job.source} could not be asked: ${(error as Error).message}`,
      };
    }
  }

  private async validationOf(job: JobConfig): Promise<JobState['validation']> {
    try {
      const report = await validateLive(this.ctx, [job.name]);
      return { errors: report.errors, warnings: report.warnings };
    } catch (error) {
      return { failed: (error as Error).message };
    }
  }
}
