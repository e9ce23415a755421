import type { Context } from 'hono';
import { Hono } from 'hono';
import type { SandboxContext } from '../context.ts';
import type { SandboxEnv, SandboxUser } from '../http/env.ts';
import { conflict } from '../http/web-message.ts';
import { type IdScheme, identifierOf, parseIdScheme } from '../metadata/id-scheme.ts';
import type { MetadataObject } from '../metadata/store.ts';
import { parsePeriod } from '../periods/period.ts';
import { atLeast } from '../version.ts';
import { type ImportOutcome, listsRejected } from './import-outcome.ts';
import { importOptions } from './request.ts';

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

interface RegistrationImport {
  readonly user: SandboxUser;
  readonly ouScheme: IdScheme;
  readonly dsScheme: IdScheme;
  readonly dryRun: boolean;
  readonly now: string;
}

interface Registered {
  dataSet: MetadataObject;
  period: NonNullable<ReturnType<typeof parsePeriod>>;
  orgUnit: MetadataObject;
}

/**
 * `/api/completeDataSetRegistrations` (`CompleteDataSetRegistrationController`): the org unit field is
 * `organisationUnit`; answers with the same import summary as data values, conflicts as `{object, value}`.
 */
export function completeRegistrationRoutes(ctx: SandboxContext, render: Render): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.post('/completeDataSetRegistrations', async (c) => {
    // Before 2.36.4 the JSON import took default options and read none from the URL (fixed in
    // 8edfdb13cf4); in every version the body's own options win over the URL's.
    const url = atLeast(ctx.version, 36, 4)
      ? new URL(c.req.url).searchParams
      : new URLSearchParams();
    const body = (await c.req.json()) as {
      completeDataSetRegistrations?: Registration[];
    } & Record<string, unknown>;
    const options = importOptions(url, body);
    const run: RegistrationImport = {
      user: c.get('user'),
      ouScheme: options.orgUnitIdScheme,
      dsScheme: options.dataSetIdScheme,
      dryRun: options.dryRun,
      now: ctx.clock.now().toISOString().slice(0, 23),
    };
    const outcome = importRegistrations(ctx, run, body.completeDataSetRegistrations ?? []);
    return render(ctx, c, outcome, { dryRun: run.dryRun, importStrategy: 'CREATE_AND_UPDATE' });
  });
  app.get('/completeDataSetRegistrations', (c) => listRegistrations(ctx, c));
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

function importRegistrations(
  ctx: SandboxContext,
  run: RegistrationImport,
  registrations: readonly Registration[],
): ImportOutcome {
  const outcome: ImportOutcome = {
    status: 'SUCCESS',
    description: 'Import process completed successfully',
    counts: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
    conflicts: [],
    // Serialised with every ImportSummary once it exists, but this import never fills it.
    ...(listsRejected(ctx) ? { rejectedIndexes: [] } : {}),
    dataSetComplete: 'false',
  };
  for (const registration of registrations) {
    const problem = (object: string | undefined, value: string) => {
      // A conflict is only {object, value}; a null object is not written (ImportConflict, NON_NULL).
      outcome.conflicts.push((object === undefined ? { value } : { object, value }) as never);
      outcome.counts.ignored += 1;
    };
    const registered = resolveRegistration(ctx, run, registration, problem);
    if (!registered) continue;
    outcome.counts[saveRegistration(ctx, run, registration, registered)] += 1;
  }
  // `finalizeSummary`: ERROR when every registration was ignored (an empty payload too), else SUCCESS,
  // conflicts or not; never WARNING (DefaultCompleteDataSetRegistrationExchangeService, 2.40 and 2.43).
  const { imported, updated, deleted } = outcome.counts;
  outcome.status = imported + updated + deleted === 0 ? 'ERROR' : 'SUCCESS';
  return outcome;
}

