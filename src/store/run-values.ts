import type { DataValue } from '../core/data-value.ts';

/** One value a run did not deliver: withheld by t2a or refused by a target, with its cause. */
export interface RunValue extends DataValue {
  readonly target: string;
  readonly cause: string;
  readonly message?: string | undefined;
}

/** The store's record of a run's undelivered values. */
export interface RunValueStore {
  record(runId: string, values: readonly RunValue[]): Promise<void>;
  /** In the order they were recorded. */
  list(runId: string): Promise<RunValue[]>;
}

export interface RunValueRow {
  target: string;
  cause: string;
  data_element: string;
  category_option_combo: string;
  attribute_option_combo: string;
  period: string;
  org_unit: string;
  value: string;
  message: string | null;
}

export const RUN_VALUE_COLUMNS =
  'run_id, target, cause, data_element, category_option_combo, attribute_option_combo, period, org_unit, value, message';

export const runValueParams = (runId: string, v: RunValue) => [
  runId,
  v.target,
  v.cause,
  v.dataElement,
  v.categoryOptionCombo ?? '',
  v.attributeOptionCombo ?? '',
  v.period,
  v.orgUnit,
  v.value,
  v.message ?? null,
];

export const runValueFromRow = (row: RunValueRow): RunValue => ({
  target: row.target,
  cause: row.cause,
  dataElement: row.data_element,
  categoryOptionCombo: row.category_option_combo || undefined,
  attributeOptionCombo: row.attribute_option_combo || undefined,
  period: row.period,
  orgUnit: row.org_unit,
  value: row.value,
  message: row.message ?? undefined,
});
