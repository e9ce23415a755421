import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { isT2aError } from '../core/errors.ts';
import { restoreRun } from '../jobs/restore.ts';
import type { RestoreAnswer, RunDetail } from './api-types.ts';
import { issuesCsv, valuesCsv } from './issues-csv.ts';
import type { DashboardParts } from './parts.ts';
import type { DashboardEnv } from './security.ts';

type App = Hono<DashboardEnv>;
const RUNS_SHOWN = 200;
/** How far back a filter by status looks. */
const RUNS_SEARCHED = 2000;

export const failure = (error: unknown) => ({
  ok: false as const,
  error: (error as Error).message,
  fix: isT2aError(error) ? error.fix : undefined,
});

export const userOf = (c: Context<DashboardEnv>) => c.get('session').user ?? '';

function historyRoutes(app: App, parts: DashboardParts): void {
  const { store } = parts.ctx;
  app.get('/api/runs', async (c) => {
    const job = c.req.query('job') || undefined;
    const status = c.req.query('status') || undefined;
    // Filtered as shown: a run recorded as running whose process died is listed as abandoned.
    const records = (await store.runs({ job, last: status ? RUNS_SEARCHED : RUNS_SHOWN })).filter(
      (run) => !status || run.status === status || run.status === 'running',
    );
    const runs = await parts.views.summaries(records.slice(0, RUNS_SHOWN * 2));
    return c.json(runs.filter((run) => !status || run.status === status).slice(0, RUNS_SHOWN));
  });
  app.get('/api/runs/:id', async (c) => {
    const id = c.req.param('id');
    const record = await store.run(id);
    const live = parts.live.get(id);
    if (!record && !live) return c.json({ error: `No run "${id}" in the history.` }, 404);
    const deletions = record ? await store.ledger.deletions(record.id) : [];
    const detail: RunDetail = {
      run: record && (await parts.views.detail(record)),
      live,
      deletions,
      names: await parts.views.namesFor(record, deletions, record?.job ?? live?.job ?? ''),
      cancellable: parts.live.isGoing(id),
    };
    return c.json(detail);
  });
  app.get('/api/runs/:id/issues.csv', async (c) => {
    const record = await store.run(c.req.param('id'));
    if (!record?.report) return c.json({ error: 'This run has no report: nothing to list.' }, 404);
    const values = await store.runValues.list(record.id);
    const csv = values.length > 0 ? valuesCsv(record.report, values) : issuesCsv(record.report);
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="t2a-${record.job}-${record.id}-withheld-and-refused.csv"`,
    });
  });
}

function liveRoutes(app: App, parts: DashboardParts): void {
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
  app.post('/api/runs/:id/cancel', (c) => {
    const id = c.req.param('id');
    if (parts.live.cancel(id, userOf(c))) return c.json({ ok: true });
    return c.json({
      ok: false,
      error: `Run ${id} is over, or was not started from this dashboard: a run of the scheduler or the command line stops where it runs (Ctrl-C, or SIGTERM to its process).`,
    });
  });
}

function restoreRoutes(app: App, parts: DashboardParts): void {
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

/** The history, a run's page, its progress as it goes, its Cancel, its CSV and its Restore. */
export function runRoutes(app: App, parts: DashboardParts): void {
  historyRoutes(app, parts);
  liveRoutes(app, parts);
  restoreRoutes(app, parts);
}
