/**
 * Parallel reporting: tracker-derived numbers beside the manually reported ones, until a ministry trusts
 * them. Pure: values in, comparison out.
 */
export interface ComparedValue {
  readonly dataElement: string;
  readonly categoryOptionCombo?: string | undefined;
  readonly orgUnit: string;
  readonly period: string;
  readonly value: number;
}

export type ComparisonStatus = 'agree' | 'differ' | 'manual-missing' | 'tracker-missing';

export interface ComparisonRow {
  readonly dataElement: string;
  readonly categoryOptionCombo: string | undefined;
  readonly orgUnit: string;
  readonly period: string;
  readonly manual: number | undefined;
  readonly tracker: number | undefined;
  /** tracker − manual */
  readonly difference: number | undefined;
  /** (tracker − manual) / manual; 0 when both are 0. */
  readonly relative: number | undefined;
  readonly status: ComparisonStatus;
}

export interface Totals {
  readonly key: string;
  readonly manual: number;
  readonly tracker: number;
  readonly difference: number;
  readonly relative: number | undefined;
  readonly differing: number;
}

export interface Comparison {
  readonly rows: ComparisonRow[];
  readonly byOrgUnit: Totals[];
  readonly byDataElement: Totals[];
  readonly byPeriod: Totals[];
  /** Org units reported on one side only. */
  readonly manualOnly: string[];
  readonly trackerOnly: string[];
  /** Per org unit: how many of the latest periods in a row agreed within the tolerance. */
  readonly streaks: { readonly orgUnit: string; readonly periods: number }[];
}

const key = (v: Omit<ComparedValue, 'value'>) =>
  `${v.dataElement}|${v.categoryOptionCombo ?? ''}|${v.orgUnit}|${v.period}`;

function row(
  manual: ComparedValue | undefined,
  tracker: ComparedValue | undefined,
  tolerance: number,
): ComparisonRow {
  const base = (manual ?? tracker)!;
  const m = manual?.value;
  const t = tracker?.value;
  const difference = m !== undefined && t !== undefined ? t - m : undefined;
  const relative =
    difference === undefined
      ? undefined
      : m === 0
        ? t === 0
          ? 0
          : Number.POSITIVE_INFINITY
        : difference / m!;
  const status: ComparisonStatus =
    m === undefined
      ? 'manual-missing'
      : t === undefined
        ? 'tracker-missing'
        : Math.abs(relative!) <= tolerance
          ? 'agree'
          : 'differ';
  return {
    dataElement: base.dataElement,
    categoryOptionCombo: base.categoryOptionCombo,
    orgUnit: base.orgUnit,
    period: base.period,
    manual: m,
    tracker: t,
    difference,
    relative,
    status,
  };
}

function totals(rows: readonly ComparisonRow[], by: (row: ComparisonRow) => string): Totals[] {
  const groups = new Map<string, { manual: number; tracker: number; differing: number }>();
  for (const r of rows) {
    const group = groups.get(by(r)) ?? { manual: 0, tracker: 0, differing: 0 };
    group.manual += r.manual ?? 0;
    group.tracker += r.tracker ?? 0;
    if (r.status !== 'agree') group.differing += 1;
    groups.set(by(r), group);
  }
  return [...groups.entries()]
    .map(([k, g]) => ({
      key: k,
      ...g,
      difference: g.tracker - g.manual,
      relative: g.manual === 0 ? undefined : (g.tracker - g.manual) / g.manual,
    }))
    .sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference) || a.key.localeCompare(b.key));
}

function streaks(
  rows: readonly ComparisonRow[],
  periods: readonly string[],
): Comparison['streaks'] {
  const agreed = new Map<string, Map<string, boolean>>();
  for (const r of rows) {
    const byPeriod = agreed.get(r.orgUnit) ?? new Map<string, boolean>();
    byPeriod.set(r.period, (byPeriod.get(r.period) ?? true) && r.status === 'agree');
    agreed.set(r.orgUnit, byPeriod);
  }
  const latestFirst = [...periods].sort().reverse();
  return [...agreed.entries()]
    .map(([orgUnit, byPeriod]) => {
      let count = 0;
      // A period in which neither side reports anything for the unit agrees: both say zero.
      for (const period of latestFirst) {
        if (byPeriod.get(period) === false) break;
        count += 1;
      }
      return { orgUnit, periods: count };
    })
    .sort((a, b) => b.periods - a.periods || a.orgUnit.localeCompare(b.orgUnit));
}

/** Compares value by value; `tolerance` is relative (0.05 = 5 %). */
export function compareValues(
  manual: readonly ComparedValue[],
  tracker: readonly ComparedValue[],
  tolerance: number,
): Comparison {
  const manualByKey = new Map(manual.map((v) => [key(v), v]));
  const trackerByKey = new Map(tracker.map((v) => [key(v), v]));
  const keys = [...new Set([...manualByKey.keys(), ...trackerByKey.keys()])].sort();
  const rows = keys.map((k) => row(manualByKey.get(k), trackerByKey.get(k), tolerance));
  const manualUnits = new Set(manual.map((v) => v.orgUnit));
  const trackerUnits = new Set(tracker.map((v) => v.orgUnit));
  const periods = [...new Set(rows.map((r) => r.period))];
  return {
    rows,
    byOrgUnit: totals(rows, (r) => r.orgUnit),
    byDataElement: totals(
      rows,
      (r) => `${r.dataElement}${r.categoryOptionCombo ? ` / ${r.categoryOptionCombo}` : ''}`,
    ),
    byPeriod: totals(rows, (r) => r.period).sort((a, b) => a.key.localeCompare(b.key)),
    manualOnly: [...manualUnits].filter((unit) => !trackerUnits.has(unit)).sort(),
    trackerOnly: [...trackerUnits].filter((unit) => !manualUnits.has(unit)).sort(),
    streaks: streaks(rows, periods),
  };
}
