import type { DataValue } from '../core/data-value.ts';
import type { HeldValue, StaleValue } from '../core/reconcile.ts';
import type { JobReport } from '../core/report.ts';
import type { Intent, RunRecord } from './types.ts';

/** A ledger or deletion row as both databases return it (combos stored as '' for the default). */
export interface ValueRow {
  data_element: string;
  period: string;
  org_unit: string;
  category_option_combo: string;
  attribute_option_combo: string;
  value: string;
  run_id?: string;
  target?: string;
  stored_by?: string | null;
  last_updated?: string | null;
}

const optional = (value: string) => (value === '' ? undefined : value);

export function heldValueFromRow(row: ValueRow): HeldValue {
  return {
    dataElement: row.data_element,
    period: row.period,
    orgUnit: row.org_unit,
    categoryOptionCombo: optional(row.category_option_combo),
    attributeOptionCombo: optional(row.attribute_option_combo),
    value: row.value,
    storedBy: row.stored_by ?? undefined,
    lastUpdated: row.last_updated ?? undefined,
  };
}

export function deletionFromRow(row: ValueRow): { target: string; value: HeldValue } {
  return { target: row.target ?? '', value: heldValueFromRow(row) };
}

/** The default combo is stored as '' (a key column cannot be NULL). */
export const blankCombo = (value: string | undefined) => value ?? '';

/** A held value's columns and what is to be done with it: deletion rows and held stale values share them. */
function staleColumns({ held, action }: StaleValue): (string | null)[] {
  return [
    held.dataElement,
    held.period,
    held.orgUnit,
    blankCombo(held.categoryOptionCombo),
    blankCombo(held.attributeOptionCombo),
    held.value,
    held.storedBy ?? null,
    held.lastUpdated ?? null,
    action,
  ];
}

/** The columns of one deletion row, in the order both databases insert them. */
export function deletionParams(
  runId: string,
  target: string,
  stale: StaleValue,
  recordedAt: string,
): (string | null)[] {
  return [runId, target, ...staleColumns(stale), recordedAt];
}

/** The columns of one held stale value, in the order both databases insert them. */
export function staleParams(target: string, job: string, stale: StaleValue): (string | null)[] {
  return [target, job, ...staleColumns(stale)];
}

export function staleFromRow(row: ValueRow & { action: string }): StaleValue {
  return { held: heldValueFromRow(row), action: row.action === 'zero' ? 'zero' : 'delete' };
}

/** The columns `finishRun` sets, in the order both databases update them, the run id last. */
export function finishRunParams(
  id: string,
  status: RunRecord['status'],
  report: JobReport | undefined,
  totals: RunRecord['counts'],
  error: string | undefined,
): (string | number | null)[] {
  return [
    status,
    new Date().toISOString(),
    JSON.stringify(report?.periods ?? []),
    report?.sourceVersion ?? null,
    JSON.stringify(
      report?.targets.map((target) => `${target.target} ${target.dhis2Version ?? '?'}`) ?? [],
    ),
    totals.exported,
    totals.sent,
    totals.imported,
    totals.updated,
    totals.ignored,
    totals.deleted,
    totals.withheld,
    totals.conflicted,
    error ?? report?.error?.message ?? null,
    report ? JSON.stringify(report) : null,
    id,
  ];
}

/** An intent as both databases return it. */
export interface IntentRow {
  id: string;
  run_id: string;
  intended_values: string;
}

/**
 * An intent's values as stored: `[dataElement, period, orgUnit, categoryOptionCombo, attributeOptionCombo,
 * value]` each (combos '' for the default, a comment after them when there is one). Half the bytes of
 * the objects, and written with the disk waited for before every import request, so they count.
 */
type IntendedValue = [string, string, string, string, string, string] | [...string[]];

export function intendedValuesJson(values: readonly DataValue[]): string {
  return JSON.stringify(
    values.map((value): IntendedValue => {
      const row = [
        value.dataElement,
        value.period,
        value.orgUnit,
        value.categoryOptionCombo ?? '',
        value.attributeOptionCombo ?? '',
        value.value,
      ];
      if (value.comment !== undefined) row.push(value.comment);
      return row;
    }),
  );
}

/** Stores written before the compact form kept the values as objects: both are read. */
function intendedValue(stored: IntendedValue | DataValue): DataValue {
  if (!Array.isArray(stored)) return stored;
  const [dataElement = '', period = '', orgUnit = '', coc, aoc, value = '', comment] = stored;
  return {
    dataElement,
    period,
    orgUnit,
    ...(coc ? { categoryOptionCombo: coc } : {}),
    ...(aoc ? { attributeOptionCombo: aoc } : {}),
    value,
    ...(comment === undefined ? {} : { comment }),
  };
}

export function intentFromRow(row: IntentRow): Intent {
  return {
    id: row.id,
    runId: row.run_id,
    values: (JSON.parse(row.intended_values) as (IntendedValue | DataValue)[]).map(intendedValue),
  };
}
