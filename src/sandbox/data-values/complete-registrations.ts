import type { Context } from 'hono';
import { Hono } from 'hono';
import type { SandboxContext } from '../context.ts';
import type { SandboxEnv } from '../http/env.ts';
import { conflict } from '../http/web-message.ts';
import { parseIdScheme } from '../metadata/id-scheme.ts';
import { parsePeriod } from '../periods/period.ts';
import type { ImportOutcome } from './classic-engine.ts';

type Render = (
  ctx: SandboxContext,
  c: Context<SandboxEnv>,
  outcome: ImportOutcome,
  echo: Record<string, unknown>,
) => Response | Promise<Response>;

interface Registration {
  dataSet?: string;
  period?: string;
  organisationUnit?: string;
  attributeOptionCombo?: string;
  date?: string;
  storedBy?: string;
  completed?: boolean;
}

/**
 * `/api/completeDataSetRegistrations` (`CompleteDataSetRegistrationController`): the org unit field is
 * `organisationUnit`; answers with the same import summary as data values, conflicts as `{object, value}`.
 */
export function completeRegistrationRoutes(ctx: SandboxContext, render: Render): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.post('/completeDataSetRegistrations', async (c) => {
    const query = new URL(c.req.url).searchParams;
    const body = (await c.req.json()) as { completeDataSetRegistrations?: Registration[] };
    const ouScheme = parseIdScheme(query.get('orgUnitIdScheme') ?? query.get('idScheme'));
    const dsScheme = parseIdScheme(query.get('dataSetIdScheme') ?? query.get('idScheme'));
    const dryRun = query.get('dryRun') === 'true';
    const user = c.get('user');
    const outcome: ImportOutcome = {
      status: 'SUCCESS',
      description: 'Import process completed successfully',
      counts: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
      conflicts: [],
      rejectedIndexes: [],
      dataSetComplete: 'false',
    };
    const now = ctx.clock.now().toISOString().slice(0, 23);
    for (const [index, registration] of (body.completeDataSetRegistrations ?? []).entries()) {
      const problem = (object: string, value: string) => {
        outcome.conflicts.push({ object, value } as never);
        outcome.counts.ignored += 1;
        outcome.rejectedIndexes.push(index);
      };
      const dataSet = registration.dataSet
        ? ctx.metadata.find('dataSets', dsScheme, registration.dataSet)
        : undefined;
      if (!dataSet) {
        problem(registration.dataSet ?? '', 'Data set not found or not accessible');
        continue;
      }
      const period = parsePeriod(registration.period ?? '');
      if (!period) {
        problem(registration.period ?? '', 'Period not valid');
        continue;
      }
      const orgUnit = registration.organisationUnit
        ? ctx.metadata.find('organisationUnits', ouScheme, registration.organisationUnit)
        : undefined;
      if (!orgUnit) {
        problem(
          registration.organisationUnit ?? '',
          'Organisation unit not found or not accessible',
        );
        continue;
      }
      if (!ctx.orgUnits.isWithin(orgUnit.id, user.orgUnits)) {
        problem(orgUnit.id, 'Organisation unit is not in hierarchy of user');
        continue;
      }
      const aoc = registration.attributeOptionCombo ?? 'HllvX50cXC0';
      const existing = ctx.db
        .prepare(
          'SELECT 1 FROM complete_registrations WHERE data_set = ? AND period = ? AND org_unit = ? AND attribute_option_combo = ?',
        )
        .get(dataSet.id, period.id, orgUnit.id, aoc);
      if (!dryRun) {
        ctx.db
          .prepare(
            `INSERT INTO complete_registrations (data_set, period, org_unit, attribute_option_combo, date, stored_by, completed, last_updated, last_updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(data_set, period, org_unit, attribute_option_combo) DO UPDATE SET completed = excluded.completed, last_updated = excluded.last_updated, last_updated_by = excluded.last_updated_by`,
          )
          .run(
            dataSet.id,
            period.id,
            orgUnit.id,
            aoc,
            registration.date ?? now.slice(0, 10),
            registration.storedBy ?? user.username,
            registration.completed === false ? 0 : 1,
            now,
            user.username,
          );
      }
      outcome.counts[existing ? 'updated' : 'imported'] += 1;
    }
    if (outcome.conflicts.length > 0) outcome.status = 'WARNING';
    return render(ctx, c, outcome, { dryRun, importStrategy: 'CREATE_AND_UPDATE' });
  });

  app.get('/completeDataSetRegistrations', (c) => {
    const query = new URL(c.req.url).searchParams;
    const dataSets = query.getAll('dataSet');
    const roots = query.getAll('orgUnit');
    if (dataSets.length === 0)
      return c.json(conflict('At least one data set must be specified'), 409);
    if (roots.length === 0)
      return c.json(conflict('At least one organisation unit must be specified'), 409);
    const units =
      query.get('children') === 'true'
        ? roots.flatMap((root) => ctx.orgUnits.subtree(root))
        : roots;
    const periods = query.getAll('period');
    const rows = ctx.db
      .prepare(
        `SELECT * FROM complete_registrations WHERE data_set IN (SELECT value FROM json_each(?)) AND org_unit IN (SELECT value FROM json_each(?)) ${periods.length ? 'AND period IN (SELECT value FROM json_each(?))' : ''}`,
      )
      .all(
        JSON.stringify(dataSets),
        JSON.stringify(units),
        ...(periods.length ? [JSON.stringify(periods)] : []),
      ) as Record<string, string | number>[];
    return c.json({
      completeDataSetRegistrations: rows.map((row) => ({
        dataSet: row.data_set,
        period: row.period,
        organisationUnit: row.org_unit,
        attributeOptionCombo: row.attribute_option_combo,
        date: row.date,
        storedBy: row.stored_by,
        completed: row.completed === 1,
        lastUpdated: row.last_updated,
        lastUpdatedBy: row.last_updated_by,
      })),
    });
  });

  app.delete('/completeDataSetRegistrations', (c) => {
    const q = new URL(c.req.url).searchParams;
    ctx.db
      .prepare(
        'DELETE FROM complete_registrations WHERE data_set = ? AND period = ? AND org_unit = ?',
      )
      .run(q.get('ds'), q.get('pe'), q.get('ou'));
    return c.body(null, 204);
  });
  return app;
}
