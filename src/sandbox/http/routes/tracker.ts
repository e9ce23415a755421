import { Hono } from 'hono';
import type { SandboxContext } from '../../context.ts';
import { importTracker, type TrackerPayload } from '../../tracker/tracker-import.ts';
import { atLeast } from '../../version.ts';
import type { SandboxEnv } from '../env.ts';
import { webMessage } from '../web-message.ts';

/**
 * `POST /api/tracker`. Before 2.41 it runs asynchronously unless `async=false` (the answer is then a job
 * reference); from 2.41 it answers synchronously by default. The import report answers 200, or 409 on
 * ERROR (`TrackerImportController`).
 */
export function trackerRoutes(ctx: SandboxContext): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.post('/tracker', async (c) => {
    const payload = (await c.req.json()) as TrackerPayload;
    const strategy = (c.req.query('importStrategy') ?? 'CREATE_AND_UPDATE').toUpperCase();
    const asyncDefault = !atLeast(ctx.version, 41);
    const runAsync =
      c.req.query('async') === undefined ? asyncDefault : c.req.query('async') === 'true';
    const report = importTracker(ctx, c.get('user'), payload, strategy);
    if (runAsync) {
      return c.json(
        webMessage(200, 'OK', 'Tracker job added', {
          response: {
            responseType: 'TrackerJob',
            id: `T${Date.now().toString(36)}`,
            location: `${ctx.baseUrl()}/api/tracker/jobs`,
          },
        }),
      );
    }
    return c.json(
      {
        ...report,
        bundleReport: { status: report.status, typeReportMap: {}, stats: report.stats },
      },
      report.status === 'ERROR' ? 409 : 200,
    );
  });
  return app;
}
