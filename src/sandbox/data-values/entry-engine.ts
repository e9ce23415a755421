import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import type { MetadataObject } from '../metadata/store.ts';
import { parsePeriod } from '../periods/period.ts';
import type { Conflict, Counts, ImportOutcome } from './classic-engine.ts';
import type { ImportRequest } from './request.ts';
import { dataSetsOf, inputPeriodOpen, isAssigned, isExpired } from './target-data-sets.ts';
import { valueStore } from './value-store.ts';
import { valueTypeProblem } from './value-type.ts';

/**
 * The 2.43 data entry pipeline (`DataEntryPipeline`, `DefaultDataEntryService`): identifiers are decoded
 * first and one unknown object aborts the request (E8103/E8107/E8108/E8110, index -1); the values are
 * validated as a group against one data set (E8002/E8003 when it cannot be told), whose checks fail the
 * whole group (E8020–E8030); value-level problems reject that value only (E8122, E8128 for a repeated key).
 * Every successful upsert counts as updated.
 */
const abort = (errorCode: string, message: string, args: string, total: number): ImportOutcome => ({
  status: 'ERROR',
  description: 'Import process was aborted',
  counts: { imported: 0, updated: 0, ignored: total, deleted: 0 },
  conflicts: [
    { objects: { args }, value: message, errorCode, indexes: [-1] } as unknown as Conflict,
  ],
  rejectedIndexes: [],
  dataSetComplete: 'false',
});

interface Decoded {
  element: MetadataObject;
  period: NonNullable<ReturnType<typeof parsePeriod>>;
  orgUnit: MetadataObject;
  coc: MetadataObject;
  aoc: MetadataObject;
  value: string;
  deleted: boolean;
  comment: string | null;
  index: number;
}

function decode(ctx: SandboxContext, request: ImportRequest): Decoded[] | ImportOutcome {
  const o = request.options;
  const defaultCombo =
    ctx.metadata.get('categoryOptionCombos', 'HllvX50cXC0') ??
    ctx.metadata.list('categoryOptionCombos').find((coc) => coc.name === 'default');
  const combo = (id: string | undefined) =>
    id
      ? ctx.metadata.find('categoryOptionCombos', o.categoryOptionComboIdScheme, id)
      : defaultCombo;
  const decoded: Decoded[] = [];
  const total = request.values.length;
  for (const [index, value] of request.values.entries()) {
    const element = value.dataElement
      ? ctx.metadata.find('dataElements', o.dataElementIdScheme, value.dataElement)
      : undefined;
    if (!element)
      return abort(
        'E8103',
        `Value #${index} data element not found: \`${value.dataElement}\``,
        `${index}-${value.dataElement}`,
        total,
      );
    const period = parsePeriod(value.period ?? request.period ?? '');
    if (!period)
      return abort(
        'E8101',
        `Value #${index} period is not valid: \`${value.period}\``,
        `${index}-${value.period}`,
        total,
      );
    const ouId = value.orgUnit ?? request.orgUnit;
    const orgUnit = ouId
      ? ctx.metadata.find('organisationUnits', o.orgUnitIdScheme, ouId)
      : undefined;
    if (!orgUnit)
      return abort(
        'E8107',
        `Value #${index} org unit not found: \`${ouId}\``,
        `${index}-${ouId}`,
        total,
      );
    const coc = combo(value.categoryOptionCombo);
    if (!coc)
      return abort(
        'E8108',
        `Value #${index} category option combo not found: \`${value.categoryOptionCombo}\``,
        `${index}-${value.categoryOptionCombo}`,
        total,
      );
    const aoc = combo(value.attributeOptionCombo ?? request.attributeOptionCombo);
    if (!aoc)
      return abort(
        'E8110',
        `Value #${index} attribute option combo not found: \`${value.attributeOptionCombo}\``,
        `${index}-${value.attributeOptionCombo}`,
        total,
      );
    const text =
      value.value === null || value.value === undefined ? '' : String(value.value).trim();
    decoded.push({
      element,
      period,
      orgUnit,
      coc,
      aoc,
      value: text,
      deleted: value.deleted === true || o.strategy === 'DELETE' || text === '',
      comment: value.comment ?? null,
      index,
    });
  }
  return decoded;
}

function resolveDataSet(
  ctx: SandboxContext,
  request: ImportRequest,
  values: readonly Decoded[],
): MetadataObject | string {
  if (request.dataSet)
    return (
      ctx.metadata.find('dataSets', request.options.dataSetIdScheme, request.dataSet) ??
      `E8000:Data set not found: \`${request.dataSet}\``
    );
  const candidates = new Map<string, MetadataObject>();
  for (const value of values) {
    const sets = dataSetsOf(ctx, value.element.id);
    if (sets.length === 0)
      return `E8003:Data element \`${value.element.id}\` belongs to no data set; specify the data set`;
    if (sets.length > 1)
      return `E8002:Data element \`${value.element.id}\` belongs to multiple data sets; specify the data set`;
    candidates.set(sets[0]!.id, sets[0]!);
  }
  if (candidates.size > 1)
    return 'E8002:Values belong to multiple data sets: found multiple sets; send one request per data set';
  return [...candidates.values()][0] ?? 'E8003:found no set';
}

