import type { Hono } from 'hono';
import { mappingFromCsv, mappingToCsv } from '../core/mapping-table.ts';
import {
  type CompareOutcome,
  compareJob,
  comparisonPeriods,
  comparisonReport,
} from '../jobs/compare.ts';
import { applyMapping, exportMapping } from '../jobs/mapping.ts';
import { readJobMappingFile } from '../jobs/mapping-file.ts';
import { findJob, resolveJob } from '../jobs/resolve-job.ts';
import { validateLive } from '../jobs/validate-live.ts';
import type { MappingState, MappingUpload, Outcome, TransitionState } from './api-types.ts';
import { explainRoutes } from './explain-routes.ts';
import { periodNames } from './names.ts';
import type { DashboardParts } from './parts.ts';
import { Remembered } from './remembered.ts';
import { failure, runRoutes, userOf } from './run-routes.ts';
import type { DashboardEnv } from './security.ts';

type App = Hono<DashboardEnv>;

function jobRoutes(app: App, parts: DashboardParts): void {
  app.get('/api/jobs', async (c) => c.json(await parts.states.all()));
  app.post('/api/jobs/:job/run', async (c) => {
    const job = findJob(parts.ctx, c.req.param('job')).name;
    const { dryRun } = (await c.req.json().catch(() => ({}))) as { dryRun?: unknown };
    // The page disables its buttons while a run goes; a second tab or a late click is answered here,
    // rather than recorded as a run that did not start.
    const running = await parts.views.runningNow(job);
    if (running)
      return c.json(
        {
          error: `Job "${job}" is already running (run ${running.id}, started by ${running.startedBy}): wait for it to finish${running.cancellable ? ', or cancel it' : ''}.`,
        },
        409,
      );
    const user = userOf(c);
    const id = await parts.live.start(job, { dryRun: dryRun === true, user });
    parts.ctx.logger.info(
      { job, runId: id, user, dryRun: dryRun === true },
      'run started from the dashboard',
    );
    return c.json({ runId: id });
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
    const state: MappingState = {
      rows,
      findings: validation.jobs.flatMap((j) => j.findings),
      mappingFile: readJobMappingFile(parts.ctx, job),
    };
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

/** The largest differences the Transition page lists, each opening its explanation. */
const DIFFERENCES_SHOWN = 50;

function transitionState(outcome: CompareOutcome, calendar: string | undefined): TransitionState {
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
    shadowSuffix: job.shadow?.suffix,
    manualValues: comparison.rows.filter((row) => row.manual !== undefined).length,
    trackerValues: comparison.rows.filter((row) => row.tracker !== undefined).length,
    periodNames: periodNames(outcome.periods, calendar),
    differences: comparison.rows
      .filter((row) => row.status !== 'agree')
      // Numbers that differ first, largest first; then values one side lacks.
      .sort((a, b) => Math.abs(b.difference ?? -1) - Math.abs(a.difference ?? -1))
      .slice(0, DIFFERENCES_SHOWN)
      .map((row) => ({
        ...row,
        name: names.get(row.orgUnit) ?? row.orgUnit,
        deliveredDataElement: `${row.dataElement}${job.shadow?.suffix ?? ''}`,
      })),
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
      const [outcome, naming] = await Promise.all([compare(job), parts.names.of(job)]);
      answer = { ok: true, state: transitionState(outcome, naming.calendar) };
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

/** The JSON API of the four sections (Jobs, Runs, Mapping, Transition) and of explanations. */
export function apiRoutes(app: App, parts: DashboardParts): void {
  jobRoutes(app, parts);
  runRoutes(app, parts);
  mappingRoutes(app, parts);
  transitionRoutes(app, parts);
  explainRoutes(app, parts);
}
