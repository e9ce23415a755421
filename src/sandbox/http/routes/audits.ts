import { Hono } from 'hono';
import type { SandboxContext } from '../../context.ts';
import {
  type AuditQuery,
  countAudits,
  type DataValueAuditRow,
  findAudits,
} from '../../data-values/audits.ts';
import { refIds } from '../../metadata/store.ts';
import { atLeast } from '../../version.ts';
import type { SandboxEnv, SandboxHttpContext } from '../env.ts';

/*
 * `GET /api/audits/dataValue`: `AuditController.getAggregateDataValueAudit` (2.36–2.40, 2.42),
 * `ChangeLogController` (2.41), `AuditController.getAggregateDataValueChangelog` (2.43). Filters ds, de,
 * pe, ou (lists), co, cc, auditType (one value to 2.40, a list from 2.41); paged by default (page,
 * pageSize 50) unless skipPaging=true or paging=false (`PagerUtils.isSkipPaging`), the pager first
 * (`NodeUtils.createPager`); entries under `dataValueAudits` with the `DataValueAudit`
 * (`DataValueChangelog` in 2.43, `auditType` by its JSON name) properties, references as `{id}` and
 * the period as `JacksonPeriodSerializer` writes it (`{id: iso}`).
 */

/** Spring binds `de=a,b` and `de=a&de=b` alike to a List<String>. */
function listParam(c: SandboxHttpContext, name: string): string[] {
  return (c.req.queries(name) ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

/** The data elements of the data sets named. */
function elementsOf(ctx: SandboxContext, dataSets: readonly string[]): string[] {
  return dataSets.flatMap((id) => {
    const dataSet = ctx.metadata.get('dataSets', id);
    const members = (dataSet?.dataSetElements as { dataElement?: unknown }[] | undefined) ?? [];
    return refIds(members.map((member) => member.dataElement));
  });
}

/**
 * ≤2.42 adds the data sets' elements to those named (`dataElements.addAll(getDataElementsByDataSet(ds))`);
 * 2.43 filters by both (`ds.uid = ANY(:ds) AND de.uid = ANY(:de)`).
 */
function dataElementsOf(ctx: SandboxContext, c: SandboxHttpContext): string[] {
  const named = listParam(c, 'de');
  const dataSets = listParam(c, 'ds');
  if (dataSets.length === 0) return named;
  const ofSets = elementsOf(ctx, dataSets);
  // A data set without elements matches nothing, not everything.
  const none = ['-'];
  if (!atLeast(ctx.version, 43))
    return [...named, ...ofSets].length > 0 ? [...named, ...ofSets] : none;
  const both = named.length > 0 ? ofSets.filter((id) => named.includes(id)) : ofSets;
  return both.length > 0 ? both : none;
}

function entryOf(row: DataValueAuditRow) {
  return {
    dataElement: { id: row.data_element },
    period: { id: row.period },
    organisationUnit: { id: row.org_unit },
    categoryOptionCombo: { id: row.category_option_combo },
    attributeOptionCombo: { id: row.attribute_option_combo },
    ...(row.value !== null ? { value: row.value } : {}),
    ...(row.modified_by !== null ? { modifiedBy: row.modified_by } : {}),
    created: row.created,
    auditType: row.audit_type,
  };
}

export function auditRoutes(ctx: SandboxContext): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.get('/audits/dataValue', (c) => {
    const types = listParam(c, 'auditType');
    const query: AuditQuery = {
      dataElements: dataElementsOf(ctx, c),
      periods: listParam(c, 'pe'),
      orgUnits: listParam(c, 'ou'),
      categoryOptionCombo: c.req.query('co') || undefined,
      attributeOptionCombo: c.req.query('cc') || undefined,
      types: atLeast(ctx.version, 41) ? types : types.slice(0, 1),
    };
    const skipPaging = c.req.query('skipPaging') === 'true' || c.req.query('paging') === 'false';
    if (skipPaging) return c.json({ dataValueAudits: findAudits(ctx.db, query).map(entryOf) });
    const pageSize = Math.max(1, Number(c.req.query('pageSize') ?? 50) || 50);
    const total = countAudits(ctx.db, query);
    const pageCount = Math.max(1, Math.ceil(total / pageSize));
    const page = Math.min(Math.max(1, Number(c.req.query('page') ?? 1) || 1), pageCount);
    const rows = findAudits(ctx.db, {
      ...query,
      page: { offset: (page - 1) * pageSize, size: pageSize },
    });
    return c.json({
      pager: { page, pageCount, total, pageSize },
      dataValueAudits: rows.map(entryOf),
    });
  });
  return app;
}