function groupProblem(
  ctx: SandboxContext,
  user: SandboxUser,
  dataSet: MetadataObject,
  values: readonly Decoded[],
  force: boolean,
): [string, string] | undefined {
  const now = ctx.clock.now();
  for (const v of values) {
    if (!dataSetsOf(ctx, v.element.id).some((ds) => ds.id === dataSet.id))
      return [
        'E8020',
        `Data element \`${v.element.id}\` is not part of data set \`${dataSet.id}\``,
      ];
    if (v.period.periodType !== dataSet.periodType)
      return [
        'E8021',
        `Period \`${v.period.id}\` is not of the period type \`${dataSet.periodType}\` of data set \`${dataSet.id}\``,
      ];
    if (!isAssigned(ctx, dataSet.id, v.orgUnit.id))
      return [
        'E8022',
        `Org unit \`${v.orgUnit.id}\` is not assigned to data set \`${dataSet.id}\``,
      ];
    if (!ctx.orgUnits.isWithin(v.orgUnit.id, user.orgUnits))
      return [
        'E8010',
        `Org unit \`${v.orgUnit.id}\` is not in the data capture hierarchy of user \`${user.username}\``,
      ];
    const cocCombo = (v.coc.categoryCombo as { id?: string } | undefined)?.id;
    if (
      cocCombo !== (v.element.categoryCombo as { id?: string } | undefined)?.id &&
      v.coc.id !== 'HllvX50cXC0'
    )
      return [
        'E8024',
        `Category option combo \`${v.coc.id}\` is not part of the category combo of data element \`${v.element.id}\``,
      ];
    if (
      !(force && user.superuser) &&
      (isExpired(dataSet, v.period, now, user) || !inputPeriodOpen(dataSet, v.period, now))
    ) {
      return ['E8030', `Period \`${v.period.id}\` is not open for data set \`${dataSet.id}\``];
    }
  }
  return undefined;
}

export function importEntryPipeline(
  ctx: SandboxContext,
  user: SandboxUser,
  request: ImportRequest,
): ImportOutcome {
  const decoded = decode(ctx, request);
  if (!Array.isArray(decoded)) return decoded;
  const total = decoded.length;
  const dataSet = resolveDataSet(ctx, request, decoded);
  if (typeof dataSet === 'string') {
    const [code, message] = dataSet.split(/:(.*)/s) as [string, string];
    return abort(code, message, dataSet, total);
  }
  const problem = groupProblem(ctx, user, dataSet, decoded, request.options.force);
  if (problem)
    return {
      ...abort(problem[0], problem[1], dataSet.id, total),
      description: 'Import process completed with errors',
    };
  const conflicts: Conflict[] = [];
  const counts: Counts = { imported: 0, updated: 0, ignored: 0, deleted: 0 };
  const seen = new Set<string>();
  const store = valueStore(ctx.db);
  const now = ctx.clock.now().toISOString().slice(0, 23);
  ctx.db.transaction(() => {
    for (const v of decoded) {
      const key = keyOf(v);
      const conflict = valueConflict(v, JSON.stringify(key), seen);
      if (conflict) {
        conflicts.push(conflict);
        continue;
      }
      if (request.options.dryRun) {
        counts[v.deleted ? 'deleted' : 'updated'] += 1;
        continue;
      }
      const outcome = upsert(store, key, v, user.username, now);
      if (outcome) counts[outcome] += 1;
    }
  })();
  counts.ignored = total - counts.updated - counts.deleted;
  const succeeded = counts.updated + counts.deleted;
  return {
    status: conflicts.length === 0 ? 'SUCCESS' : succeeded > 0 ? 'WARNING' : 'ERROR',
    description: 'Import process completed successfully',
    counts,
    conflicts,
    rejectedIndexes: conflicts.flatMap((c) => c.indexes),
    dataSetComplete: 'false',
  };
}

const keyOf = (v: Decoded) => ({
  dataElement: v.element.id,
  period: v.period.id,
  orgUnit: v.orgUnit.id,
  categoryOptionCombo: v.coc.id,
  attributeOptionCombo: v.aoc.id,
});

/** Problems that reject one value only: a key seen before (E8128), a wrong value type (E8122). */
function valueConflict(v: Decoded, keyText: string, seen: Set<string>): Conflict | undefined {
  if (seen.has(keyText))
    return {
      objects: { args: `${v.index}` },
      value: `Value #${v.index} has the same key as another value`,
      errorCode: 'E8128',
      indexes: [v.index],
    } as unknown as Conflict;
  seen.add(keyText);
  const typeProblem = v.deleted
    ? undefined
    : valueTypeProblem(v.value, v.element.valueType as string | undefined);
  if (typeProblem)
    return {
      objects: { args: `${v.index}-${v.value}-${v.element.valueType}` },
      value: `Value #${v.index} value \`${v.value}\` is no valid ${v.element.valueType}: ${typeProblem}`,
      errorCode: 'E8122',
      indexes: [v.index],
    } as unknown as Conflict;
  return undefined;
}

/** Every write is an upsert, counted as updated; a deletion counts only if there was a value. */
function upsert(
  store: ReturnType<typeof valueStore>,
  key: ReturnType<typeof keyOf>,
  v: Decoded,
  username: string,
  now: string,
): 'updated' | 'deleted' | undefined {
  if (v.deleted) {
    const existing = store.get(key);
    if (existing && existing.deleted === 0) {
      store.delete(key, username, now);
      return 'deleted';
    }
    return undefined;
  }
  store.put(key, { value: v.value, storedBy: username, comment: v.comment, followup: false }, now);
  return 'updated';
}
