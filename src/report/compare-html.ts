import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Comparison, ComparisonRow } from '../core/compare.ts';

// chart.js exports no path to its UMD build; it sits beside the main entry in dist/.
const chartJs = () =>
  readFileSync(
    join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
    'utf8',
  );

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );
const percent = (value: number | undefined) =>
  value === undefined ? '—' : Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : '∞';
const number = (value: number | undefined) =>
  value === undefined ? '—' : String(Math.round(value * 100) / 100);

export interface ReportContext {
  readonly job: string;
  readonly tolerance: number;
  readonly agreeFor: number;
  readonly generatedAt: string;
  /** Org unit UID → name. */
  readonly orgUnitNames: ReadonlyMap<string, string>;
}

function largest(rows: readonly ComparisonRow[], names: ReadonlyMap<string, string>): string {
  const top = rows
    .filter((row) => row.status !== 'agree')
    .sort(
      (a, b) =>
        Math.abs(b.difference ?? b.tracker ?? b.manual ?? 0) -
        Math.abs(a.difference ?? a.tracker ?? a.manual ?? 0),
    )
    .slice(0, 50);
  const cells = top.map(
    (row) =>
      `<tr><td>${escapeHtml(names.get(row.orgUnit) ?? row.orgUnit)}</td><td>${escapeHtml(row.period)}</td><td>${escapeHtml(row.dataElement)}${row.categoryOptionCombo ? ` / ${escapeHtml(row.categoryOptionCombo)}` : ''}</td><td class="n">${number(row.manual)}</td><td class="n">${number(row.tracker)}</td><td class="n">${number(row.difference)}</td><td class="n">${percent(row.relative)}</td><td>${row.status}</td></tr>`,
  );
  // Eight columns are wider than a phone: the table scrolls inside its box, the page does not.
  return `<div class="scroll"><table><thead><tr><th>Org unit</th><th>Period</th><th>Data element</th><th class="n">Manual</th><th class="n">Tracker</th><th class="n">Difference</th><th class="n">Relative</th><th></th></tr></thead><tbody>${cells.join('')}</tbody></table></div>`;
}

/**
 * The comparison as one self-contained HTML file a person can e-mail: summary, tracker against manual per
 * period for the job and per org unit (small multiples), a scatter of facility values, and the largest
 * discrepancies. Charts are drawn by Chart.js, inlined.
 */
export function renderCompareHtml(comparison: Comparison, context: ReportContext): string {
  const names = context.orgUnitNames;
  const name = (id: string) => names.get(id) ?? id;
  const agreed = comparison.streaks.filter((streak) => streak.periods >= context.agreeFor);
  const multiples = comparison.byOrgUnit.slice(0, 12).map((totals) => totals.key);
  const data = {
    periods: comparison.byPeriod.map((t) => t.key),
    manual: comparison.byPeriod.map((t) => t.manual),
    tracker: comparison.byPeriod.map((t) => t.tracker),
    multiples: multiples.map((orgUnit) => {
      const rows = comparison.rows.filter((row) => row.orgUnit === orgUnit);
      const periods = comparison.byPeriod.map((t) => t.key);
      const sum = (period: string, side: 'manual' | 'tracker') =>
        rows
          .filter((row) => row.period === period)
          .reduce((total, row) => total + (row[side] ?? 0), 0);
      return {
        title: name(orgUnit),
        manual: periods.map((p) => sum(p, 'manual')),
        tracker: periods.map((p) => sum(p, 'tracker')),
      };
    }),
    scatter: comparison.rows
      .filter((row) => row.manual !== undefined && row.tracker !== undefined)
      .map((row) => ({ x: row.manual, y: row.tracker })),
  };
  const summary = [
    `${comparison.rows.length} values compared; ${comparison.rows.filter((row) => row.status === 'agree').length} agree within ${Math.round(context.tolerance * 100)} %.`,
    `Org units reported only on paper: ${comparison.manualOnly.map(name).join(', ') || 'none'}. Only in tracker: ${comparison.trackerOnly.map(name).join(', ') || 'none'}.`,
    `Agreed for at least ${context.agreeFor} periods in a row (ready to end parallel reporting): ${agreed.map((s) => name(s.orgUnit)).join(', ') || 'none yet'}.`,
  ];
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>t2a comparison — ${escapeHtml(context.job)}</title>
<style>
body{font-family:Roboto,Arial,sans-serif;margin:24px;color:#212934;background:#f8f9fa}
h1{font-size:22px;color:#0d47a1}h2{font-size:17px;margin-top:28px}
.summary{background:#fff;border-left:4px solid #1565c0;padding:12px 16px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:12px}
.card{background:#fff;padding:8px;border:1px solid #e0e5ec}
table{border-collapse:collapse;background:#fff;width:100%;font-size:13px}th,td{border-bottom:1px solid #e0e5ec;padding:4px 8px;text-align:left}th.n,.n{text-align:right}
.scroll{overflow-x:auto;max-width:100%}canvas{max-width:100%}
@media (max-width:480px){body{margin:8px}.grid{grid-template-columns:1fr}}
</style></head><body>
<h1>Tracker against manual reporting — job ${escapeHtml(context.job)}</h1>
<p>Generated ${escapeHtml(context.generatedAt)} by t2a.</p>
<div class="summary">${summary.map((line) => `<p>${escapeHtml(line)}</p>`).join('')}</div>
<h2>All org units, per period</h2><div class="card"><canvas id="total" height="90"></canvas></div>
<h2>Per org unit (largest differences first)</h2><div class="grid">${data.multiples.map((_m, i) => `<div class="card"><canvas id="ou${i}" height="180"></canvas></div>`).join('')}</div>
<h2>Facility values: manual (x) against tracker (y)</h2><div class="card"><canvas id="scatter" height="110"></canvas></div>
<h2>Largest discrepancies</h2>${largest(comparison.rows, names)}
<script>${chartJs()}</script>
<script>
const data = ${JSON.stringify(data).replace(/</g, '\\u003c')};
Chart.defaults.animation = false;
const pair = (manual, tracker) => [{label:'Manual',data:manual,borderColor:'#c62828',backgroundColor:'#c6282855'},{label:'Tracker',data:tracker,borderColor:'#1565c0',backgroundColor:'#1565c055'}];
new Chart(document.getElementById('total'), {type:'bar', data:{labels:data.periods, datasets:pair(data.manual, data.tracker)}});
data.multiples.forEach((m, i) => new Chart(document.getElementById('ou'+i), {type:'line', data:{labels:data.periods, datasets:pair(m.manual, m.tracker)}, options:{plugins:{title:{display:true,text:m.title}}}}));
const max = Math.max(1, ...data.scatter.flatMap(p => [p.x, p.y]));
new Chart(document.getElementById('scatter'), {type:'scatter', data:{datasets:[{label:'Org unit and period',data:data.scatter,backgroundColor:'#1565c0'},{type:'line',label:'Equal',data:[{x:0,y:0},{x:max,y:max}],borderColor:'#9e9e9e',pointRadius:0}]}});
</script></body></html>
`;
}
