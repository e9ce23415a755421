import { atLeast, type Dhis2Version } from '../version.ts';

/**
 * A value as the analytics grid holds it: a Java `Double`, or a whole number (`Long` from `Math.round`,
 * `Integer` from `intValue()`) for an indicator with `decimals: 0`. The two print differently.
 */
export interface AnalyticsNumber {
  readonly value: number;
  readonly integral: boolean;
}

/** Java's `Double.toString`, which `String.valueOf(double)` uses for analytics values. */
export function javaDouble(value: number): string {
  if (Object.is(value, -0)) return '-0.0';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) return Number.isInteger(value) ? `${value}.0` : String(value);
  const [mantissa = '0', exponent = '0'] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/**
 * Commons-math `Precision.round(x, scale)`: HALF_UP on the decimal text of the double
 * (`new BigDecimal(Double.toString(x)).setScale(scale, HALF_UP)`), so 2.675 → 2.68 where binary
 * rounding gives 2.67; a negative value rounded to zero stays -0.0 (MATH-1089).
 */
export function roundHalfUp(value: number, scale: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const [mantissa = '0', exponent = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  // The first digit's place is 10^exponent: keep those down to the place 10^-scale.
  const kept = Number(exponent) + 1 + scale;
  if (kept >= digits.length) return value;
  const head = kept > 0 ? BigInt(digits.slice(0, kept)) : 0n;
  const up = kept >= 0 && (digits[kept] ?? '0') >= '5' ? 1n : 0n;
  const rounded = Number(`${head + up}e${-scale}`);
  return value < 0 ? -rounded : rounded;
}

/** `(int) double`: truncation toward zero, clamped to the int range; NaN → 0. */
function javaIntValue(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.max(-2147483648, Math.min(2147483647, Math.trunc(value)));
}

/**
 * `MathUtils.getRounded`, the default rounding of a program indicator without `decimals`. It kept 2
 * decimals below 1 and 1 above until DHIS2-17027 made it 2 throughout: backported to 2.38.7, 2.39.6 and
 * 2.40.4, and in 2.41.0 (commits bb766d4bc43, e1725c32daf, 75ce903711a, 474be5c047b).
 */
function defaultRounding(version: Dhis2Version, value: number): number {
  const twoDecimals =
    atLeast(version, 41) ||
    (version.minor === 40 && version.patch >= 4) ||
    (version.minor === 39 && version.patch >= 6) ||
    (version.minor === 38 && version.patch >= 7);
  if (twoDecimals) return roundHalfUp(value, 2);
  return roundHalfUp(value, value < 1 && value > -1 ? 2 : 1);
}

/**
 * A program indicator's value as analytics puts it in the grid: `AnalyticsUtils.getRoundedValue`
 * (skipRounding → 10 decimals; decimals > 0 → that many; decimals 0 → `Math.round`, a Long; otherwise
 * `getRounded`), then `AnalyticsUtils.getIntegerOrValue` (a Double of a 0-decimal indicator → `intValue`,
 * which only bites with skipRounding).
 */
export function roundedValue(
  version: Dhis2Version,
  value: number,
  decimals: number | undefined,
  skipRounding: boolean,
): AnalyticsNumber {
  if (skipRounding) {
    const rounded = roundHalfUp(value, 10);
    return decimals === 0
      ? { value: javaIntValue(rounded), integral: true }
      : { value: rounded, integral: false };
  }
  if (decimals !== undefined && decimals > 0)
    return { value: roundHalfUp(value, decimals), integral: false };
  if (decimals === 0) return { value: Math.round(value) || 0, integral: true };
  return { value: defaultRounding(version, value), integral: false };
}

/** The JSON and XML `value`: `String.valueOf(row.get(vlInx))` (`AnalyticsUtils.getDataValueSet`). */
export function valueText(number: AnalyticsNumber): string {
  return number.integral ? String(number.value) : javaDouble(number.value);
}

/**
 * The CSV `value`: `GridUtils.toCsv` passes doubles through `OutputFormatter.maybeFormat`, which writes
 * values of ten million and more without the exponent ("12345678.0", not "1.2345678E7").
 */
export function csvValueText(number: AnalyticsNumber): string {
  if (number.integral || !(number.value >= 1e7)) return valueText(number);
  const [mantissa = '0', exponent = '0'] = javaDouble(number.value).split('E');
  const digits = mantissa.replace('.', '');
  const point = 1 + Number(exponent);
  const plain =
    digits.length <= point
      ? digits + '0'.repeat(point - digits.length)
      : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return plain.includes('.') ? plain : `${plain}.0`;
}

/** `storedBy: "[aggregated]"` left analytics in 2.39.5, 2.40.4 and 2.41.0 (commit 092ff09d9d4). */
export function writesStoredBy(version: Dhis2Version): boolean {
  if (version.minor <= 38) return true;
  if (version.minor === 39) return version.patch <= 4;
  if (version.minor === 40) return version.patch <= 3;
  return false;
}
