import { toCsv } from '../core/csv.ts';
import { T2aError } from '../core/errors.ts';
import { type CompareOutcome, comparisonReport } from '../jobs/compare.ts';

/** Columns padded to their widest cell, the header first. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i]!.length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  return [line(header), ...rows.map(line)];
}

const percent = (relative: number | undefined) =>
  relative === undefined ? '' : `${(relative * 100).toFixed(1)} %`;
const number = (value: number | undefined) => (value === undefined ? '—' : String(value));

function renderTable(outcome: CompareOutcome): string {
  const { comparison, job, periods } = outcome;
  const name = (id: string) => outcome.names.get(id) ?? id;
  const lines = [
    `Job ${job.name}: manual against tracker, ${periods[0]}…${periods.at(-1)} (${periods.length} periods; tolerance ${job.compare.tolerance * 100} %)`,
    '',
    ...table(
      ['Org unit', 'Manual', 'Tracker', 'Difference', 'Relative'],
      comparison.byOrgUnit.map((t) => [
        name(t.key),
        String(t.manual),
        String(t.tracker),
        String(t.difference),
        percent(t.relative),
      ]),
    ),
  ];
  const differing = comparison.rows
    .filter((row) => row.status !== 'agree')
    .sort((a, b) => Math.abs(b.difference ?? Infinity) - Math.abs(a.difference ?? Infinity))
    .slice(0, 20);
  if (differing.length > 0) {
    lines.push(
      '',
      'Largest differences:',
      ...table(
        ['Org unit', 'Period', 'Data element / combo', 'Manual', 'Tracker', 'Difference'],
        differing.map((row) => [
          name(row.orgUnit),
          row.period,
          `${row.dataElement} / ${row.categoryOptionCombo ?? 'default'}`,
          number(row.manual),
          number(row.tracker),
          number(row.difference),
        ]),
      ),
    );
  }
  const agreed = comparison.streaks
    .filter((s) => s.periods >= job.compare.agreeFor)
    .map((s) => name(s.orgUnit));
  lines.push(
    '',
    `Only on paper: ${comparison.manualOnly.map(name).join(', ') || 'none'}; only in tracker: ${comparison.trackerOnly.map(name).join(', ') || 'none'}.`,
    `Agreed within ${job.compare.tolerance * 100} % for ${job.compare.agreeFor}+ periods in a row: ${agreed.join(', ') || 'none yet'}.`,
  );
  if (outcome.ownValuesLeftOut > 0) {
    lines.push(
      `${outcome.ownValuesLeftOut} value(s) in the target were written by t2a itself and are not counted as manual reports (give the job shadow data elements to keep both).`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function renderCsv(outcome: CompareOutcome): string {
  const name = (id: string) => outcome.names.get(id) ?? id;
  return toCsv([
    [
      'org_unit',
      'org_unit_name',
      'period',
      'data_element',
      'category_option_combo',
      'manual',
      'tracker',
      'difference',
      'relative',
      'status',
    ],
    ...outcome.comparison.rows.map((r) => [
      r.orgUnit,
      name(r.orgUnit),
      r.period,
      r.dataElement,
      r.categoryOptionCombo ?? '',
      String(r.manual ?? ''),
      String(r.tracker ?? ''),
      String(r.difference ?? ''),
      r.relative === undefined ? '' : String(r.relative),
      r.status,
    ]),
  ]);
}

/** `t2a compare` in the format asked for: table (people), csv, json, or the self-contained HTML report. */
export function renderComparison(outcome: CompareOutcome, format: string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(outcome.comparison, null, 2)}\n`;
    case 'csv':
      return renderCsv(outcome);
    case 'html':
      return comparisonReport(outcome);
    case 'table':
      return renderTable(outcome);
    default:
      throw new T2aError('usage', `Unknown format "${format}".`, {
        fix: 'Use table, csv, json or html.',
      });
  }
}
