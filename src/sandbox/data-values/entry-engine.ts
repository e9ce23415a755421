import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { isUid } from '../metadata/id-scheme.ts';
import type { MetadataObject } from '../metadata/store.ts';
import { parsePeriod } from '../periods/period.ts';
import {
  type Decoded,
  distinct,
  duplicateKeys,
  type GroupProblem,
  keyProblem,
  list,
  untimely,
} from './entry-checks.ts';
import type { Conflict, Counts, ImportOutcome } from './import-outcome.ts';
import type { ImportRequest } from './request.ts';
import { dataSetsOf } from './target-data-sets.ts';
import { valueStore } from './value-store.ts';
import { valueTypeProblem } from './value-type.ts';

/**
 * The 2.43 data entry pipeline (`DataEntryPipeline`, `DefaultDataEntryService`, 2.43.0):
 * - identifiers are decoded first; one unknown object aborts the request (E8103/E8107/E8108/E8110,
 *   index -1);
 * - the payload is one group for one data set (E8002/E8003 when it cannot be told);
 * - group checks (`validate`: user access E8011, key consistency E8020/E8022/E8021/E8024, timeliness
 *   E8030, then duplicate keys E8128) throw a ConflictException: the whole group is rejected, nothing
 *   is written, its one conflict and `rejectedIndexes` name every index of the group, counts stay 0;
 * - value checks (E8120 empty value, E8122 value type) reject that value only;
 * - every write is an upsert counted as updated (`deleted: true` too, a key that held nothing included);
 *   with importStrategy DELETE every value becomes a deletion and the count moves to deleted.
 */

/** A conflict as `DataEntrySummary.toConflict` writes it: no `object`, the args joined by "-". */
function conflictOf(
  errorCode: string,
  message: string,
  args: readonly string[],
  indexes: number[],
): Conflict {
  return { objects: { args: args.join('-') }, value: message, errorCode, indexes } as Conflict;
}

const abort = (errorCode: string, message: string, args: readonly string[]): ImportOutcome => ({
  status: 'ERROR',
  description: 'Import process was aborted',
  counts: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
  conflicts: [conflictOf(errorCode, message, args, [-1])],
  rejectedIndexes: [],
  dataSetComplete: 'false',
});

function decodeValue(
  ctx: SandboxContext,
  request: ImportRequest,
  index: number,
): Decoded | ImportOutcome {
  const o = request.options;
  const value = request.values[index]!;
  const defaultCombo =
    ctx.metadata.get('categoryOptionCombos', 'HllvX50cXC0') ??
    ctx.metadata.list('categoryOptionCombos').find((coc) => coc.name === 'default');
  const combo = (id: string | undefined, scheme = o.categoryOptionComboIdScheme) =>
    id ? ctx.metadata.find('categoryOptionCombos', scheme, id) : defaultCombo;
  const notFound = (code: string, what: string, id: string | undefined) =>
    abort(code, `Value #${index} ${what} not found: \`${id}\``, [String(index), String(id)]);
  // Read as UIDs, an identifier that cannot be one is refused before it is looked up (E8104, E8106,
  // E8109, E8111: "… UID is not valid").
  const notUid = (scheme: { kind: string }, id: string | undefined, code: string, what: string) =>
    scheme.kind === 'UID' && id !== undefined && !isUid(id)
      ? abort(code, `Value #${index} ${what} UID is not valid: \`${id}\``, [String(index), id])
      : undefined;
  const invalid =
    notUid(o.dataElementIdScheme, value.dataElement, 'E8104', 'data element') ??
    notUid(o.orgUnitIdScheme, value.orgUnit ?? request.orgUnit, 'E8106', 'org unit') ??
    notUid(
      o.categoryOptionComboIdScheme,
      value.categoryOptionCombo,
      'E8109',
      'category option combo',
    ) ??
    notUid(
      o.attributeOptionComboIdScheme,
      value.attributeOptionCombo ?? request.attributeOptionCombo,
      'E8111',
      'attribute option combo',
    );
  if (invalid) return invalid;
  const element = value.dataElement
    ? ctx.metadata.find('dataElements', o.dataElementIdScheme, value.dataElement)
    : undefined;
  if (!element) return notFound('E8103', 'data element', value.dataElement);
  const periodId = value.period ?? request.period;
  const period = parsePeriod(periodId ?? '');
  if (!period)
    return abort('E8100', `Value #${index} period not defined in group or value: \`${periodId}\``, [
      String(index),
      String(periodId),
    ]);
  const ouId = value.orgUnit ?? request.orgUnit;
  const orgUnit = ouId
    ? ctx.metadata.find('organisationUnits', o.orgUnitIdScheme, ouId)
    : undefined;
  if (!orgUnit) return notFound('E8107', 'org unit', ouId);
  const coc = combo(value.categoryOptionCombo);
  if (!coc) return notFound('E8108', 'category option combo', value.categoryOptionCombo);
  const aocId = value.attributeOptionCombo ?? request.attributeOptionCombo;
  const aoc = combo(aocId, o.attributeOptionComboIdScheme);
  if (!aoc) return notFound('E8110', 'attribute option combo', aocId);
  return {
    element,
    period,
    orgUnit,
    coc,
    aoc,
    value: value.value === null || value.value === undefined ? '' : String(value.value).trim(),
    // `DefaultDataEntryService.deleteGroup`: a DELETE import turns every value into a deletion.
    deleted: value.deleted === true || o.strategy === 'DELETE',
    comment: value.comment ?? null,
    index,
  };
}