/** A registration's data set, period and org unit; the first missing or out of reach rejects it. */
function resolveRegistration(
  ctx: SandboxContext,
  run: RegistrationImport,
  registration: Registration,
  problem: (object: string | undefined, value: string) => void,
): Registered | undefined {
  const dataSet = registration.dataSet
    ? ctx.metadata.find('dataSets', run.dsScheme, registration.dataSet)
    : undefined;
  if (!dataSet) return void problem(registration.dataSet, 'Data set not found or not accessible');
  const period = parsePeriod(registration.period ?? '');
  if (!period) return void problem(registration.period, 'Period not valid');
  const orgUnit = registration.organisationUnit
    ? ctx.metadata.find('organisationUnits', run.ouScheme, registration.organisationUnit)
    : undefined;
  if (!orgUnit)
    return void problem(
      registration.organisationUnit,
      'Organisation unit not found or not accessible',
    );
  if (!ctx.orgUnits.isWithin(orgUnit.id, run.user.orgUnits))
    return void problem(orgUnit.id, 'Organisation unit is not in hierarchy of user');
  return { dataSet, period, orgUnit };
}

/** Completes (or, with `completed: false`, reopens) a registration; a dry run only counts it. */
function saveRegistration(
  ctx: SandboxContext,
  run: RegistrationImport,
  registration: Registration,
  { dataSet, period, orgUnit }: Registered,
): 'imported' | 'updated' {
  const aoc = registration.attributeOptionCombo ?? 'HllvX50cXC0';
  const existing = ctx.db
    .prepare(
      'SELECT 1 FROM complete_registrations WHERE data_set = ? AND period = ? AND org_unit = ? AND attribute_option_combo = ?',
    )
    .get(dataSet.id, period.id, orgUnit.id, aoc);
  if (!run.dryRun) {
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
        registration.date ?? run.now.slice(0, 10),
        registration.storedBy ?? run.user.username,
        registration.completed === false ? 0 : 1,
        run.now,
        run.user.username,
      );
  }
  return existing ? 'updated' : 'imported';
}

/**
 * `GET /api/completeDataSetRegistrations` (`paramsFromUrl`, 2.36–2.43): data sets and org units are read
 * as UIDs only, unknown ones left out; `orgUnitIdScheme` (or `idScheme`) names the output's org units.
 */
function listRegistrations(ctx: SandboxContext, c: Context<SandboxEnv>) {
  const query = new URL(c.req.url).searchParams;
  const dataSets = query.getAll('dataSet').filter((id) => ctx.metadata.get('dataSets', id));
  const roots = query.getAll('orgUnit').filter((id) => ctx.metadata.get('organisationUnits', id));
  const children = query.get('children') === 'true';
  if (dataSets.length === 0)
    return c.json(conflict('At least one valid data set must be specified', 'E2013'), 409);
  if (roots.length === 0)
    return children
      ? c.json(
          conflict(
            'At least one organisation unit must be specified when children are included',
            'E2008',
          ),
          409,
        )
      : c.json(
          conflict(
            'At least one organisation unit or organisation unit group must be specified',
            'E2006',
          ),
          409,
        );
  const units = children ? roots.flatMap((root) => ctx.orgUnits.subtree(root)) : roots;
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
  const scheme = parseIdScheme(query.get('orgUnitIdScheme') ?? query.get('idScheme'));
  const named = (id: string) => {
    const unit = ctx.metadata.get('organisationUnits', id);
    const output = ['UID', 'CODE', 'NAME'].includes(scheme.kind) ? scheme : undefined;
    return (unit && output ? identifierOf(unit, output) : undefined) ?? id;
  };
  if (rows.length === 0) return c.json({});
  return c.json({
    completeDataSetRegistrations: rows.map((row) => ({
      dataSet: row.data_set,
      period: row.period,
      organisationUnit: named(String(row.org_unit)),
      attributeOptionCombo: row.attribute_option_combo,
      date: row.date,
      storedBy: row.stored_by,
      completed: row.completed === 1,
      lastUpdated: row.last_updated,
      lastUpdatedBy: row.last_updated_by,
    })),
  });
}
