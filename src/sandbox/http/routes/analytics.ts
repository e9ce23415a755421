import { Hono } from 'hono';
import {
  hasAnalytics,
  startAnalyticsJob,
  taskNotifications,
  taskNotificationsByJob,
} from '../../analytics/analytics-job.ts';
import { evaluateDataValueSet } from '../../analytics/data-value-set.ts';
import { AnalyticsQueryError, parseDataValueSetQuery } from '../../analytics/query.ts';
import type { SandboxContext } from '../../context.ts';
import { readSystemState } from '../../db/schema.ts';
import { atLeast } from '../../version.ts';
import { hasAuthority, type SandboxEnv, type SandboxHttpContext } from '../env.ts';
import { conflict, forbidden, webMessage } from '../web-message.ts';
import { dhis2DateTime } from './system.ts';

const CSV_HEADER =
  'data_element,period,organisation_unit,category_option_combo,attribute_option_combo,value,stored_by,created,last_updated,comment,follow_up';
const csvCell = (value: unknown) => {
  const text = value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Analytics tables, their job's notifications, and `/api/analytics/dataValueSet`. */
export function analyticsRoutes(ctx: SandboxContext): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  let jobCount = 0;

  // ResourceTableController: needs F_PERFORM_MAINTENANCE; answers with the job configuration.
  const startJob = (c: SandboxHttpContext) => {
    if (!hasAuthority(c.get('user'), 'F_PERFORM_MAINTENANCE'))
      return c.json(forbidden('Access is denied'), 403);
    const flag = (name: string) => c.req.query(name) === 'true';
    const lastYears = c.req.query('lastYears');
    const id = startAnalyticsJob(ctx, {
      skipEvents: flag('skipEvents'),
      skipEnrollment: flag('skipEnrollment'),
      lastYears: lastYears ? Number(lastYears) : undefined,
    });
    jobCount += 1;
    const name = atLeast(ctx.version, 41)
      ? `ANALYTICS_TABLE (${jobCount})`
      : 'inMemoryAnalyticsJob';
    c.header('Location', '/system/tasks/ANALYTICS_TABLE');
    return c.json(
      webMessage(200, 'OK', `Initiated ${name}`, {
        response: {
          responseType: 'JobConfiguration',
          name,
          id,
          created: dhis2DateTime(ctx.clock.now()),
          jobType: 'ANALYTICS_TABLE',
          jobStatus: 'RUNNING',
          jobParameters: { lastYears: lastYears ? Number(lastYears) : 0 },
          relativeNotifierEndpoint: `/api/system/tasks/ANALYTICS_TABLE/${id}`,
        },
      }),
    );
  };
  app.post('/resourceTables/analytics', startJob);
  app.put('/resourceTables/analytics', startJob);

  app.get('/system/tasks/:type/:id', (c) =>
    c.json(taskNotifications(ctx, c.req.param('type').toUpperCase(), c.req.param('id'))),
  );
  app.get('/system/tasks/:type', (c) =>
    c.json(taskNotificationsByJob(ctx, c.req.param('type').toUpperCase())),
  );
  // The analytics job keeps no summary (empty 200); an asynchronous data import keeps its import summary.
  app.get('/system/taskSummaries/:type/:id', (c) => {
    const summary = readSystemState(
      ctx.db,
      `taskSummary:${c.req.param('type').toUpperCase()}:${c.req.param('id')}`,
    );
    return summary ? c.json(JSON.parse(summary)) : c.body(null, 200);
  });

  const dataValueSet = (format: 'json' | 'csv') => (c: SandboxHttpContext) => {
    const params = new URL(c.req.url).searchParams;
    try {
      const query = parseDataValueSetQuery(ctx, c.get('user'), params);
      if (!hasAnalytics(ctx)) {
        // 2.42 maps the missing-table SQL error to E7144; older versions answer with no data.
        if (atLeast(ctx.version, 42))
          throw new AnalyticsQueryError(
            'Query failed because a referenced table does not exist. Please ensure analytics job was run',
            'E7144',
          );
        return format === 'json' ? c.json({ dataValues: [] }) : c.text(`${CSV_HEADER}\n`);
      }
      const values = evaluateDataValueSet(ctx, query);
      if (format === 'json') return c.json({ dataValues: values });
      const lines = values.map((v) =>
        [
          v.dataElement,
          v.period,
          v.orgUnit,
          v.categoryOptionCombo,
          v.attributeOptionCombo,
          v.value,
          v.storedBy,
          v.created,
          v.lastUpdated,
          v.comment,
          v.followup,
        ]
          .map(csvCell)
          .join(','),
      );
      return c.body(`${CSV_HEADER}\n${lines.join('\n')}\n`, 200, {
        'content-type': 'application/csv; charset=UTF-8',
      });
    } catch (error) {
      if (error instanceof AnalyticsQueryError)
        return c.json(conflict(error.message, error.errorCode), 409);
      throw error;
    }
  };
  app.get('/analytics/dataValueSet.json', dataValueSet('json'));
  // The CSV rendering exists from 2.40 (api-notes §1.1).
  app.get('/analytics/dataValueSet.csv', (c) =>
    atLeast(ctx.version, 40)
      ? dataValueSet('csv')(c)
      : c.json(webMessage(404, 'ERROR', 'Not found'), 404),
  );
  return app;
}
