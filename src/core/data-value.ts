/** A data value as `/api/dataValueSets` takes it (identifiers in the import's id schemes). */
export interface DataValue {
  readonly dataElement: string;
  readonly period: string;
  readonly orgUnit: string;
  readonly categoryOptionCombo?: string | undefined;
  readonly attributeOptionCombo?: string | undefined;
  readonly value: string;
  readonly comment?: string | undefined;
}

export function dataValueKey(
  value: Pick<
    DataValue,
    'dataElement' | 'period' | 'orgUnit' | 'categoryOptionCombo' | 'attributeOptionCombo'
  >,
): string {
  return `${value.dataElement}|${value.period}|${value.orgUnit}|${value.categoryOptionCombo ?? ''}|${value.attributeOptionCombo ?? ''}`;
}

/** DHIS2 value types whose values must be whole numbers (`ValueType.INTEGER_TYPES`). */
export const INTEGER_TYPES: ReadonlySet<string> = new Set([
  'INTEGER',
  'INTEGER_POSITIVE',
  'INTEGER_NEGATIVE',
  'INTEGER_ZERO_OR_POSITIVE',
]);
export const NUMERIC_TYPES: ReadonlySet<string> = new Set([
  ...INTEGER_TYPES,
  'NUMBER',
  'PERCENTAGE',
  'UNIT_INTERVAL',
]);

/** Why a value does not fit a numeric data element: each has its own fix (core/issues.ts). */
export type ValueRefusal =
  | 'not-a-number'
  | 'not-a-whole-number'
  | 'negative-value'
  | 'not-positive'
  | 'not-negative';

export type NormalisedValue =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly cause: ValueRefusal; readonly reason: string };

/**
 * Makes an analytics value fit the target data element. Analytics writes program indicator values as
 * Java doubles ("5.0") unless the indicator has `decimals: 0`; an INTEGER data element rejects "5.0"
 * (E7619 / E8122), so whole numbers lose the ".0". A fraction for an integer element is refused here,
 * with the reason, rather than sent to fail at import.
 */
export function normaliseValue(value: string, valueType: string | undefined): NormalisedValue {
  if (valueType === undefined || !NUMERIC_TYPES.has(valueType)) return { ok: true, value };
  const number = Number(value);
  const refuse = (cause: ValueRefusal, what: string) => ({
    ok: false as const,
    cause,
    reason: `"${value}" ${what}, which ${valueType} refuses`,
  });
  if (value.trim() === '' || !Number.isFinite(number))
    return refuse('not-a-number', 'is not a number');
  if (INTEGER_TYPES.has(valueType)) {
    if (!Number.isInteger(number)) return refuse('not-a-whole-number', 'is not a whole number');
    if (valueType === 'INTEGER_POSITIVE' && number <= 0)
      return refuse(number < 0 ? 'negative-value' : 'not-positive', 'is not positive');
    if (valueType === 'INTEGER_ZERO_OR_POSITIVE' && number < 0)
      return refuse('negative-value', 'is negative');
    if (valueType === 'INTEGER_NEGATIVE' && number >= 0)
      return refuse('not-negative', 'is not negative');
    return { ok: true, value: String(number) };
  }
  // Plain numbers: "12.0" and "12" mean the same; send the shorter, as DHIS2 would store it.
  return { ok: true, value: /E/i.test(value) || /\.0+$/.test(value) ? String(number) : value };
}

/**
 * DHIS2 does not store a zero of a numeric data element unless its zeros are significant, nor for the
 * averaging aggregation types (`ValidationUtils.dataValueIsZeroAndInsignificant`): the import drops it
 * without counting it, and deletes a value already stored in its place.
 */
export function zeroIsInsignificant(
  value: string,
  element: {
    readonly valueType: string;
    readonly zeroIsSignificant?: boolean | undefined;
    readonly aggregationType?: string | undefined;
  },
): boolean {
  return (
    NUMERIC_TYPES.has(element.valueType) &&
    /^-?0(\.0*)?$/.test(value.trim()) &&
    element.zeroIsSignificant !== true &&
    element.aggregationType !== 'AVERAGE' &&
    element.aggregationType !== 'AVERAGE_SUM_ORG_UNIT'
  );
}
