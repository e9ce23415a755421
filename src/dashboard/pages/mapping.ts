import type { Finding } from '../../core/finding.ts';
import type { MappingRow } from '../../core/mapping-table.ts';
import type { ApplyResult } from '../../jobs/mapping.ts';
import { type Html, html } from '../html.ts';
import { type PageFrame, postForm } from '../layout.ts';
import { notice, table } from './parts.ts';

export interface MappingView {
  readonly jobs: readonly string[];
  readonly job: string;
  readonly rows: readonly MappingRow[];
  readonly findings: readonly Finding[];
  /** What an upload did, or why it was refused. */
  readonly applied?: ApplyResult | undefined;
  readonly uploadError?: { readonly message: string; readonly fix: string | undefined } | undefined;
}

const coded = (code: string, name: string) =>
  code ? html`<code>${code}</code> ${name}` : html`<em>—</em>`;

function findingsOf(findings: readonly Finding[]): Html {
  if (findings.length === 0) return html`<span class="tag tag-positive">ok</span>`;
  return html`${findings.map(
    (finding) =>
      html`<p class="finding-${finding.severity}"><strong>${finding.severity}:</strong> ${finding.message}<br><small>Fix: ${finding.fix}</small></p>`,
  )}`;
}

function uploadOutcome(view: MappingView): Html {
  if (view.uploadError)
    return notice(
      'error',
      'The file was refused',
      html`${view.uploadError.message}${view.uploadError.fix ? html`<br><strong>Fix:</strong> ${view.uploadError.fix}` : ''}`,
    );
  const applied = view.applied;
  if (!applied) return html``;
  const changes = html`<ul>${applied.changes.map(
    (change) =>
      html`<li>${change.name} (${change.programIndicator}): ${change.field} "${change.from}" → "${change.to}"</li>`,
  )}</ul>`;
  if (applied.refused.length > 0)
    return notice(
      'error',
      'The mapping was refused: nothing was written',
      html`These codes do not fit the target:<ul>${applied.refused.map((line) => html`<li>${line}</li>`)}</ul>`,
    );
  if (applied.changes.length === 0)
    return notice('info', 'No changes', 'The indicators already carry these codes.');
  return applied.dryRun
    ? notice('info', `Checked: ${applied.changes.length} change(s) would be written`, changes)
    : notice('valid', `${applied.written} program indicator(s) updated`, changes);
}

/** A job's indicators with their data element and combos, the findings beside them, and the CSV both ways. */
export function mappingPage(frame: PageFrame, view: MappingView): Html {
  const byIndicator = new Map<string, Finding[]>();
  const general: Finding[] = [];
  for (const finding of view.findings) {
    const id = finding.programIndicator?.id;
    if (id) byIndicator.set(id, [...(byIndicator.get(id) ?? []), finding]);
    else general.push(finding);
  }
  const chooser = html`<form method="get" action="/mapping" class="filters"><label>Job <select name="job">${view.jobs.map(
    (job) => html`<option value="${job}"${job === view.job ? html` selected` : ''}>${job}</option>`,
  )}</select></label><button type="submit">Show</button></form>`;
  const upload = postForm(
    frame,
    `/mapping/${encodeURIComponent(view.job)}`,
    html`<div class="actions"><a class="button" href="/mapping/${encodeURIComponent(view.job)}.csv" download>Download the mapping CSV</a>
<label class="field">Edited mapping CSV <input type="file" name="file" accept=".csv,text/csv" required></label>
<label><input type="checkbox" name="apply" value="true"> Write the changes (otherwise only checked)</label>
<button type="submit" class="primary">Upload</button></div>`,
    'enctype="multipart/form-data"',
  );
  return html`${chooser}${uploadOutcome(view)}<section class="card"><h2>Mapping CSV</h2><p>The same file as <code>t2a mapping export</code> and <code>t2a mapping apply</code>: edit the codes, upload it, and t2a checks every code against the target before it writes anything.</p>${upload}</section>
${general.length ? html`<section><h2>Findings for the whole job</h2>${findingsOf(general)}</section>` : ''}
${table(
  `${view.rows.length} program indicator(s) of job ${view.job}`,
  [
    'Program indicator',
    'Data element',
    'Category option combo',
    'Attribute option combo',
    'Validation',
  ],
  view.rows.map((row) => [
    html`${row.programIndicatorName}<br><small><code>${row.programIndicator}</code></small>`,
    coded(row.dataElement, row.dataElementName),
    coded(row.categoryOptionCombo, row.categoryOptionComboName),
    coded(row.attributeOptionCombo, row.attributeOptionComboName),
    findingsOf(byIndicator.get(row.programIndicator) ?? []),
  ]),
)}`;
}
