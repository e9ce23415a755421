/**
 * Value type checks of `ValidationUtils.dataValueIsValid`, with the i18n texts DHIS2 puts in E7619
 * ("Value must match value type of data element `X`: `Data value is not an integer`").
 */
const INTEGER = /^(0|-?[1-9]\d*)$/;
const NUMERIC = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function valueTypeProblem(value: string, valueType: string | undefined): string | undefined {
  switch (valueType) {
    case 'INTEGER':
      return INTEGER.test(value) ? undefined : 'Data value is not an integer';
    case 'INTEGER_POSITIVE':
      return INTEGER.test(value) && Number(value) > 0
        ? undefined
        : 'Data value is not a positive integer';
    case 'INTEGER_NEGATIVE':
      return INTEGER.test(value) && Number(value) < 0
        ? undefined
        : 'Data value is not a negative integer';
    case 'INTEGER_ZERO_OR_POSITIVE':
      return INTEGER.test(value) && Number(value) >= 0
        ? undefined
        : 'Data value is not zero or positive integer';
    case 'NUMBER':
      return NUMERIC.test(value) ? undefined : 'Data value is not numeric';
    case 'PERCENTAGE':
      return NUMERIC.test(value) && Number(value) >= 0 && Number(value) <= 100
        ? undefined
        : 'Data value is not a percentage';
    case 'UNIT_INTERVAL':
      return NUMERIC.test(value) && Number(value) >= 0 && Number(value) <= 1
        ? undefined
        : 'Data value is not a unit interval';
    case 'BOOLEAN':
      return /^(true|false)$/i.test(value) ? undefined : 'Data value is not boolean';
    case 'TRUE_ONLY':
      return /^true$/i.test(value) ? undefined : 'Data value is not true (true-only value type)';
    case 'DATE':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : 'Data value is not a valid date';
    case 'TEXT':
      return value.length > 50_000 ? 'Data value length is greater than max length' : undefined;
    default:
      return undefined;
  }
}

export const NUMERIC_VALUE_TYPES = new Set([
  'INTEGER',
  'INTEGER_POSITIVE',
  'INTEGER_NEGATIVE',
  'INTEGER_ZERO_OR_POSITIVE',
  'NUMBER',
  'PERCENTAGE',
  'UNIT_INTERVAL',
]);

/** `ValidationUtils.dataValueIsZeroAndInsignificant`. */
export function zeroAndInsignificant(
  value: string,
  element: { valueType?: unknown; zeroIsSignificant?: unknown; aggregationType?: unknown },
): boolean {
  return (
    NUMERIC_VALUE_TYPES.has(String(element.valueType)) &&
    /^0(\.0*)?$/.test(value) &&
    element.zeroIsSignificant !== true &&
    element.aggregationType !== 'AVERAGE' &&
    element.aggregationType !== 'AVERAGE_SUM_ORG_UNIT'
  );
}
