import { atLeast, type Dhis2Version } from '../version.ts';
import type { PageRequest, RowPage } from './tracker-query.ts';

/**
 * The list answers of `GET /api/tracker/{events,enrollments,trackedEntities}` by version:
 * - 2.36–2.40 `PagingWrapper`: `{instances, page, pageSize, total?}` with the pager at the root
 *   (`@JsonUnwrapped`), `pageCount` from 2.38, totals only with `totalPages=true`, no pager with
 *   `skipPaging=true` (WEB36 event/webrequest/PagingWrapper @2.36.13 L45-L84; API …/PagingWrapper @2.40.12);
 * - 2.41 `Page`: `{events|enrollments|trackedEntities, pager{page,pageSize,total?,pageCount?}}` and the
 *   same numbers at the root, deprecated (WEB tracker/view/Page @2.41.9 L54-L165; `ExportControllerPaginationTest`);
 * - 2.42+ `Page`: the list and `pager{page,pageSize,total?,pageCount?,prevPage?,nextPage?}` only,
 *   `prevPage`/`nextPage` full URLs (Page @2.42.5 L53-L121, identical @2.43.1).
 */
export type ListKey = 'events' | 'enrollments' | 'trackedEntities';

export function trackerListBody(
  version: Dhis2Version,
  key: ListKey,
  items: unknown[],
  request: PageRequest,
  result: RowPage<unknown>,
  url: URL,
): Record<string, unknown> {
  const listKey = atLeast(version, 41) ? key : 'instances';
  if (!request.paged) return { [listKey]: items };
  const total = request.totalPages ? result.total : undefined;
  const pageCount =
    total !== undefined && atLeast(version, 38) ? Math.ceil(total / request.pageSize) : undefined;
  const numbers = compact({ page: request.page, pageSize: request.pageSize, total, pageCount });
  if (!atLeast(version, 41)) return { [listKey]: items, ...numbers };
  if (!atLeast(version, 42)) return { [listKey]: items, pager: numbers, ...numbers };
  const link = (page: number) => {
    const next = new URL(url);
    next.searchParams.set('page', String(page));
    return next.toString();
  };
  return {
    [listKey]: items,
    pager: compact({
      ...numbers,
      prevPage: request.page > 1 ? link(request.page - 1) : undefined,
      nextPage: result.more ? link(request.page + 1) : undefined,
    }),
  };
}

/**
 * The pagers of the older endpoints (`NodeUtils` @2.36.13 L90-L111): with `totalPages=true`
 * `{page, pageCount, total, pageSize}`, else the slim `{page, pageSize, isLastPage}`.
 */
export function legacyPager(
  request: PageRequest,
  result: RowPage<unknown>,
): Record<string, unknown> {
  if (request.totalPages && result.total !== undefined)
    return {
      page: request.page,
      pageCount: Math.ceil(result.total / request.pageSize),
      total: result.total,
      pageSize: request.pageSize,
    };
  return { page: request.page, pageSize: request.pageSize, isLastPage: !result.more };
}

function compact(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
