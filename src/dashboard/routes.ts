import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { isT2aError } from '../core/errors.ts';
import { mappingFromCsv, mappingToCsv } from '../core/mapping-table.ts';
import {
  type CompareOutcome,
  compareJob,
  comparisonPeriods,
  comparisonReport,
} from '../jobs/compare.ts';
import { applyMapping, exportMapping } from '../jobs/mapping.ts';
import { findJob, resolveJob } from '../jobs/resolve-job.ts';
import { restoreRun } from '../jobs/restore.ts';
import { validateLive } from '../jobs/validate-live.ts';
import type {
  MappingState,
  MappingUpload,
  Outcome,
  RestoreAnswer,
  RunDetail,
  RunSummary,
  TransitionState,
} from './api-types.ts';
import { summaryOf } from './job-states.ts';
import type { DashboardParts } from './parts.ts';
import { Remembered } from './remembered.ts';
import type { DashboardEnv } from './security.ts';

type App = Hono<DashboardEnv>;
const RUNS_SHOWN = 200;

const failure = (error: unknown) => ({
  ok: false as const,
  error: (error as Error).message,
  fix: isT2aError(error) ? error.fix : undefined,
});

const userOf = (c: Context<DashboardEnv>) => c.get('session').user;

function jobRoutes(app: App, parts: DashboardParts): void {
  app.get('/api/jobs', async (c) => c.json(await parts.states.all()));
  app.post('/api/jobs/:job/run', async (c) => {
    const job = findJob(parts.ctx, c.req.param('job')).name;
    const { dryRun } = (await c.req.json().catch(() => ({}))) as { dryRun?: unknown };
    const user = userOf(c) ?? '';
    const id = parts.live.start(job, { dryRun: dryRun === true, user });
    parts.ctx.logger.info(
      { job, runId: id, user, dryRun: dryRun === true },
      'run started from the dashboard',
    );
    return c.json({ runId: id });
  });
}

function runRoutes(app: App, parts: DashboardParts): void {
  const { store } = parts.ctx;
  app.get('/api/runs', async (c) => {
    const job = c.req.query('job') || undefined;
    const status = c.req.query('status') || undefined;
    const runs: RunSummary[] = (await store.runs({ job, last: status ? undefined : RUNS_SHOWN }))
      .filter((run) => !status || run.status === status)
      .slice(0, RUNS_SHOWN)
      .map(summaryOf);
    return c.json(runs);
  });
  app.get('/api/runs/:id', async (c) => {
    const id = c.req.param('id');
    const run = await store.run(id);
    const live = parts.live.get(id);
    if (!run && !live) return c.json({ error: `No run "${id}" in the history.` }, 404);
    const detail: RunDetail = { run, live, deletions: run ? await store.ledger.deletions(id) : [] };
    return c.json(detail);
  });
  app.get('/api/runs/:id/events', (c) => {
    const id = c.req.param('id');
    return streamSSE(c, async (stream) => {
      const live = parts.live.get(id);
      if (!live || live.finished) {
        await stream.writeSSE({
          event: 'finished',
          data: JSON.stringify({ outcome: live?.finished ?? 'unknown' }),
        });
        return;
      }
      await new Promise<void>((resolve) => {
        const stop = parts.live.watch(id, (event) => {
          // A page that went away is heard as an abort; a write that fails means the same.
          stream
            .writeSSE({ event: event.type, data: JSON.stringify(event) })
            .catch(() => stream.abort());
          if (event.type === 'finished') resolve();
        });
        stream.onAbort(() => {
          stop();
          resolve();
        });
      });
    });
  });
  app.post('/api/runs/:id/restore', async (c) => {
    const id = c.req.param('id');
    let answer: RestoreAnswer;
    try {
      const result = await restoreRun(parts.ctx, id, false);
      parts.ctx.logger.info(
        { runId: id, user: userOf(c), values: result.values },
        'restored from the dashboard',
      );
      answer = { ok: true, result };
    } catch (error) {
      answer = failure(error);
    }
    return c.json(answer);
  });
}

function mappingRoutes(app: App, parts: DashboardParts): void {
  const named = (job: string) => findJob(parts.ctx, job).name;
  app.get('/api/mapping/:job', async (c) => {
    const job = named(c.req.param('job'));
    const [rows, validation] = await Promise.all([
      exportMapping(parts.ctx, job),
      validateLive(parts.ctx, [job]),
    ]);
    const state: MappingState = { rows, findings: validation.jobs.flatMap((j) => j.findings) };
    return c.json(state);
  });
  app.get('/api/mapping/:job/csv', async (c) => {
    const job = named(c.req.param('job'));
    return c.body(mappingToCsv(await exportMapping(parts.ctx, job)), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="t2a-mapping-${job}.csv"`,
    });
  });
  app.post('/api/mapping/:job', async (c) => {
    const job = named(c.req.param('job'));
    const body = await c.req.parseBody();
    const file = body.file;
    let answer: MappingUpload;
    try {
      if (!(file instanceof File) || file.size === 0)
        throw new Error('No file was chosen: choose the edited mapping CSV.');
      const edited = mappingFromCsv(await file.text(), file.name);
      const applied = await applyMapping(parts.ctx, edited, { job, dryRun: body.apply !== 'true' });
      if (applied.written > 0) parts.states.mappingChanged(job);
      parts.ctx.logger.info(
        { job, user: userOf(c), written: applied.written, refused: applied.refused.length },
        'mapping uploaded',
      );
      answer = { ok: true, applied };
    } catch (error) {
      answer = failure(error);
    }
    // A refusal is an answer the page shows, not a failed request.
    return c.json(answer);
  });
}

function transitionState(outcome: CompareOutcome): TransitionState {
  const { comparison, names, job } = outcome;
  return {
    periods: outcome.periods,
    byPeriod: comparison.byPeriod,
    ready: comparison.streaks
      .filter((streak) => streak.periods >= job.compare.agreeFor)
      .map((streak) => ({ ...streak, name: names.get(streak.orgUnit) ?? streak.orgUnit })),
    tolerance: job.compare.tolerance,
    agreeFor: job.compare.agreeFor,
    ownValuesLeftOut: outcome.ownValuesLeftOut,
  };
}

function transitionRoutes(app: App, parts: DashboardParts): void {
  // A comparison reads both instances: kept a minute, so the page and its report share one.
  const comparisons = new Remembered<CompareOutcome>(60_000);
  const compare = (job: string) =>
    comparisons.get(job, async () => {
      const periods = await comparisonPeriods(parts.ctx, job, []);
      return compareJob(parts.ctx, await resolveJob(parts.ctx, job, { periods, dryRun: true }));
    });
  app.get('/api/transition/:job', async (c) => {
    const job = findJob(parts.ctx, c.req.param('job')).name;
    let answer: Outcome<{ state: TransitionState }>;
    try {
      answer = { ok: true, state: transitionState(await compare(job)) };
    } catch (error) {
      answer = failure(error);
    }
    return c.json(answer);
  });
  app.get('/api/transition/:job/report', async (c) => {
    const job = findJob(parts.ctx, c.req.param('job')).name;
    // One self-contained file with its chart library inline: inline code only, nothing from elsewhere.
    return c.body(comparisonReport(await compare(job)), 200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy':
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'",
    });
  });
}

/** The JSON API of the four sections: Jobs, Runs, Mapping, Transition. */
export function apiRoutes(app: App, parts: DashboardParts): void {
  jobRoutes(app, parts);
  runRoutes(app, parts);
  mappingRoutes(app, parts);
  transitionRoutes(app, parts);
}
