import { type DataValue, dataValueKey, normaliseValue, type ValueRefusal } from './data-value.ts';
import type { DataSetLocks } from './locks.ts';

/** What t2a knows of a target data element, found by its code. */
export interface TargetDataElement {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly valueType: string;
  readonly zeroIsSignificant?: boolean | undefined;
  readonly aggregationType?: string | undefined;
  /** Codes of the category option combos of its category combo. */
  readonly categoryOptionCombos: ReadonlySet<string>;
  /** The data sets it belongs to, with their period types. */
  readonly dataSets: readonly (DataSetLocks & { readonly periodType: string })[];
}

/** A value t2a withholds, and why. */
export type ValueProblem =
  | {
      readonly kind: 'unmapped-indicator';
      readonly programIndicator: string;
      readonly value: DataValue;
    }
  | { readonly kind: 'duplicate'; readonly value: DataValue; readonly count: number }
  | { readonly kind: 'unknown-data-element'; readonly value: DataValue }
  | { readonly kind: 'unknown-category-option-combo'; readonly value: DataValue }
  | {
      readonly kind: 'invalid-value';
      readonly cause: ValueRefusal;
      readonly value: DataValue;
      readonly reason: string;
    };

export interface CheckedValues {
  readonly values: DataValue[];
  readonly problems: ValueProblem[];
}

export interface CheckContext {
  /** UIDs of the job's program indicators: an exported data element still equal to one was not mapped. */
  readonly programIndicators: ReadonlySet<string>;
  /** Target data elements by code; undefined skips the target checks. */
  readonly targetDataElements?: ReadonlyMap<string, TargetDataElement> | undefined;
}

/**
 * Checks one chunk of exported values before anything is sent. DHIS2 emits every row it computes,
 * duplicates included (`duplicatesOnly` is ignored since 2.36), and falls back to the indicator's UID when
 * the mapping attribute is empty; both would write wrong numbers silently, so such values are withheld.
 * Two rows with one key are both withheld: t2a cannot know which is right.
 */
export function checkExportedValues(
  exported: readonly DataValue[],
  context: CheckContext,
): CheckedValues {
  const problems: ValueProblem[] = [];
  const counts = new Map<string, number>();
  const keys = exported.map(dataValueKey);
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  const values: DataValue[] = [];
  const reportedDuplicates = new Set<string>();
  for (const [index, value] of exported.entries()) {
    if (context.programIndicators.has(value.dataElement)) {
      problems.push({ kind: 'unmapped-indicator', programIndicator: value.dataElement, value });
      continue;
    }
    const key = keys[index]!;
    const count = counts.get(key) ?? 1;
    if (count > 1) {
      if (!reportedDuplicates.has(key)) problems.push({ kind: 'duplicate', value, count });
      reportedDuplicates.add(key);
      continue;
    }
    const target = context.targetDataElements;
    if (!target) {
      values.push(value);
      continue;
    }
    const element = target.get(value.dataElement);
    if (!element) {
      problems.push({ kind: 'unknown-data-element', value });
      continue;
    }
    const combo = value.categoryOptionCombo;
    if (combo !== undefined && !element.categoryOptionCombos.has(combo)) {
      problems.push({ kind: 'unknown-category-option-combo', value });
      continue;
    }
    const normalised = normaliseValue(value.value, element.valueType);
    if (!normalised.ok) {
      problems.push({
        kind: 'invalid-value',
        cause: normalised.cause,
        value,
        reason: normalised.reason,
      });
      continue;
    }
    values.push(normalised.value === value.value ? value : { ...value, value: normalised.value });
  }
  return { values, problems };
}
