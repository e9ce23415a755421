import { Hono } from 'hono';
import type { SandboxContext } from '../../context.ts';
import { categoryMappingErrors, servedForm, storedForm } from '../../metadata/category-mappings.ts';
import {
  type FieldSpec,
  type Projector,
  parseFields,
  projectObject,
} from '../../metadata/fields.ts';
import {
  type Filter,
  InvalidFilterError,
  matches,
  parseFilter,
  withAttributeFilters,
} from '../../metadata/filter.ts';
import { renderImportReport } from '../../metadata/import-report.ts';
import { applyJsonPatch, type JsonPatchOperation } from '../../metadata/json-patch.ts';
import { deleteObject } from '../../metadata/metadata-deletion.ts';
import { newUid, importMetadata as runImport } from '../../metadata/metadata-import.ts';
import { Relations } from '../../metadata/relations.ts';
import {
  canCreate,
  canMakePublic,
  klassOf as reportKlassOf,
  schemaOf,
  simpleClassOf,
} from '../../metadata/schemas.ts';
import { accessToUpdate } from '../../metadata/security-check.ts';
import type { MetadataObject } from '../../metadata/store.ts';
import { userRoutes } from '../../users/routes.ts';
import { defaultSharing } from '../../users/sharing.ts';
import { storeUser } from '../../users/user-import.ts';
import { presentUser } from '../../users/user-shape.ts';
import { since } from '../../version.ts';
import type { SandboxEnv, SandboxHttpContext } from '../env.ts';
import { conflict, forbidden, notFound, webMessage } from '../web-message.ts';

/** Collections the sandbox serves even when nothing of that type is loaded yet. */
const KNOWN = new Set([
  'programIndicators',
  'programIndicatorGroups',
  'attributes',
  'dataElements',
  'dataElementGroups',
  'categoryCombos',
  'categoryOptionCombos',
  'categories',
  'categoryOptions',
  'dataSets',
  'organisationUnits',
  'organisationUnitLevels',
  'organisationUnitGroups',
  'programs',
  'programStages',
  'trackedEntityAttributes',
  'trackedEntityTypes',
  'optionSets',
  'options',
  'users',
  'userGroups',
  'userRoles',
  'constants',
  'indicators',
]);

/** `programIndicators` → `ProgramIndicator`, as DHIS2 names the class in messages. */
const klassOf = simpleClassOf;

function objectReport(ctx: SandboxContext, status: number, type: string, uid: string) {
  return webMessage(status, 'OK', undefined, {
    response: {
      responseType: 'ObjectReport',
      uid,
      klass: reportKlassOf(ctx.version, type),
      errorReports: [],
    },
  });
}

/** A stored object as the version serves it: users in their version's shape, never a password. */
const present = (ctx: SandboxContext, type: string, object: MetadataObject) =>
  type === 'users' ? presentUser(ctx.version, object) : servedForm(ctx, type, object);

/**
 * The body of POST, PUT and PATCH as the metadata import behind them takes it (2.36+): the version's
 * properties only, and the program hook's refusal (`AbstractCrudController` answers a failed import
 * with its first object report, a 409 whose status is ERROR).
 */
function imported(
  ctx: SandboxContext,
  type: string,
  object: MetadataObject,
): { object: MetadataObject } | { refusal: ReturnType<typeof webMessage> } {
  const stored = storedForm(ctx.version, type, object);
  const errorReports = type === 'programs' ? categoryMappingErrors(ctx, stored) : [];
  if (errorReports.length === 0) return { object: stored };
  return {
    refusal: webMessage(
      409,
      'ERROR',
      'One or more errors occurred, please see full details in import report.',
      {
        response: {
          responseType: 'ObjectReport',
          uid: stored.id,
          klass: reportKlassOf(ctx.version, type),
          errorReports,
        },
      },
    ),
  };
}

