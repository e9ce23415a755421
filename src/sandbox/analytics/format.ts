import { atLeast, type Dhis2Version } from '../version.ts';

/** Java's Double.toString, which DHIS2 uses for analytics values (`String.valueOf(double)`). */
export function javaDouble(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return `${value}.0`;
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) return String(value);
  const [mantissa, exponent] = value.toExponential().split('e');
  const digits = mantissa!.includes('.') ? mantissa! : `${mantissa}.0`;
  return `${digits}E${Number(exponent)}`;
}

/**
 * A program indicator value as analytics writes it (`AnalyticsUtils.getRoundedValue`,
 * `AggregatedRowBuilder`): `decimals: 0` gives a whole number ("12"); more decimals round to them;
 * otherwise 2 decimals as a double ("12.0", "2.5"); `skipRounding` keeps 10 decimals.
 */
export function formatIndicatorValue(
  value: number,
  decimals: number | undefined,
  skipRounding: boolean,
): string {
  if (skipRounding) return javaDouble(Number(value.toFixed(10)));
  if (decimals === 0) return String(Math.round(value));
  const places = decimals !== undefined && decimals > 0 ? decimals : 2;
  return javaDouble(Math.round(value * 10 ** places) / 10 ** places);
}

/** `storedBy: "[aggregated]"` left analytics in 2.39.5, 2.40.4 and 2.41.0 (commit 092ff09d9d4). */
export function writesStoredBy(version: Dhis2Version): boolean {
  if (version.minor <= 38) return true;
  if (version.minor === 39) return version.patch <= 4;
  if (version.minor === 40) return version.patch <= 3;
  return !atLeast(version, 41);
}
