import { Hono } from 'hono';
import type { SandboxContext } from '../../context.ts';
import type { ImportParams, ImportStrategy } from '../../tracker/import-context.ts';
import {
  parseReportMode,
  renderImportReport,
  reportHttpStatus,
} from '../../tracker/import-report.ts';
import { exportTracker } from '../../tracker/tracker-export.ts';
import { importTracker, type TrackerPayload } from '../../tracker/tracker-import.ts';
import {
  recordTrackerJob,
  trackerJobNotifications,
  trackerJobOutcome,
} from '../../tracker/tracker-jobs.ts';
import { atLeast } from '../../version.ts';
import type { SandboxEnv } from '../env.ts';
import { badRequest, notFound, webMessage } from '../web-message.ts';

/**
 * `/api/tracker` (`TrackerImportController`, the export controllers). `POST` runs as a job unless
 * `async=false` in every version: 2.36–2.41 map the synchronous handler to `params = "async=false"`
 * (@2.36.13 L90-L137, @2.41.9 L110-L177), 2.42+ read `async` with default true (`ImportRequestParams`
 * @2.42.5 L78). A synchronous import answers its report, 200 or 409 on ERROR; a job answers "Tracker
 * job added" and its report waits at `/tracker/jobs/{id}/report`.
 */
export function trackerRoutes(ctx: SandboxContext): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.post('/tracker', async (c) => {
    let payload: TrackerPayload;
    try {
      payload = (await c.req.json()) as TrackerPayload;
    } catch {
      return c.json(
        badRequest('Unable to parse the request body as a tracker import payload.'),
        400,
      );
    }
    const params: ImportParams = {
      strategy: importStrategy(c.req.query('importStrategy')),
      atomicMode: c.req.query('atomicMode')?.toUpperCase() === 'OBJECT' ? 'OBJECT' : 'ALL',
    };
    const outcome = importTracker(ctx, c.get('user'), payload, params);
    if (c.req.query('async') !== 'false') {
      const id = recordTrackerJob(ctx, outcome, c.get('user').username);
      const location = `${ctx.baseUrl()}/api/tracker/jobs/${id}`;
      c.header('Location', location);
      return c.json(
        webMessage(200, 'OK', 'Tracker job added', {
          response: { responseType: 'TrackerJob', id, location },
        }),
      );
    }
    const mode = parseReportMode(c.req.query('reportMode'));
    return c.json(renderImportReport(ctx.version, outcome, mode), reportHttpStatus(outcome));
  });
  app.get('/tracker/jobs/:id', (c) => c.json(trackerJobNotifications(ctx, c.req.param('id'))));
  app.get('/tracker/jobs/:id/report', (c) => {
    const id = c.req.param('id');
    const outcome = trackerJobOutcome(ctx, id);
    if (!outcome) {
      const message = atLeast(ctx.version, 42)
        ? `Summary for job ${id} does not exist`
        : `Object not found for uid: ${id}`;
      return c.json(notFound(message), 404);
    }
    const mode = parseReportMode(c.req.query('reportMode'));
    return c.json(renderImportReport(ctx.version, outcome, mode));
  });
  for (const key of ['events', 'enrollments', 'trackedEntities'] as const)
    app.get(`/tracker/${key}`, (c) => {
      const answer = exportTracker(ctx, c.get('user'), key, new URL(c.req.url));
      return c.json(answer.body as object, answer.status as 200);
    });
  return app;
}

function importStrategy(value: string | undefined): ImportStrategy {
  const strategy = (value ?? 'CREATE_AND_UPDATE').toUpperCase();
  return strategy === 'CREATE' || strategy === 'UPDATE' || strategy === 'DELETE'
    ? strategy
    : 'CREATE_AND_UPDATE';
}
