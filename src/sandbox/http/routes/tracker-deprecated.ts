import { Hono } from 'hono';
import type { SandboxContext } from '../../context.ts';
import {
  deleteOldEvent,
  type ImportSummary,
  importOldEvent,
  type OldEvent,
  type OldImport,
  updateOldEvent,
} from '../../tracker/deprecated-events.ts';
import { readOldList } from '../../tracker/deprecated-reads.ts';
import { findEvent } from '../../tracker/tracker-store.ts';
import { atLeast } from '../../version.ts';
import type { SandboxEnv, SandboxHttpContext } from '../env.ts';
import { badRequest, notFound, webMessage } from '../web-message.ts';

/**
 * The older tracker endpoints, 2.36–2.41 (`EventController`, `EnrollmentController`,
 * `TrackedEntityInstanceController`; moved to `controller/deprecated/tracker/` in 2.41 and gone in
 * 2.42: no controller maps these paths in 2.42.5 or 2.43.1, so they answer 404).
 */
const OLD_PATHS = ['/events', '/events/:id', '/enrollments', '/trackedEntityInstances'];

export function deprecatedTrackerRoutes(ctx: SandboxContext): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  if (atLeast(ctx.version, 42)) {
    for (const path of OLD_PATHS)
      app.all(path, (c) => c.json(notFound(`Not found: ${new URL(c.req.url).pathname}`), 404));
    return app;
  }
  app.get('/events', (c) =>
    answer(c, readOldList(ctx, c.get('user'), 'events', new URL(c.req.url))),
  );
  app.get('/enrollments', (c) =>
    answer(c, readOldList(ctx, c.get('user'), 'enrollments', new URL(c.req.url))),
  );
  app.get('/trackedEntityInstances', (c) =>
    answer(c, readOldList(ctx, c.get('user'), 'trackedEntityInstances', new URL(c.req.url))),
  );
  app.post('/events', async (c) => {
    const body = await readJson(c);
    if (body === undefined)
      return c.json(badRequest('Unable to parse the request body as events.'), 400);
    const events = Array.isArray((body as { events?: unknown }).events)
      ? (body as { events: OldEvent[] }).events
      : [body as OldEvent];
    // `@RequestParam(defaultValue = "CREATE_AND_UPDATE") ImportStrategy strategy` overwrites the
    // ImportOptions' own `importStrategy` (EventController.postEvent @2.36.13 L853, @2.41.9 L999): only
    // `strategy` counts.
    const run = oldImport(ctx, c, strategy(c.req.query('strategy')));
    const summaries = ctx.db.transaction(() =>
      events
        .map((event) => importOldEvent(run, event))
        .filter((s): s is ImportSummary => s !== undefined),
    )();
    return renderSummaries(ctx, c, run, summaries);
  });
  app.put('/events/:id', async (c) => {
    const body = await readJson(c);
    if (body === undefined)
      return c.json(badRequest('Unable to parse the request body as an event.'), 400);
    const id = c.req.param('id');
    // AbstractEventService.updateEvent(event, singleValue = false): mergeDataValues forced off.
    const run = { ...oldImport(ctx, c, 'UPDATE'), mergeDataValues: false };
    const result = ctx.db.transaction(() =>
      updateOldEvent(run, { ...(body as OldEvent), event: id }, findEvent(ctx.db, id)),
    )();
    result.importOptions = importOptionsEcho(run);
    return renderSummary(c, result);
  });
  app.delete('/events/:id', (c) => {
    const now = ctx.clock.now().toISOString().slice(0, 23);
    return renderSummary(c, deleteOldEvent(ctx, c.req.param('id'), now));
  });
  return app;
}

function answer(c: SandboxHttpContext, result: { status: number; body: unknown }) {
  return c.json(result.body as object, result.status as 200);
}

async function readJson(c: SandboxHttpContext): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}

function strategy(value: string | undefined): OldImport['strategy'] {
  const s = (value ?? 'CREATE_AND_UPDATE').toUpperCase();
  return s === 'CREATE' || s === 'UPDATE' || s === 'DELETE' ? s : 'CREATE_AND_UPDATE';
}

