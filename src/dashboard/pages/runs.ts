import type { HeldValue } from '../../core/reconcile.ts';
import type { JobReport, TargetReport } from '../../core/report.ts';
import type { RunRecord } from '../../store/types.ts';
import { type Html, html } from '../html.ts';
import { type PageFrame, postForm } from '../layout.ts';
import type { LiveRun } from '../live-runs.ts';
import { issueCard, notice, seconds, statusTag, table, when } from './parts.ts';

export interface RunFilter {
  readonly job: string | undefined;
  readonly status: string | undefined;
}

const STATUSES: readonly RunRecord['status'][] = [
  'running',
  'success',
  'conflicts',
  'failed',
  'abandoned',
];

const option = (value: string, label: string, selected: string | undefined) =>
  html`<option value="${value}"${value === (selected ?? '') ? html` selected` : ''}>${label}</option>`;

/** The history, newest first, filtered by job and status with a plain GET form. */
export function runsPage(
  runs: readonly RunRecord[],
  jobs: readonly string[],
  filter: RunFilter,
): Html {
  const form = html`<form method="get" action="/runs" class="filters">
<label>Job <select name="job">${option('', 'All jobs', filter.job)}${jobs.map((job) => option(job, job, filter.job))}</select></label>
<label>Status <select name="status">${option('', 'Any status', filter.status)}${STATUSES.map((status) => option(status, status, filter.status))}</select></label>
<button type="submit">Filter</button>
</form>`;
  if (runs.length === 0)
    return html`${form}${notice('info', 'No runs', 'No run matches. Start one from the Jobs page.')}`;
  const rows = runs.map((run) => [
    html`<a href="/runs/${run.id}">${run.id}</a>`,
    run.job,
    statusTag(run.status),
    run.dryRun ? 'dry run' : run.trigger,
    when(run.startedAt),
    run.periods.join(', '),
    run.counts.sent,
    run.counts.imported + run.counts.updated,
    run.counts.withheld,
    run.counts.conflicted,
    run.counts.deleted,
  ]);
  return html`${form}${table(
    `${runs.length} run(s)`,
    [
      'Run',
      'Job',
      'Status',
      'Started by',
      'Started',
      'Periods',
      'Sent',
      'Stored',
      'Withheld',
      'Conflicts',
      'Deleted',
    ],
    rows,
    new Set([6, 7, 8, 9, 10]),
  )}`;
}

function targetCounts(targets: readonly TargetReport[]): Html {
  return table(
    'Values per target',
    [
      'Target',
      'Exported',
      'Withheld',
      'Unchanged',
      'Sent',
      'Imported',
      'Updated',
      'Ignored',
      'Deleted',
      'Conflicts',
      'Stale',
    ],
    targets.map((target) => [
      `${target.target}${target.dryRun ? ' (dry run)' : ''}`,
      target.exported,
      target.withheld,
      target.unchanged,
      target.sent,
      target.counts.imported,
      target.counts.updated,
      target.counts.ignored,
      target.counts.deleted,
      target.conflicted,
      target.stale,
    ]),
    new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
  );
}

const valueText = (value: HeldValue | TargetReport['plan']['samples']['create'][number]) =>
  `${value.dataElement} ${value.categoryOptionCombo ?? 'default'} · ${value.period} · ${value.orgUnit} = ${value.value}`;

/** What the run would do (a dry run) or did: counts per data element and period, and examples. */
function plan(target: TargetReport): Html {
  const rows = Object.entries(target.plan.byDataElementPeriod).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  if (rows.length === 0) return html``;
  const samples = [
    ...target.plan.samples.create.map((value) => html`<li>new: ${valueText(value)}</li>`),
    ...target.plan.samples.update.map(
      (change) => html`<li>changed: ${valueText(change.value)} (was ${change.before})</li>`,
    ),
    ...target.plan.samples.stale.map((value) => html`<li>stale: ${valueText(value)}</li>`),
  ];
  return html`<section class="plan"><h3>Plan for ${target.target}</h3>${table(
    `What ${target.dryRun ? 'would be' : 'was'} sent to ${target.target}, per data element and period`,
    ['Data element and period', 'New', 'Changed', 'Same', 'Stale'],
    rows.map(([key, counts]) => [
      key,
      counts.create,
      counts.update,
      counts.unchanged,
      counts.stale,
    ]),
    new Set([1, 2, 3, 4]),
  )}${samples.length ? html`<ul class="samples">${samples}</ul>` : ''}</section>`;
}

