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
import type { RunRecord } from '../store/types.ts';
import type { DashboardParts } from './app.ts';
import type { Html } from './html.ts';
import { jobsPage } from './pages/jobs.ts';
import { type MappingView, mappingPage } from './pages/mapping.ts';
import { notice } from './pages/parts.ts';
import { runPage, runsPage } from './pages/runs.ts';
import { transitionPage } from './pages/transition.ts';
import type { DashboardEnv } from './security.ts';

type App = Hono<DashboardEnv>;
const RUNS_SHOWN = 200;

const jobNames = (parts: DashboardParts) => parts.ctx.config.config.jobs.map((job) => job.name);

function jobRoutes(app: App, parts: DashboardParts): void {
  app.get('/', (c) => c.redirect('/jobs', 303));
  app.get('/jobs', async (c) => {
    const states = await parts.states.all();
    return c.html(parts.render(c, 'Jobs', 'jobs', (frame) => jobsPage(frame, states)));
  });
  app.post('/jobs/:job/run', async (c) => {
    const job = findJob(parts.ctx, c.req.param('job')).name;
    const body = await c.req.parseBody();
    const user = c.get('session').user ?? '';
    const id = parts.live.start(job, { dryRun: body.dryRun === 'true', user });
    parts.ctx.logger.info(
      { job, runId: id, user, dryRun: body.dryRun === 'true' },
      'run started from the dashboard',
    );
    return c.redirect(`/runs/${id}`, 303);
  });
}

function runRoutes(app: App, parts: DashboardParts): void {
  const { store } = parts.ctx;
  app.get('/runs', async (c) => {
    const job = c.req.query('job') || undefined;
    const status = c.req.query('status') || undefined;
    const runs = (await store.runs({ job, last: status ? undefined : RUNS_SHOWN }))
      .filter((run) => !status || run.status === status)
      .slice(0, RUNS_SHOWN);
    return c.html(
      parts.render(c, 'Runs', 'runs', runsPage(runs, jobNames(parts), { job, status })),
    );
  });
  const showRun = async (c: Context<DashboardEnv>, id: string, message?: Html) => {
    const run: RunRecord | undefined = await store.run(id);
    const live = parts.live.get(id);
    if (!run && !live) {
      const missing = notice(
        'error',
        `No run "${id}" in the history`,
        'Pick one from the Runs page.',
      );
      return c.html(parts.render(c, 'Run not found', 'runs', missing), 404);
    }
    const deletions = run ? await store.ledger.deletions(id) : [];
    const view = { runId: id, run, live, deletions, message };
    return c.html(parts.render(c, `Run ${id}`, 'runs', (frame) => runPage(frame, view)));
  };
  app.get('/runs/:id', (c) => showRun(c, c.req.param('id')));
  app.get('/runs/:id/events', (c) => {
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
          void stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
          if (event.type === 'finished') resolve();
        });
        stream.onAbort(() => {
          stop();
          resolve();
        });
      });
    });
  });
  app.post('/runs/:id/restore', async (c) => {
    const id = c.req.param('id');
    const result = await restoreRun(parts.ctx, id, false);
    parts.ctx.logger.info(
      { runId: id, user: c.get('session').user, values: result.values },
      'restored from the dashboard',
    );
    const taken = result.targets
      .map(
        (target) => `${target.target}: ${target.taken ?? 'unknown'} of ${target.values} taken back`,
      )
      .join('; ');
    return showRun(
      c,
      id,
      notice('valid', `Restored the ${result.values} value(s) run ${id} deleted`, taken),
    );
  });
}

async function mappingView(
  parts: DashboardParts,
  job: string,
  extra: Partial<MappingView> = {},
): Promise<MappingView> {
  const [rows, validation] = await Promise.all([
    exportMapping(parts.ctx, job),
    validateLive(parts.ctx, [job]),
  ]);
  return {
    jobs: jobNames(parts),
    job,
    rows,
    findings: validation.jobs.flatMap((j) => j.findings),
    ...extra,
  };
}