function oldImport(
  ctx: SandboxContext,
  c: SandboxHttpContext,
  s: OldImport['strategy'],
): OldImport {
  return {
    ctx,
    user: c.get('user'),
    strategy: s,
    mergeDataValues: c.req.query('mergeDataValues') === 'true',
    now: ctx.clock.now().toISOString().slice(0, 23),
  };
}

/** `ImportOptions` as the summaries echo it (dxf2 common/ImportOptions @2.36.13). */
function importOptionsEcho(run: OldImport): Record<string, unknown> {
  return {
    idSchemes: {},
    dryRun: false,
    async: false,
    importStrategy: run.strategy,
    mergeMode: 'REPLACE',
    reportMode: 'FULL',
    skipExistingCheck: false,
    sharing: false,
    skipNotifications: false,
    skipAudit: false,
    datasetAllowsPeriods: false,
    strictPeriods: false,
    strictDataElements: false,
    strictCategoryOptionCombos: false,
    strictAttributeOptionCombos: false,
    strictOrganisationUnits: false,
    requireCategoryOptionCombo: false,
    requireAttributeOptionCombo: false,
    skipPatternValidation: false,
    ignoreEmptyCollection: false,
    force: false,
    firstRowIsHeader: true,
    skipLastUpdated: false,
    mergeDataValues: run.mergeDataValues,
    skipCache: false,
  };
}

/**
 * `WebMessageUtils.importSummaries` (identical 2.36.13–2.41.9): ERROR → 409 "An error occurred, please
 * check import summary.", WARNING → 409, else 200 "Import was successful."; a single summary that is not
 * an error also gives its `Location` (`EventController.postEvent`).
 */
function renderSummaries(
  ctx: SandboxContext,
  c: SandboxHttpContext,
  run: OldImport,
  summaries: ImportSummary[],
) {
  const options = importOptionsEcho(run);
  const base = `${ctx.baseUrl()}/api/events`;
  for (const s of summaries)
    if (s.status !== 'ERROR' && run.strategy !== 'DELETE' && s.reference)
      s.href = `${base}/${s.reference}`;
  if (summaries.length === 1) {
    summaries[0]!.importOptions = options;
    if (summaries[0]!.status !== 'ERROR' && summaries[0]!.reference)
      c.header('Location', `${base}/${summaries[0]!.reference}`);
  }
  const sum = (key: keyof ImportSummary['importCount']) =>
    summaries.reduce((total, s) => total + s.importCount[key], 0);
  const status = summaries.some((s) => s.status === 'ERROR')
    ? 'ERROR'
    : summaries.some((s) => s.status === 'WARNING')
      ? 'WARNING'
      : 'SUCCESS';
  const response = {
    responseType: 'ImportSummaries',
    status,
    imported: sum('imported'),
    updated: sum('updated'),
    deleted: sum('deleted'),
    ignored: sum('ignored'),
    importOptions: options,
    importSummaries: summaries,
    total: sum('imported') + sum('updated') + sum('deleted') + sum('ignored'),
  };
  return wrap(
    c,
    status,
    response,
    'One or more conflicts encountered, please check import summary.',
  );
}

/** `WebMessageUtils.importSummary`: the same, with its own (misspelt) WARNING message. */
function renderSummary(c: SandboxHttpContext, summary: ImportSummary) {
  return wrap(
    c,
    summary.status,
    summary,
    'One more conflicts encountered, please check import summary.',
  );
}

function wrap(c: SandboxHttpContext, status: string, response: unknown, warning: string) {
  if (status === 'ERROR')
    return c.json(
      webMessage(409, 'ERROR', 'An error occurred, please check import summary.', { response }),
      409,
    );
  if (status === 'WARNING') return c.json(webMessage(409, 'WARNING', warning, { response }), 409);
  return c.json(webMessage(200, 'OK', 'Import was successful.', { response }), 200);
}
