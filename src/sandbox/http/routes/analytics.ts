import { Hono } from 'hono';
import { isAnalyticsJobRunning, startAnalyticsJob } from '../../analytics/analytics-job.ts';
import { evaluateDataValueSet } from '../../analytics/data-value-set.ts';
import { AnalyticsQueryError, AnalyticsRequestError } from '../../analytics/errors.ts';
import { evaluateGrid } from '../../analytics/grid.ts';
import {
  jobConfigurationReport,
  readAnalyticsJobRequest,
} from '../../analytics/job-configuration.ts';
import { parseAnalyticsQuery, parseDataValueSetQuery } from '../../analytics/query.ts';
import { evaluateRecordQuery } from '../../analytics/record-grid.ts';
import type { RecordEndpoint } from '../../analytics/record-query.ts';
import {
  dataValueSetCsv,
  dataValueSetJson,
  dataValueSetXml,
  webMessageXml,
} from '../../analytics/render.ts';
import {
  clearNotifications,
  taskNotifications,
  taskNotificationsByJob,
} from '../../analytics/task-notifications.ts';
import type { SandboxContext } from '../../context.ts';
import { readSystemState } from '../../db/schema.ts';
import { atLeast } from '../../version.ts';
import type { SandboxEnv, SandboxHttpContext } from '../env.ts';
import { type WebMessage, webMessage } from '../web-message.ts';

type Format = 'json' | 'xml' | 'csv';

/** Analytics tables and their job, job notifications, and `/api/analytics/dataValueSet`. */
export function analyticsRoutes(ctx: SandboxContext): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  // ResourceTableController.analytics, POST or PUT (F_PERFORM_MAINTENANCE: users/endpoint-authorities.ts).
  const startJob = (c: SandboxHttpContext) => {
    const request = readAnalyticsJobRequest(ctx.version, (name) => c.req.query(name));
    const { job, outcome } = startAnalyticsJob(ctx, request);
    const refused = outcome === 'refused';
    // WebMessage.setLocation from 2.41, made absolute with the API path (WebMessageControllerAdvice).
    if (atLeast(ctx.version, 41) && !refused) {
      const version = c.get('apiVersion');
      c.header(
        'Location',
        `${ctx.baseUrl()}/api${version ? `/${version}` : ''}/system/tasks/ANALYTICS_TABLE`,
      );
    }
    return c.json(jobConfigurationReport(ctx, job, refused), refused ? 409 : 200);
  };
  app.post('/resourceTables/analytics', startJob);
  app.put('/resourceTables/analytics', startJob);

  // SystemController: the job type is upper-cased (2.36–2.39) or bound as the JobType enum (2.40+).
  app.get('/system/tasks/:type/:id', (c) => {
    const type = c.req.param('type').toUpperCase();
    const id = c.req.param('id');
    const notifications = taskNotifications(ctx, type, id);
    const newest = notifications[0];
    // 2.42: a list whose job no longer runs is closed: its newest notification, marked completed.
    if (
      atLeast(ctx.version, 42) &&
      type === 'ANALYTICS_TABLE' &&
      newest &&
      !newest.completed &&
      !isAnalyticsJobRunning(ctx, id)
    ) {
      clearNotifications(ctx, type, id);
      return c.json([{ ...newest, completed: true }]);
    }
    return c.json(notifications);
  });
  app.get('/system/tasks/:type', (c) =>
    c.json(taskNotificationsByJob(ctx, c.req.param('type').toUpperCase())),
  );
  // The analytics job keeps no summary (empty 200); an asynchronous data import keeps its import summary.
  app.get('/system/taskSummaries/:type/:id', (c) => {
    const type = c.req.param('type').toUpperCase();
    const summary = readSystemState(ctx.db, `taskSummary:${type}:${c.req.param('id')}`);
    return summary ? c.json(JSON.parse(summary)) : c.body(null, 200);
  });

  // AnalyticsController.getJson: the grid of program indicator values, by dimensions and filters.
  const grid = (c: SandboxHttpContext) => {
    try {
      const user = c.get('user');
      const params = new URL(c.req.url).searchParams;
      const query = parseAnalyticsQuery(ctx, user, params);
      return c.json(evaluateGrid(ctx, user, query, params.get('skipMeta') === 'true'));
    } catch (error) {
      const message = errorMessage(error);
      if (!message) throw error;
      return c.json(message, message.httpStatusCode as 400);
    }
  };
  recordQueryRoutes(ctx, app);
  app.get('/analytics', grid);
  app.get('/analytics.json', grid);
  app.get('/analytics/dataValueSet.json', dataValueSet(ctx, 'json'));
  app.get('/analytics/dataValueSet.xml', dataValueSet(ctx, 'xml'));
  // The CSV rendering exists from 2.40 (AnalyticsController.getDataValueSetCsv).
  app.get('/analytics/dataValueSet.csv', (c) =>
    atLeast(ctx.version, 40)
      ? dataValueSet(ctx, 'csv')(c)
      : c.json(webMessage(404, 'ERROR', `Not found: ${new URL(c.req.url).pathname}`), 404),
  );
  return app;
}

/**
 * EventQueryController/EventAnalyticsController and EnrollmentAnalyticsController `getQueryJson`: the
 * events or enrollments of a programme, program indicators as columns (analytics/record-grid.ts).
 */
function recordQueryRoutes(ctx: SandboxContext, app: Hono<SandboxEnv>): void {
  const records = (endpoint: RecordEndpoint) => (c: SandboxHttpContext) => {
    try {
      const program = c.req.param('program')?.replace(/\.json$/, '') ?? '';
      const params = new URL(c.req.url).searchParams;
      return c.json(evaluateRecordQuery(ctx, c.get('user'), endpoint, program, params));
    } catch (error) {
      const message = errorMessage(error);
      if (!message) throw error;
      return c.json(message, message.httpStatusCode as 400);
    }
  };
  app.get('/analytics/events/query/:program', records('events'));
  app.get('/analytics/enrollments/query/:program', records('enrollments'));
}

/** `/api/analytics/dataValueSet` in one format; a query error answers as a WebMessage in it too. */
const dataValueSet = (ctx: SandboxContext, format: Format) => (c: SandboxHttpContext) => {
  try {
    const user = c.get('user');
    const query = parseDataValueSetQuery(ctx, user, new URL(c.req.url).searchParams);
    const values = evaluateDataValueSet(ctx, user, query);
    ctx.traffic.analyticsRows += values.length;
    if (format === 'json') return c.json(dataValueSetJson(values));
    if (format === 'xml')
      return c.body(dataValueSetXml(values), 200, { 'content-type': 'application/xml' });
    return c.body(dataValueSetCsv(values), 200, {
      'content-type': 'application/csv; charset=UTF-8',
    });
  } catch (error) {
    const message = errorMessage(error);
    if (!message) throw error;
    return format === 'xml'
      ? c.body(webMessageXml(message), message.httpStatusCode as 400, {
          'content-type': 'application/xml',
        })
      : c.json(message, message.httpStatusCode as 400);
  }
};

function errorMessage(error: unknown): WebMessage | undefined {
  if (error instanceof AnalyticsQueryError)
    return webMessage(409, 'ERROR', error.message, {
      errorCode: error.errorCode,
      ...(error.devMessage === undefined ? {} : { devMessage: error.devMessage }),
    });
  if (error instanceof AnalyticsRequestError)
    return webMessage(error.status, 'ERROR', error.message);
  return undefined;
}
