import type { CompareOutcome } from '../../jobs/compare.ts';
import { type Html, html } from '../html.ts';
import { notice, table } from './parts.ts';

export interface TransitionView {
  readonly jobs: readonly string[];
  readonly job: string;
  readonly outcome?: CompareOutcome | undefined;
  readonly error?: { readonly message: string; readonly fix: string | undefined } | undefined;
}

const percent = (value: number | undefined) =>
  value === undefined ? '—' : Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : '∞';

/**
 * Parallel reporting (`t2a compare`): tracker against manual per period, the facilities whose numbers have
 * agreed long enough to stop reporting by hand, and the report's charts.
 */
export function transitionPage(view: TransitionView): Html {
  const chooser = html`<form method="get" action="/transition" class="filters"><label>Job <select name="job">${view.jobs.map(
    (job) => html`<option value="${job}"${job === view.job ? html` selected` : ''}>${job}</option>`,
  )}</select></label><button type="submit">Compare</button></form>`;
  if (view.error)
    return html`${chooser}${notice('error', 'The comparison could not be made', html`${view.error.message}${view.error.fix ? html`<br><strong>Fix:</strong> ${view.error.fix}` : ''}`)}`;
  const outcome = view.outcome;
  if (!outcome) return chooser;
  const { comparison, names, job } = outcome;
  const ready = comparison.streaks
    .filter((streak) => streak.periods >= job.compare.agreeFor)
    .map((streak) => [names.get(streak.orgUnit) ?? streak.orgUnit, streak.orgUnit, streak.periods]);
  const readyPart = ready.length
    ? table(
        `${ready.length} facility(ies) ready to end parallel reporting (agreed within ${percent(job.compare.tolerance)} for ${job.compare.agreeFor} periods or more)`,
        ['Facility', 'UID', 'Periods agreeing'],
        ready,
        new Set([2]),
      )
    : notice(
        'info',
        'No facility is ready yet',
        `A facility is ready once its tracker and manual numbers agree within ${percent(job.compare.tolerance)} for ${job.compare.agreeFor} periods in a row.`,
      );
  return html`${chooser}
<p>Periods ${outcome.periods.join(', ')}${outcome.ownValuesLeftOut ? ` · ${outcome.ownValuesLeftOut} value(s) t2a wrote itself left out of the manual side` : ''}</p>
<h2>Ready to end parallel reporting</h2>${readyPart}
<h2>Tracker against manual, per period</h2>${table(
    'Totals per period',
    ['Period', 'Manual', 'Tracker', 'Difference', 'Relative', 'Values differing'],
    comparison.byPeriod.map((t) => [
      t.key,
      t.manual,
      t.tracker,
      t.difference,
      percent(t.relative),
      t.differing,
    ]),
    new Set([1, 2, 3, 4, 5]),
  )}
<h2>Charts</h2>
<iframe class="report" title="Comparison report of job ${job.name}" src="/transition/${encodeURIComponent(job.name)}/report" sandbox="allow-scripts"></iframe>`;
}