function decode(ctx: SandboxContext, request: ImportRequest): Decoded[] | ImportOutcome {
  const decoded: Decoded[] = [];
  for (const index of request.values.keys()) {
    const value = decodeValue(ctx, request, index);
    if (!('element' in value)) return value;
    decoded.push(value);
  }
  return decoded;
}

function resolveDataSet(
  ctx: SandboxContext,
  request: ImportRequest,
  values: readonly Decoded[],
): MetadataObject | [string, string, string[]] {
  if (request.dataSet) {
    const found = ctx.metadata.find('dataSets', request.options.dataSetIdScheme, request.dataSet);
    return found ?? ['E8005', `Data set not found: \`${request.dataSet}\``, [request.dataSet]];
  }
  const elements = distinct(values.map((v) => v.element.id));
  const sets = distinct(elements.flatMap((id) => dataSetsOf(ctx, id).map((ds) => ds.id)));
  if (sets.length === 0)
    return [
      'E8003',
      `Data set detection failed, found no set for data element(s): \`${list(elements)}\``,
      [list(elements)],
    ];
  if (sets.length > 1)
    return [
      'E8002',
      `Data set detection failed, found multiple sets: \`${list(sets)}\``,
      [list(sets)],
    ];
  return ctx.metadata.get('dataSets', sets[0]!)!;
}

/** `normalizeValue`: a whole number written as a decimal loses its ".0"; booleans read loosely. */
function normalise(v: Decoded): string {
  const type = String(v.element.valueType);
  if (type.startsWith('INTEGER') && v.value.endsWith('.0')) return v.value.slice(0, -2);
  if (type === 'BOOLEAN' || type === 'TRUE_ONLY') {
    if (/^(t|y|1|yes|true)$/i.test(v.value)) return 'true';
    if (/^(f|n|0|no|false)$/i.test(v.value)) return 'false';
  }
  return v.value;
}

