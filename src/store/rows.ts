import type { HeldValue, LedgerEntry } from '../core/reconcile.ts';

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

export function ledgerEntryFromRow(row: ValueRow): LedgerEntry {
  const { storedBy: _storedBy, lastUpdated: _lastUpdated, ...value } = heldValueFromRow(row);
  return { ...value, runId: row.run_id ?? '' };
}

export function deletionFromRow(row: ValueRow): { target: string; value: HeldValue } {
  return { target: row.target ?? '', value: heldValueFromRow(row) };
}