/** Metadata as DHIS2's generic controllers serve it: lists with fields, filters and paging; CRUD; import. */
export function metadataRoutes(ctx: SandboxContext): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  const relations = new Relations(ctx.metadata);
  const projector = (): Projector => ({ store: ctx.metadata, relations, baseUrl: ctx.baseUrl() });
  const served = (type: string) => KNOWN.has(type) || ctx.metadata.count(type) > 0;

  app.route('/', userRoutes(ctx, projector));
  app.post('/metadata', (c) => importMetadata(ctx, c));

  app.get('/:type', (c) => {
    const type = c.req.param('type').replace(/\.json$/, '');
    if (!served(type)) return c.json(notFound(`Not found: /api/${type}`), 404);
    let filters: Filter[];
    try {
      filters = withAttributeFilters(
        ctx.metadata,
        c.req.queries('filter')?.map(parseFilter) ?? [],
        since(ctx.version, '2.37.9', '2.38.2', '2.39.0'),
      );
    } catch (error) {
      if (error instanceof InvalidFilterError) return c.json(conflict(error.message), 409);
      throw error;
    }
    return c.json(listing(ctx, projector(), type, filters, c));
  });

  app.get('/:type/:id', (c) => {
    const type = c.req.param('type');
    const object = ctx.metadata.get(type, c.req.param('id').replace(/\.json$/, ''));
    if (!object)
      return c.json(
        notFound(`${klassOf(type)} with id ${c.req.param('id')} could not be found.`),
        404,
      );
    return c.json(
      projectObject(
        projector(),
        type,
        present(ctx, type, object),
        parseFields(c.req.query('fields') ?? ':all'),
      ),
    );
  });

  app.post('/:type', (c) => {
    const type = c.req.param('type');
    if (!served(type)) return c.json(notFound(`Not found: /api/${type}`), 404);
    return createObject(ctx, type, c);
  });

  app.put('/:type/:id', (c) => replaceObject(ctx, c.req.param('type'), c.req.param('id'), c));

  app.patch('/:type/:id', (c) => patchObject(ctx, c.req.param('type'), c.req.param('id'), c));

  app.delete('/:type/:id', (c) => {
    const type = c.req.param('type');
    const object = ctx.metadata.get(type, c.req.param('id'));
    if (object && !canWrite(ctx, c, type, object))
      return c.json(forbidden("You don't have the proper permissions to delete this object."), 403);
    if (!deleteObject(ctx, type, c.req.param('id')))
      return c.json(
        notFound(`${klassOf(type)} with id ${c.req.param('id')} could not be found.`),
        404,
      );
    return c.json(objectReport(ctx, 200, type, c.req.param('id')));
  });
  return app;
}

/**
 * `POST /api/metadata` (`MetadataImportExportController`): no authority of its own (each type asks for
 * its create authority inside the import: metadata-import.ts); the report as the version renders it.
 */
async function importMetadata(ctx: SandboxContext, c: SandboxHttpContext) {
  const body = (await c.req.json()) as Record<string, unknown>;
  const { report } = runImport(ctx, c.get('user'), body, {
    atomicMode: c.req.query('atomicMode')?.toUpperCase() === 'NONE' ? 'NONE' : 'ALL',
    dryRun:
      c.req.query('importMode')?.toUpperCase() === 'VALIDATE' || c.req.query('dryRun') === 'true',
    importStrategy: importStrategyOf(c.req.query('importStrategy')),
  });
  const { status, body: answer } = renderImportReport(ctx.version, c.get('apiVersion'), report);
  return c.json(answer, status);
}

/**
 * `importStrategy` (`ImportStrategy`, 2.36–2.43): CREATE_AND_UPDATE by default; CREATE (or its alias
 * NEW) and DELETE (or DELETES) as asked. UPDATE and the other values are taken as CREATE_AND_UPDATE here.
 */
function importStrategyOf(value: string | undefined): 'CREATE_AND_UPDATE' | 'CREATE' | 'DELETE' {
  const asked = value?.toUpperCase();
  if (asked === 'DELETE' || asked === 'DELETES') return 'DELETE';
  if (asked === 'CREATE' || asked === 'NEW') return 'CREATE';
  return 'CREATE_AND_UPDATE';
}

/** `POST /api/{type}`: a new object, its UID made up when it brings none. */
async function createObject(ctx: SandboxContext, type: string, c: SandboxHttpContext) {
  // AbstractCrudController.postJsonObject: `aclService.canCreate` before the body is read.
  if (!canCreate(c.get('user').authorities, type))
    return c.json(forbidden("You don't have the proper permissions to create this object."), 403);
  const body = { ...((await c.req.json()) as MetadataObject) };
  body.id ??= newUid();
  const read = imported(ctx, type, body);
  if ('refusal' in read) return c.json(read.refusal, 409);
  const object = read.object;
  if (schemaOf(type).shareable && object.publicAccess === undefined && object.sharing === undefined)
    Object.assign(
      object,
      defaultSharing(c.get('user').id, canMakePublic(c.get('user').authorities, type)),
    );
  const clash = duplicate(ctx, type, object);
  if (clash)
    return c.json(
      // postObject turns the WARNING of WebMessageUtils.objectReport into ERROR (2.36–2.43).
      webMessage(
        409,
        'ERROR',
        'One or more errors occurred, please see full details in import report.',
        {
          response: {
            responseType: 'ObjectReport',
            klass: reportKlassOf(ctx.version, type),
            errorReports: [clash],
          },
        },
      ),
      409,
    );
  ctx.metadata.put(type, object);
  c.header('Location', `${ctx.baseUrl()}/api/${type}/${object.id}`);
  return c.json(objectReport(ctx, 201, type, object.id), 201);
}

/** `PUT /api/{type}/{id}`: the body replaces the stored object, keeping its id. */
async function replaceObject(ctx: SandboxContext, type: string, id: string, c: SandboxHttpContext) {
  const existing = ctx.metadata.get(type, id);
  if (!existing) return c.json(notFound(`${klassOf(type)} with id ${id} could not be found.`), 404);
  if (!canWrite(ctx, c, type, existing))
    return c.json(forbidden("You don't have the proper permissions to update this object."), 403);
  const body = { ...((await c.req.json()) as MetadataObject), id };
  if (type === 'users') storeUser(ctx, body);
  else {
    const read = imported(ctx, type, body);
    if ('refusal' in read) return c.json(read.refusal, 409);
    ctx.metadata.put(type, read.object);
  }
  return c.json(objectReport(ctx, 200, type, id));
}