function timings(job: JobReport): Html {
  const timing = job.exports?.timings;
  if (!timing || timing.chunks === 0) return html``;
  return html`<section><h2>Chunk timings</h2><p>${timing.chunks} chunk(s): exports took ${seconds(timing.exportMs)} in all, deliveries ${seconds(timing.deliverMs)}${job.exports && job.exports.requests > job.exports.chunks ? `; ${job.exports.requests} export requests, to keep URLs under ${job.exports.maxUrlLength} bytes` : ''}.</p>${table(
    'The slowest chunks',
    ['Periods', 'Org units', 'Export', 'Delivery'],
    timing.slowest.map((chunk) => [
      chunk.periods.join(', '),
      chunk.orgUnits,
      seconds(chunk.exportMs),
      seconds(chunk.deliverMs),
    ]),
    new Set([2, 3]),
  )}</section>`;
}

function deletionsSection(
  frame: PageFrame,
  run: RunRecord,
  deletions: readonly { target: string; value: HeldValue }[],
): Html {
  if (deletions.length === 0) return html``;
  const shown = deletions.slice(0, 200);
  return html`<section><h2>Deleted values</h2><p>This run cleared ${deletions.length} value(s) t2a had written that the tracker no longer produces. Restoring puts them back exactly as they were and records them in the ledger again.</p>${table(
    `Values deleted by run ${run.id}${deletions.length > shown.length ? ` (first ${shown.length})` : ''}`,
    ['Target', 'Data element', 'Combo', 'Period', 'Org unit', 'Value'],
    shown.map(({ target, value }) => [
      target,
      value.dataElement,
      value.categoryOptionCombo ?? 'default',
      value.period,
      value.orgUnit,
      value.value,
    ]),
  )}${postForm(frame, `/runs/${run.id}/restore`, html`<button type="submit" class="primary">Restore ${deletions.length} value(s)</button>`)}</section>`;
}

function jobSection(job: JobReport): Html {
  if (job.error)
    return notice(
      'error',
      job.error.message,
      job.error.fix ? html`<strong>Fix:</strong> ${job.error.fix}` : '',
    );
  const issues = job.targets.filter((target) => target.issues.length > 0);
  return html`<p>${job.periods.join(', ') || '(no periods)'} · ${job.orgUnitCount} org units · ${job.indicators.mapped} of ${job.indicators.total} indicators mapped${job.sourceVersion ? ` · source DHIS2 ${job.sourceVersion}` : ''}</p>
${targetCounts(job.targets)}
${job.failedChunks.length ? html`<section><h2>Failed chunks</h2>${job.failedChunks.map((chunk) => notice('error', `Periods ${chunk.periods.join(', ')}, org units ${chunk.orgUnits}`, html`${chunk.error}${chunk.fix ? html`<br><strong>Fix:</strong> ${chunk.fix}` : ''}`))}</section>` : ''}
${issues.length ? html`<section><h2>Conflicts and withheld values</h2>${issues.map((target) => html`<h3>${target.target}</h3>${target.issues.map(issueCard)}`)}</section>` : ''}
${job.targets.map(plan)}
${job.completed !== undefined ? html`<p>Data set registrations marked complete: ${job.completed}</p>` : ''}
${timings(job)}`;
}

export interface RunView {
  readonly runId: string;
  readonly run: RunRecord | undefined;
  readonly live: LiveRun | undefined;
  readonly deletions: readonly { target: string; value: HeldValue }[];
  readonly message?: Html | undefined;
}

/** One run: its state (live while it runs), counts per target, conflicts by cause, plan, deletions, timings. */
export function runPage(frame: PageFrame, view: RunView): Html {
  const { run, live } = view;
  const running = live && !live.finished;
  const progress = running
    ? html`<div class="progress" data-live-run="/runs/${view.runId}/events"><label for="progress">Chunks done</label> <progress id="progress" max="${live.total || 1}" value="${live.done}">${live.done}</progress> <span class="progress-text" aria-live="polite">${live.total ? `${live.done} of ${live.total} chunks` : 'Starting…'}</span></div>`
    : '';
  const head = run
    ? html`<p class="meta">${statusTag(run.status)} ${run.dryRun ? html`<span class="tag tag-neutral">dry run</span>` : ''} Job <a href="/jobs">${run.job}</a> · started ${when(run.startedAt)} (${run.trigger}) · finished ${when(run.finishedAt)}${run.targetVersions.length ? ` · target DHIS2 ${run.targetVersions.join(', ')}` : ''}</p>`
    : html`<p class="meta"><span class="tag tag-neutral">starting</span> Job ${live?.job ?? ''}</p>`;
  const body = run?.report
    ? jobSection(run.report)
    : run?.error
      ? notice('error', 'The run failed', run.error)
      : '';
  return html`${view.message ?? ''}${head}${progress}${body}${run ? deletionsSection(frame, run, view.deletions) : ''}`;
}
