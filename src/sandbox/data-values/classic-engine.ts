import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import type { IdScheme } from '../metadata/id-scheme.ts';
import { type MetadataObject, refIds } from '../metadata/store.ts';
import { parsePeriod } from '../periods/period.ts';
import { hasSharing } from '../users/sharing.ts';
import { atLeast } from '../version.ts';
import { lockProblem, type Resolved } from './classic-timeliness.ts';
import {
  type Conflict,
  Conflicts,
  type Counts,
  type ImportOutcome,
  listsRejected,
} from './import-outcome.ts';
import type { ImportRequest, IncomingValue } from './request.ts';
import { valueStore } from './value-store.ts';
import { valueTypeProblem, zeroAndInsignificant } from './value-type.ts';

const DEFAULT_COC = 'HllvX50cXC0';

/** Resolves an identifier by scheme, or the default combo when a combo is left out. */
function resolver(ctx: SandboxContext) {
  const defaultCombo =
    ctx.metadata.get('categoryOptionCombos', DEFAULT_COC) ??
    ctx.metadata.list('categoryOptionCombos').find((coc) => coc.name === 'default');
  return {
    find: (type: string, scheme: IdScheme, id: string | undefined) =>
      id ? ctx.metadata.find(type, scheme, id) : undefined,
    combo: (scheme: IdScheme, id: string | undefined) =>
      id === undefined || id === ''
        ? defaultCombo
        : ctx.metadata.find('categoryOptionCombos', scheme, id),
  };
}

/** The first failing check rejects a value (`DataValueSetImportValidator`, in its order). */
function validate(
  ctx: SandboxContext,
  user: SandboxUser,
  request: ImportRequest,
  value: IncomingValue,
  index: number,
  conflicts: Conflicts,
): Resolved | undefined {
  const resolved = resolveIds(ctx, request, value, index, conflicts);
  return resolved && valueAccepted(ctx, user, request, value, resolved, index, conflicts)
    ? resolved
    : undefined;
}

/** A value's identifiers, each by its id scheme; the first unknown is a conflict (E7610–E7615). */
function resolveIds(
  ctx: SandboxContext,
  request: ImportRequest,
  value: IncomingValue,
  index: number,
  conflicts: Conflicts,
): Resolved | undefined {
  const o = request.options;
  const r = resolver(ctx);
  const de = value.dataElement ?? '';
  const element = r.find('dataElements', o.dataElementIdScheme, de);
  if (!element)
    return void conflicts.add(
      'E7610',
      'dataElement',
      { dataElement: de },
      `Data element not found or not accessible: \`${de}\``,
      index,
    );
  const periodId = value.period ?? request.period ?? '';
  const period = parsePeriod(periodId);
  if (!period)
    return void conflicts.add(
      'E7611',
      'period',
      { period: periodId },
      `Period not valid: \`${periodId}\``,
      index,
    );
  const ou = value.orgUnit ?? request.orgUnit ?? '';
  const orgUnit = r.find('organisationUnits', o.orgUnitIdScheme, ou);
  if (!orgUnit)
    return void conflicts.add(
      'E7612',
      'orgUnit',
      { organisationUnit: ou },
      `Organisation unit not found or not accessible: \`${ou}\``,
      index,
    );
  const coc = r.combo(o.categoryOptionComboIdScheme, value.categoryOptionCombo);
  if (!coc)
    return void conflicts.add(
      'E7613',
      'categoryOptionCombo',
      { categoryOptionCombo: value.categoryOptionCombo ?? '' },
      `Category option combo not found or not accessible for writing data: \`${value.categoryOptionCombo}\``,
      index,
    );
  // The classic engine resolves attribute option combos with the category option combo scheme.
  const aocId = value.attributeOptionCombo ?? request.attributeOptionCombo;
  const aoc = r.combo(o.categoryOptionComboIdScheme, aocId);
  if (!aoc)
    return void conflicts.add(
      'E7615',
      'attributeOptionCombo',
      { attributeOptionCombo: aocId ?? '' },
      `Attribute option combo not found or not accessible for writing data: \`${aocId}\``,
      index,
    );
  return { element, period, orgUnit, coc, aoc };
}

/**
 * The checks on a resolved value, in the validator's order: the user's hierarchy, a value or a
 * comment, the value type, and (when strict) the combo's category combo (E7617–E7634).
 */