/** `PATCH /api/{type}/{id}`: an unknown object is a 404 before the user's authority is checked. */
async function patchObject(ctx: SandboxContext, type: string, id: string, c: SandboxHttpContext) {
  const existing = ctx.metadata.get(type, id);
  if (!existing) return c.json(notFound(`${klassOf(type)} with id ${id} could not be found.`), 404);
  if (!canWrite(ctx, c, type, existing))
    return c.json(forbidden("You don't have the proper permissions to update this object."), 403);
  const body = (await c.req.json()) as unknown;
  // JSON Patch (RFC 6902) from 2.37 (`application/json-patch+json`); a plain object merges properties.
  const patched = Array.isArray(body)
    ? applyJsonPatch(existing, body as JsonPatchOperation[])
    : { ...existing, ...(body as object) };
  const read = imported(ctx, type, { ...patched, id });
  if ('refusal' in read) return c.json(read.refusal, 409);
  ctx.metadata.put(type, read.object);
  return c.json(objectReport(ctx, 200, type, id));
}

/**
 * `aclService.canUpdate` (PUT, PATCH) and, as the sandbox knows no DELETE authorities, for DELETE too
 * (`canDelete` asks for a type's DELETE authority, e.g. F_PROGRAM_INDICATOR_DELETE, before its create ones).
 */
const canWrite = (
  ctx: SandboxContext,
  c: SandboxHttpContext,
  type: string,
  object: MetadataObject,
) => accessToUpdate(ctx.metadata, c.get('user'), type, object);

/** Names and codes are unique per type (E5003 "Property … already exists"). */
function duplicate(ctx: SandboxContext, type: string, object: MetadataObject) {
  if (ctx.metadata.get(type, object.id))
    return {
      message: `Object with id ${object.id} already exists`,
      errorCode: 'E5003',
      mainKlass: `org.hisp.dhis.${klassOf(type)}`,
    };
  for (const property of ['code', 'name'] as const) {
    const value = object[property];
    if (value === undefined) continue;
    const other = ctx.metadata.list(type).find((candidate) => candidate[property] === value);
    if (other)
      return {
        message: `Property \`${property}\` with value \`${value}\` on object ${object.name ?? object.id} [${object.id}] (${klassOf(type)}) already exists on object ${other.id}`,
        errorCode: 'E5003',
        mainKlass: `org.hisp.dhis.${klassOf(type)}`,
        errorProperty: property,
      };
  }
  return undefined;
}

function listing(
  ctx: SandboxContext,
  projector: Projector,
  type: string,
  filters: readonly Filter[],
  c: SandboxHttpContext,
) {
  const or = c.req.query('rootJunction')?.toUpperCase() === 'OR';
  let objects = ctx.metadata
    .list(type)
    .map((object) => present(ctx, type, object))
    .filter((object) =>
      filters.length === 0
        ? true
        : or
          ? filters.some((f) => matches(ctx.metadata, projector.relations, type, object, f))
          : filters.every((f) => matches(ctx.metadata, projector.relations, type, object, f)),
    );
  const [orderField, direction] = (c.req.query('order') ?? 'name:asc').split(':');
  objects = objects.sort(
    (a, b) =>
      String(a[orderField ?? 'name'] ?? '').localeCompare(String(b[orderField ?? 'name'] ?? '')) *
      (direction === 'desc' ? -1 : 1),
  );
  const fields: FieldSpec[] = parseFields(c.req.query('fields') ?? 'id,displayName');
  if (c.req.query('paging') === 'false')
    return { [type]: objects.map((o) => projectObject(projector, type, o, fields)) };
  const pageSize = Math.max(1, Number(c.req.query('pageSize') ?? 50));
  const total = objects.length;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  // The offset follows the page asked for; the pager reports it clamped to the last page
  // (PaginationUtils / GetObjectListParams.getPagination, Pager.getPageInternal): a page past the end
  // is an empty list, not the last page again.
  const asked = Math.max(1, Number(c.req.query('page') ?? 1));
  const page = Math.min(asked, pageCount);
  const url = new URL(c.req.url);
  const link = (p: number) => {
    const next = new URL(`${ctx.baseUrl()}${url.pathname}${url.search}`);
    next.searchParams.set('page', String(p));
    return next.toString();
  };
  // Pager.java: nextPage and prevPage are absolute URLs, left out on the last and first page.
  const pager = {
    page,
    pageCount,
    total,
    pageSize,
    ...(page < pageCount ? { nextPage: link(page + 1) } : {}),
    ...(page > 1 ? { prevPage: link(page - 1) } : {}),
  };
  return {
    pager,
    [type]: objects
      .slice((asked - 1) * pageSize, asked * pageSize)
      .map((o) => projectObject(projector, type, o, fields)),
  };
}