/** Value-level checks: the value is required unless deleted (E8120/E8121), and of its type (E8122). */
function valueProblem(ds: MetadataObject, v: Decoded, value: string): Conflict | undefined {
  // As written in 2.43.0: a data set whose "no value requires comment" is on lets an empty value through
  // only without a comment, and asks for E8121 when there is one.
  const commentAllowsEmpty = ds.noValueRequiresComment === true;
  const allowEmpty = v.deleted || (commentAllowsEmpty && !v.comment);
  if (value === '' && !allowEmpty) {
    const code = commentAllowsEmpty ? 'E8121' : 'E8120';
    const text = commentAllowsEmpty ? 'value or comment is required`' : 'value is required';
    return conflictOf(code, `Value #${v.index} ${text}`, [String(v.index)], [v.index]);
  }
  const problem =
    value === '' ? undefined : valueTypeProblem(value, v.element.valueType as string | undefined);
  if (!problem) return undefined;
  const type = String(v.element.valueType);
  return conflictOf(
    'E8122',
    `Value #${v.index} value \`${value}\` is no valid ${type}: ${problem}`,
    [String(v.index), value, type, problem],
    [v.index],
  );
}

/** The group rejected as a whole: one conflict over every index, nothing counted, nothing written. */
function groupRejected(
  values: readonly Decoded[],
  [code, message, args]: GroupProblem,
): ImportOutcome {
  const indexes = values.map((v) => v.index);
  return {
    status: 'ERROR',
    description: 'Import process completed with errors',
    counts: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
    conflicts: [conflictOf(code, message, args, indexes)],
    rejectedIndexes: indexes,
    dataSetComplete: 'false',
  };
}

export function importEntryPipeline(
  ctx: SandboxContext,
  user: SandboxUser,
  request: ImportRequest,
): ImportOutcome {
  const decoded = decode(ctx, request);
  if (!Array.isArray(decoded)) return decoded;
  const ds = resolveDataSet(ctx, request, decoded);
  if (Array.isArray(ds)) return abort(...ds);
  const skipTimeliness = request.options.force && user.superuser;
  const problem =
    keyProblem(ctx, user, ds, decoded) ??
    (skipTimeliness ? undefined : untimely(ctx, user, ds, decoded)) ??
    duplicateKeys(decoded);
  if (problem) return groupRejected(decoded, problem);
  const conflicts: Conflict[] = [];
  const valid: { v: Decoded; value: string }[] = [];
  const allDeleted = decoded.every((v) => v.deleted);
  for (const v of decoded) {
    const value = allDeleted ? v.value : normalise(v);
    const conflict = allDeleted ? undefined : valueProblem(ds, v, value);
    if (conflict) conflicts.push(conflict);
    else valid.push({ v, value });
  }
  if (!request.options.dryRun) write(ctx, user, valid);
  const succeeded = valid.length;
  const counts: Counts = { imported: 0, updated: succeeded, ignored: conflicts.length, deleted: 0 };
  if (request.options.strategy === 'DELETE') {
    counts.deleted = counts.updated;
    counts.updated = 0;
  }
  return {
    status: conflicts.length === 0 ? 'SUCCESS' : succeeded > 0 ? 'WARNING' : 'ERROR',
    description: 'Import process completed successfully',
    counts,
    conflicts,
    rejectedIndexes: conflicts.flatMap((c) => c.indexes),
    dataSetComplete: 'false',
  };
}

/** `HibernateDataEntryStore.upsertValues`: one upsert per value, deletions as deleted rows. */
function write(
  ctx: SandboxContext,
  user: SandboxUser,
  valid: readonly { v: Decoded; value: string }[],
) {
  const store = valueStore(ctx.db, ctx.version);
  const now = ctx.clock.now().toISOString().slice(0, 23);
  ctx.db.transaction(() => {
    for (const { v, value } of valid) {
      const key = {
        dataElement: v.element.id,
        period: v.period.id,
        orgUnit: v.orgUnit.id,
        categoryOptionCombo: v.coc.id,
        attributeOptionCombo: v.aoc.id,
      };
      const stored = {
        value: value === '' ? null : value,
        storedBy: user.username,
        comment: v.comment,
      };
      if (v.deleted) store.tombstone(key, stored, now);
      else store.put(key, { ...stored, followup: false }, now);
    }
  })();
}