function valueAccepted(
  ctx: SandboxContext,
  user: SandboxUser,
  request: ImportRequest,
  value: IncomingValue,
  { element, orgUnit, coc, aoc }: Resolved,
  index: number,
  conflicts: Conflicts,
): true | undefined {
  const o = request.options;
  for (const [combo, given, code, label] of [
    [coc, value.categoryOptionCombo, 'E7614', 'Category option combo'],
    [
      aoc,
      value.attributeOptionCombo ?? request.attributeOptionCombo,
      'E7616',
      'Attribute option combo',
    ],
  ] as const) {
    const closed = closedOption(ctx, user, combo);
    if (closed)
      return void conflicts.add(
        code,
        code === 'E7614' ? 'categoryOptionCombo' : 'attributeOptionCombo',
        { optionCombo: given ?? combo.id, categoryOption: closed },
        `${label}: \`${given ?? combo.id}\` option not accessible: \`${closed}\``,
        index,
      );
  }
  if (!ctx.orgUnits.isWithin(orgUnit.id, user.orgUnits)) {
    // The user's UID (DataValueSetImportValidatorTest.testValidateDataValueOrgUnitInUserHierarchy).
    return void conflicts.add(
      'E7617',
      'orgUnit',
      { organisationUnit: orgUnit.id, user: user.id },
      `Organisation unit: \`${orgUnit.id}\` not in hierarchy of current user: \`${user.id}\``,
      index,
    );
  }
  const deletion = value.deleted === true || o.strategy === 'DELETE';
  if (
    (value.value === null || value.value === undefined) &&
    (value.comment === null || value.comment === undefined) &&
    !deletion
  ) {
    return void conflicts.add(
      'E7618',
      'value',
      { dataElement: element.id },
      `Data value or comment not specified for data element: \`${element.id}\``,
      index,
    );
  }
  const text = value.value === null || value.value === undefined ? '' : String(value.value).trim();
  if (text !== '' && !deletion) {
    const problem = valueTypeProblem(text, element.valueType as string | undefined);
    if (problem)
      return void conflicts.add(
        'E7619',
        'value',
        { dataElement: element.id, value: problem },
        `Value must match value type of data element \`${element.id}\`: \`${problem}\``,
        index,
      );
  }
  if (
    o.strictCategoryOptionCombos &&
    (coc.categoryCombo as { id?: string } | undefined)?.id !==
      (element.categoryCombo as { id?: string } | undefined)?.id
  ) {
    return void conflicts.add(
      'E7634',
      'categoryOptionCombo',
      { categoryOptionCombo: coc.id, dataElement: element.id },
      `Category option combo: \`${coc.id}\` must be part of category combo of data element: \`${element.id}\``,
      index,
    );
  }
  return true;
}

/**
 * Writes one valid value (`saveDataValueCreate/Update/Delete`): returns the count it falls in, or nothing
 * for a zero that is not significant and had nothing to replace (dropped without a trace).
 */
function writeValue(
  store: ReturnType<typeof valueStore>,
  key: Parameters<ReturnType<typeof valueStore>['get']>[0],
  value: IncomingValue,
  o: ImportRequest['options'],
  username: string,
  now: string,
  element: MetadataObject,
): keyof Counts | undefined {
  const stored = store.get(key);
  const existing = stored && stored.deleted === 0 ? stored : undefined;
  const text = value.value === null || value.value === undefined ? '' : String(value.value).trim();
  const storedBy = value.storedBy ?? username;
  const comment = value.comment ?? null;
  const followup = value.followup === true;
  if (value.deleted === true || o.strategy === 'DELETE' || (text === '' && comment === null)) {
    if (!existing) return 'ignored';
    if (!o.dryRun) store.delete(key, storedBy, now);
    return 'deleted';
  }
  if (zeroAndInsignificant(text, element as { valueType?: unknown })) {
    // A zero that is not significant is not stored; it removes the value it would replace.
    if (!existing || o.strategy === 'CREATE') return undefined;
    if (!o.dryRun) store.delete(key, storedBy, now);
    return 'deleted';
  }
  if (existing) {
    if (o.strategy === 'CREATE') return 'ignored';
    if (
      existing.value === text &&
      (existing.comment ?? null) === comment &&
      (existing.followup === 1) === followup
    )
      return 'ignored';
    if (!o.dryRun) store.put(key, { value: text, storedBy, comment, followup }, now);
    return 'updated';
  }
  if (o.strategy === 'UPDATE') return 'ignored';
  if (!o.dryRun) store.put(key, { value: text, storedBy, comment, followup }, now);
  return 'imported';
}

