import type { RunRecord } from '../../store/types.ts';
import { type Html, html } from '../html.ts';
import { type PageFrame, postForm } from '../layout.ts';
import { notice, statusTag, when } from './parts.ts';

/** What the Jobs page shows of one job. */
export interface JobState {
  readonly name: string;
  readonly source: string;
  readonly targets: readonly string[];
  readonly schedule: string | undefined;
  readonly nextRun: Date | undefined;
  readonly timeZone: string;
  readonly lastRun: RunRecord | undefined;
  readonly analytics:
    | { readonly mode: 'off' }
    | {
        readonly mode: 'run' | 'check';
        readonly ageHours: number | undefined;
        readonly maxAgeHours: number;
        readonly problem?: string | undefined;
      };
  /** The mapping validation against the live instances, or why it could not be done. */
  readonly validation:
    | { readonly errors: number; readonly warnings: number }
    | { readonly failed: string };
  /** A run of this job going on in this process now. */
  readonly running: string | undefined;
}

function analytics(state: JobState): Html | string {
  const a = state.analytics;
  if (a.mode === 'off') return 'not checked (analytics.mode: off)';
  if (a.problem) return html`<span class="finding-error">${a.problem}</span>`;
  if (a.ageHours === undefined)
    return html`<span class="finding-error">analytics has never run on ${state.source}</span>`;
  const age =
    a.ageHours < 1 ? `${Math.round(a.ageHours * 60)} min old` : `${a.ageHours.toFixed(1)} h old`;
  if (a.mode === 'run') return `${age}; the job runs analytics before it exports`;
  return a.ageHours > a.maxAgeHours
    ? html`<span class="finding-error">${age}, over the job's limit of ${a.maxAgeHours} h: the next run will refuse to export</span>`
    : `${age} (limit ${a.maxAgeHours} h)`;
}

function validation(state: JobState): Html {
  const v = state.validation;
  if ('failed' in v) return html`<span class="finding-error">not checked: ${v.failed}</span>`;
  if (v.errors > 0)
    return html`<span class="tag tag-negative">${v.errors} error(s)</span> ${v.warnings} warning(s): the job will not run until they are fixed (<a href="/mapping?job=${state.name}">Mapping</a>)`;
  return html`<span class="tag tag-positive">valid</span> ${v.warnings ? html`${v.warnings} warning(s) (<a href="/mapping?job=${state.name}">Mapping</a>)` : ''}`;
}

function jobCard(frame: PageFrame, state: JobState): Html {
  const last = state.lastRun;
  const actions = state.running
    ? html`<p><a href="/runs/${state.running}">A run is going on: watch it</a></p>`
    : html`<div class="actions">${postForm(frame, `/jobs/${encodeURIComponent(state.name)}/run`, html`<input type="hidden" name="dryRun" value="true"><button type="submit">Dry run</button>`)}${postForm(frame, `/jobs/${encodeURIComponent(state.name)}/run`, html`<input type="hidden" name="dryRun" value="false"><button type="submit" class="primary">Run now</button>`)}</div>`;
  return html`<section class="card job" aria-labelledby="job-${state.name}">
<h2 id="job-${state.name}">${state.name}</h2>
<dl>
<dt>Source → targets</dt><dd>${state.source} → ${state.targets.join(', ')}</dd>
<dt>Schedule</dt><dd>${state.schedule ? html`<code>${state.schedule}</code> (${state.timeZone}); next run ${when(state.nextRun?.toISOString())}` : 'none: runs only when started'}</dd>
<dt>Last run</dt><dd>${last ? html`${statusTag(last.status)} <a href="/runs/${last.id}">${when(last.startedAt)}</a>${last.dryRun ? ' (dry run)' : ''}` : 'never'}</dd>
<dt>Analytics</dt><dd>${analytics(state)}</dd>
<dt>Mapping</dt><dd>${validation(state)}</dd>
</dl>
${actions}
</section>`;
}

/** Every job of the configuration, with what an administrator checks first and the two buttons. */
export function jobsPage(frame: PageFrame, jobs: readonly JobState[], message?: Html): Html {
  if (jobs.length === 0) return notice('info', 'No jobs', 'The configuration has no jobs.');
  return html`${message ?? ''}<div class="jobs">${jobs.map((job) => jobCard(frame, job))}</div>`;
}
