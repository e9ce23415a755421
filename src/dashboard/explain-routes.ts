import type { Hono } from 'hono';
import { explainValue } from '../jobs/explain.ts';
import { facilityMonth } from '../jobs/facility-month.ts';
import { findJob, type ResolvedJob, resolveJob } from '../jobs/resolve-job.ts';
import type { ExplainAnswer, FacilityMonthAnswer } from './api-types.ts';
import type { DashboardParts } from './parts.ts';
import { Remembered } from './remembered.ts';
import { failure } from './run-routes.ts';
import type { DashboardEnv } from './security.ts';

/**
 * "Where does this number come from?" on the dashboard: one value's explanation (the same answer as
 * `t2a explain --json`), and a facility's month of values with the manual number beside each.
 */
export function explainRoutes(app: Hono<DashboardEnv>, parts: DashboardParts): void {
  // Resolving a job reads the source's and targets' metadata: kept a minute, so a page of values
  // opened one after another resolves it once.
  const resolved = new Remembered<ResolvedJob>(60_000);
  app.get('/api/explain/:job', async (c) => {
    const job = findJob(parts.ctx, c.req.param('job')).name;
    const q = (name: string) => c.req.query(name) || undefined;
    let answer: ExplainAnswer;
    try {
      const period = q('period') ?? '';
      const resolvedJob = await resolved.get(`${job}\u0000${period}`, () =>
        resolveJob(parts.ctx, job, { periods: [period], dryRun: true }),
      );
      const explanation = await explainValue(parts.ctx, resolvedJob, {
        dataElement: q('dataElement') ?? '',
        categoryOptionCombo: q('categoryOptionCombo'),
        attributeOptionCombo: q('attributeOptionCombo'),
        period,
        orgUnit: q('orgUnit') ?? '',
      });
      answer = { ok: true, explanation };
    } catch (error) {
      answer = failure(error);
    }
    return c.json(answer);
  });
  app.get('/api/facility-month/:job', async (c) => {
    const job = findJob(parts.ctx, c.req.param('job')).name;
    let answer: FacilityMonthAnswer;
    try {
      const month = await facilityMonth(
        parts.ctx,
        job,
        c.req.query('orgUnit') ?? '',
        c.req.query('period') ?? '',
      );
      answer = { ok: true, month };
    } catch (error) {
      answer = failure(error);
    }
    return c.json(answer);
  });
}
