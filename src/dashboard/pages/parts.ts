import type { Issue } from '../../core/issues.ts';
import type { RunRecord } from '../../store/types.ts';
import { type Html, html } from '../html.ts';

const TONES: Record<RunRecord['status'] | 'live', string> = {
  success: 'positive',
  conflicts: 'warning',
  failed: 'negative',
  abandoned: 'negative',
  running: 'neutral',
  live: 'neutral',
};

/** A run's status as DHIS2 apps show one: a coloured tag with words, never colour alone. */
export const statusTag = (status: RunRecord['status']): Html =>
  html`<span class="tag tag-${TONES[status]}">${status}</span>`;

/** A moment as an administrator reads it: the date and the time to the second, in UTC. */
export const when = (iso: string | undefined): string =>
  iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : '—';

export const seconds = (ms: number): string =>
  ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/** A notice box: info, warning or error, as @dhis2/ui's NoticeBox. */
export function notice(
  tone: 'info' | 'warning' | 'error' | 'valid',
  title: string,
  body: Html | string,
): Html {
  return html`<div class="notice notice-${tone}" role="${tone === 'error' ? 'alert' : 'status'}"><strong>${title}</strong><div>${body}</div></div>`;
}

/** Why values did not arrive: one card per cause, the objects named and the fix beside them. */
export function issueCard(issue: Issue): Html {
  const refused = issue.messages.some((message) => message.startsWith('DHIS2:'));
  return html`<section class="issue" aria-label="${issue.title}">
<h4>${issue.title} <span class="count">${issue.count}</span> <span class="tag tag-${refused ? 'negative' : 'warning'}">${refused ? 'refused by DHIS2' : 'withheld by t2a'}</span></h4>
${issue.objects.length ? html`<p class="objects">${issue.objects.join('; ')}${issue.count > issue.objects.length ? ' …' : ''}</p>` : ''}
${issue.messages.map((message) => html`<p class="message">${message}</p>`)}
<p class="fix"><strong>Fix:</strong> ${issue.fix}</p>
</section>`;
}

/** A table with a caption for screen readers and headers that say what each number is. */
export function table(
  caption: string,
  headers: readonly string[],
  rows: readonly (readonly (Html | string | number)[])[],
  numeric: ReadonlySet<number> = new Set(),
): Html {
  return html`<table class="data"><caption>${caption}</caption><thead><tr>${headers.map(
    (header, index) =>
      html`<th scope="col"${numeric.has(index) ? html` class="n"` : ''}>${header}</th>`,
  )}</tr></thead><tbody>${rows.map(
    (row) =>
      html`<tr>${row.map((cell, index) => html`<td${numeric.has(index) ? html` class="n"` : ''}>${cell}</td>`)}</tr>`,
  )}</tbody></table>`;
}
