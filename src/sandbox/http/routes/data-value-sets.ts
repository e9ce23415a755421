import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { SandboxContext } from '../../context.ts';
import { importClassic } from '../../data-values/classic-engine.ts';
import { completeRegistrationRoutes } from '../../data-values/complete-registrations.ts';
import { importEntryPipeline } from '../../data-values/entry-engine.ts';
import { ExportQueryError, exportDataValues } from '../../data-values/export.ts';
import type { ImportOutcome } from '../../data-values/import-outcome.ts';
import { messageRoutes } from '../../data-values/messages.ts';
import {
  type ImportRequest,
  type IncomingValue,
  importOptions,
  valuesFromCsv,
} from '../../data-values/request.ts';
import { writeSystemState } from '../../db/schema.ts';
import { InvalidIdSchemeError } from '../../metadata/id-scheme.ts';
import { atLeast } from '../../version.ts';
import type { SandboxEnv, SandboxHttpContext } from '../env.ts';
import { badRequest, conflict, webMessage } from '../web-message.ts';
import { dhis2DateTime } from './system.ts';

/** The ImportSummary as DHIS2 serialises it (`ImportSummary.java`). */
export function importSummary(outcome: ImportOutcome, echo: Record<string, unknown>) {
  return {
    responseType: 'ImportSummary',
    status: outcome.status,
    importOptions: echo,
    description: outcome.description,
    importCount: outcome.counts,
    conflicts: outcome.conflicts,
    rejectedIndexes: outcome.rejectedIndexes,
    dataSetComplete: outcome.dataSetComplete,
  };
}

/**
 * The answer by version (api-notes §2.3): a bare summary with 200 up to 2.37 and for versioned paths
 * below 38 until 2.41; a WebMessage after, with 409 for WARNING and ERROR (2.38–2.42) or 409 for ERROR
 * only (2.43).
 */
export function renderImport(
  ctx: SandboxContext,
  c: SandboxHttpContext,
  outcome: ImportOutcome,
  echo: Record<string, unknown>,
) {
  const summary = importSummary(outcome, echo);
  const apiVersion = c.get('apiVersion');
  if (
    !atLeast(ctx.version, 38) ||
    (apiVersion !== undefined && apiVersion < 38 && !atLeast(ctx.version, 42))
  )
    return c.json(summary, 200);
  const entry = atLeast(ctx.version, 43);
  if (outcome.status === 'SUCCESS')
    return c.json(webMessage(200, 'OK', 'Import was successful.', { response: summary }), 200);
  if (outcome.status === 'WARNING') {
    const message = entry
      ? 'Import completed with warnings, please check import summary.'
      : 'One more conflicts encountered, please check import summary.';
    const status = entry ? 200 : 409;
    return c.json(webMessage(status, 'WARNING', message, { response: summary }), status);
  }
  return c.json(
    webMessage(409, 'ERROR', 'An error occurred, please check import summary.', {
      response: summary,
    }),
    409,
  );
}

async function readRequest(c: SandboxHttpContext): Promise<ImportRequest> {
  const query = new URL(c.req.url).searchParams;
  const type = c.req.header('content-type') ?? 'application/json';
  if (type.includes('csv'))
    return {
      values: valuesFromCsv(await c.req.text()),
      dataSet: query.get('dataSet') ?? undefined,
      options: importOptions(query, {}),
    };
  const body = (await c.req.json()) as Record<string, unknown>;
  return {
    values: Array.isArray(body.dataValues) ? (body.dataValues as IncomingValue[]) : [],
    dataSet: (body.dataSet as string | undefined) ?? query.get('dataSet') ?? undefined,
    completeDate: body.completeDate as string | undefined,
    period: body.period as string | undefined,
    orgUnit: body.orgUnit as string | undefined,
    attributeOptionCombo: body.attributeOptionCombo as string | undefined,
    options: importOptions(query, body),
  };
}

export function dataValueSetsRoutes(ctx: SandboxContext): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  const run = (c: SandboxHttpContext, request: ImportRequest) =>
    atLeast(ctx.version, 43)
      ? importEntryPipeline(ctx, c.get('user'), request)
      : importClassic(ctx, c.get('user'), request);

  app.post('/dataValueSets', async (c) => {
    let request: ImportRequest;
    try {
      request = await readRequest(c);
    } catch (error) {
      if (error instanceof InvalidIdSchemeError) return c.json(conflict(error.message), 409);
      return c.json(
        webMessage(400, 'ERROR', `Invalid request body: ${(error as Error).message}`),
        400,
      );
    }
    // skipAudit without F_SKIP_DATA_IMPORT_AUDIT is ignored, not refused (DefaultDataValueSetService,
    // 2.36.13 l.778–780, 2.42.5 l.1052–1054).
    if (!request.options.async) return renderImport(ctx, c, run(c, request), request.options.echo);
    // async=true: a job whose summary is read at /api/system/taskSummaries/DATAVALUE_IMPORT/<id>.
    const id = `D${randomBytes(5).toString('hex')}`;
    const summary = importSummary(run(c, request), request.options.echo);
    writeSystemState(ctx.db, `taskSummary:DATAVALUE_IMPORT:${id}`, JSON.stringify(summary));
    ctx.db
      .prepare('INSERT INTO task_notifications (job_id, category, seq, json) VALUES (?, ?, 0, ?)')
      .run(
        id,
        'DATAVALUE_IMPORT',
        JSON.stringify({
          uid: id,
          id,
          level: 'INFO',
          category: 'DATAVALUE_IMPORT',
          time: dhis2DateTime(ctx.clock.now()),
          message: 'Import done',
          completed: true,
        }),
      );
    return c.json(
      webMessage(200, 'OK', 'Initiated DATAVALUE_IMPORT', {
        response: {
          responseType: 'JobConfiguration',
          name: 'DATAVALUE_IMPORT',
          id,
          jobType: 'DATAVALUE_IMPORT',
          jobStatus: 'RUNNING',
          relativeNotifierEndpoint: `/api/system/tasks/DATAVALUE_IMPORT/${id}`,
        },
      }),
    );
  });

  const get = (c: SandboxHttpContext) => {
    try {
      return c.json(exportDataValues(ctx, c.get('user'), new URL(c.req.url).searchParams));
    } catch (error) {
      if (error instanceof ExportQueryError && error.status === 400)
        return c.json(badRequest(error.message), 400);
      if (error instanceof ExportQueryError)
        return c.json(conflict(error.message, error.errorCode), 409);
      if (error instanceof InvalidIdSchemeError) return c.json(conflict(error.message), 409);
      throw error;
    }
  };
  app.get('/dataValueSets', get);
  app.get('/dataValueSets.json', get);
  app.route('/', completeRegistrationRoutes(ctx, renderImport));
  app.route('/', messageRoutes(ctx));
  return app;
}