/**
 * A category option of a combo the user may not write data for (`validateDataValueCategoryOptionCombo
 * Access`, `…AttrOptionComboAccess`: `aclService.canDataWrite` on each option), if any.
 */
function closedOption(
  ctx: SandboxContext,
  user: SandboxUser,
  combo: MetadataObject,
): string | undefined {
  return refIds(combo.categoryOptions).find((id) => {
    const option = ctx.metadata.get('categoryOptions', id);
    return option !== undefined && !hasSharing(ctx.metadata, user, option, 'dataWrite');
  });
}

/**
 * `validateDataSetIsAccessibleByUser`: the body's data set must be data-writable, or the whole import
 * stops with ERROR (E7601; 2.36 has the message without a code).
 */
function dataSetRefused(
  ctx: SandboxContext,
  user: SandboxUser,
  request: ImportRequest,
): ImportOutcome | undefined {
  if (!request.dataSet) return undefined;
  const dataSet = ctx.metadata.find('dataSets', request.options.dataSetIdScheme, request.dataSet);
  if (!dataSet || hasSharing(ctx.metadata, user, dataSet, 'dataWrite')) return undefined;
  const message = atLeast(ctx.version, 37)
    ? `User does not have write access for DataSet: \`${request.dataSet}\``
    : `User does not have write access for DataSet: ${request.dataSet}`;
  return {
    status: 'ERROR',
    description: 'Import process completed with errors',
    counts: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
    conflicts: [
      atLeast(ctx.version, 37)
        ? {
            object: request.dataSet,
            objects: { dataSet: request.dataSet },
            value: message,
            errorCode: 'E7601',
            indexes: [],
          }
        : ({ object: request.dataSet, value: message } as unknown as Conflict),
    ],
    ...(listsRejected(ctx) ? { rejectedIndexes: [] } : {}),
    dataSetComplete: 'false',
  };
}

/** The classic import engine of 2.36–2.42 (`DefaultDataValueSetService.importDataValue`). */
export function importClassic(
  ctx: SandboxContext,
  user: SandboxUser,
  request: ImportRequest,
): ImportOutcome {
  const refused = dataSetRefused(ctx, user, request);
  if (refused) return refused;
  const conflicts = new Conflicts();
  const counts: Counts = { imported: 0, updated: 0, ignored: 0, deleted: 0 };
  const rejected: number[] = [];
  const store = valueStore(ctx.db, ctx.version);
  // The batch handler writes lastupdated as yyyy-MM-dd'T'HH:mm:ss: whole seconds (DataValueBatchHandler).
  const now = `${ctx.clock.now().toISOString().slice(0, 19)}.000`;
  const o = request.options;
  // Keys this request inserted: the batch handler buffers inserts and refuses a second object with the
  // same key until the buffer is flushed (`AbstractBatchHandler.addObject`, dhis2/quick), so a later value
  // for a key that held nothing is dropped without a count or a conflict; for a key that held a value,
  // updates run at once and the last one wins.
  const inserted = new Set<string>();
  const write = () =>
    request.values.forEach((value, index) => {
      const resolved = validate(ctx, user, request, value, index, conflicts);
      if (!resolved || lockProblem(ctx, user, request, resolved, index, conflicts)) {
        counts.ignored += 1;
        rejected.push(index);
        return;
      }
      const key = {
        dataElement: resolved.element.id,
        period: resolved.period.id,
        orgUnit: resolved.orgUnit.id,
        categoryOptionCombo: resolved.coc.id,
        attributeOptionCombo: resolved.aoc.id,
      };
      const keyText = JSON.stringify(key);
      if (inserted.has(keyText)) return;
      const held = store.get(key) !== undefined;
      const outcome = writeValue(store, key, value, o, user.username, now, resolved.element);
      if (outcome === 'imported' && !held && !o.dryRun) inserted.add(keyText);
      if (outcome) counts[outcome] += 1;
    });
  ctx.db.transaction(write)();
  const list = conflicts.list();
  return {
    status: list.length > 0 ? 'WARNING' : 'SUCCESS',
    description: 'Import process completed successfully',
    counts,
    conflicts: atLeast(ctx.version, 37)
      ? list
      : list.flatMap((c) =>
          c.indexes.map(() => ({ object: c.object, value: c.value }) as unknown as Conflict),
        ),
    ...(listsRejected(ctx) ? { rejectedIndexes: rejected } : {}),
    dataSetComplete: request.completeDate && request.dataSet ? request.completeDate : 'false',
  };
}