function mappingRoutes(app: App, parts: DashboardParts): void {
  const chosen = (job: string | undefined) => findJob(parts.ctx, job || jobNames(parts)[0]!).name;
  app.get('/mapping', async (c) => {
    const view = await mappingView(parts, chosen(c.req.query('job')));
    return c.html(parts.render(c, 'Mapping', 'mapping', (frame) => mappingPage(frame, view)));
  });
  app.get('/mapping/:file{.+\\.csv}', async (c) => {
    const job = chosen(c.req.param('file').replace(/\.csv$/, ''));
    return c.body(mappingToCsv(await exportMapping(parts.ctx, job)), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="t2a-mapping-${job}.csv"`,
    });
  });
  app.post('/mapping/:job', async (c) => {
    const job = chosen(c.req.param('job'));
    const body = await c.req.parseBody();
    const file = body.file;
    const name = file instanceof File ? file.name : 'the upload';
    let extra: Partial<MappingView>;
    try {
      if (!(file instanceof File) || file.size === 0)
        throw new Error('No file was chosen: choose the edited mapping CSV.');
      const edited = mappingFromCsv(await file.text(), name);
      const applied = await applyMapping(parts.ctx, edited, { job, dryRun: body.apply !== 'true' });
      if (applied.written > 0) parts.states.mappingChanged(job);
      parts.ctx.logger.info(
        {
          job,
          user: c.get('session').user,
          written: applied.written,
          refused: applied.refused.length,
        },
        'mapping uploaded',
      );
      extra = { applied };
    } catch (error) {
      extra = {
        uploadError: {
          message: (error as Error).message,
          fix: isT2aError(error) ? error.fix : undefined,
        },
      };
    }
    const view = await mappingView(parts, job, extra);
    // The page answers 200 either way: a refusal is read on the page, as a form's error is.
    return c.html(parts.render(c, 'Mapping', 'mapping', (frame) => mappingPage(frame, view)));
  });
}

function transitionRoutes(app: App, parts: DashboardParts): void {
  const comparisons = new Map<string, { at: number; outcome: Promise<CompareOutcome> }>();
  const compare = (job: string) => {
    const known = comparisons.get(job);
    if (known && Date.now() - known.at < 60_000) return known.outcome;
    const outcome = (async () => {
      const periods = await comparisonPeriods(parts.ctx, job, []);
      return compareJob(parts.ctx, await resolveJob(parts.ctx, job, { periods, dryRun: true }));
    })();
    comparisons.set(job, { at: Date.now(), outcome });
    outcome.catch(() => comparisons.delete(job));
    return outcome;
  };
  app.get('/transition', async (c) => {
    const job = findJob(parts.ctx, c.req.query('job') || jobNames(parts)[0]!).name;
    let view: Parameters<typeof transitionPage>[0];
    try {
      view = { jobs: jobNames(parts), job, outcome: await compare(job) };
    } catch (error) {
      view = {
        jobs: jobNames(parts),
        job,
        error: {
          message: (error as Error).message,
          fix: isT2aError(error) ? error.fix : undefined,
        },
      };
    }
    return c.html(parts.render(c, 'Transition', 'transition', transitionPage(view)));
  });
  app.get('/transition/:job/report', async (c) => {
    const job = findJob(parts.ctx, c.req.param('job')).name;
    // The report is one self-contained file with its chart library inline: only inline code, nothing else.
    return c.body(comparisonReport(await compare(job)), 200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy':
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'",
    });
  });
}

/** The four sections: Jobs, Runs, Mapping, Transition. */
export function pageRoutes(app: App, parts: DashboardParts): void {
  jobRoutes(app, parts);
  runRoutes(app, parts);
  mappingRoutes(app, parts);
  transitionRoutes(app, parts);
}
