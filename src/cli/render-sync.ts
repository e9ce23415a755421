import type { Issue } from '../core/issues.ts';
import type { JobReport, RunReport, TargetReport } from '../core/report.ts';
import { type CountName, countLabel } from '../core/vocabulary.ts';

const pad = (text: string | number, width: number) => String(text).padEnd(width);
const padLeft = (text: string | number, width: number) => String(text).padStart(width);

/** The columns of a target's row, in the words of src/core/vocabulary.ts, and their widths. */
const COLUMNS: readonly [CountName, number][] = [
  ['exported', 9],
  ['withheld', 14],
  ['unchanged', 9],
  ['sent', 10],
  ['imported', 12],
  ['updated', 12],
  ['ignored', 12],
  ['deleted', 12],
  ['refused', 16],
];

function targetRow(target: TargetReport): string {
  const c = target.counts;
  const value: Record<CountName, number> = {
    exported: target.exported,
    withheld: target.withheld,
    unchanged: target.unchanged,
    sent: target.sent,
    imported: c.imported,
    updated: c.updated,
    ignored: c.ignored,
    deleted: c.deleted,
    refused: target.conflicted,
  };
  return [
    pad(target.target + (target.dryRun ? ' (dry run)' : ''), 28),
    ...COLUMNS.map(([name, width]) => padLeft(value[name], width)),
  ].join(' ');
}

/** The heading of the targets' table; a dry run's says what it would do. */
function tableHeading(dryRun: boolean): string {
  return [
    pad('target', 28),
    ...COLUMNS.map(([name, width]) => padLeft(countLabel(name, dryRun).toLowerCase(), width)),
  ].join(' ');
}

function renderIssue(issue: Issue): string[] {
  const lines = [`  ✖ ${issue.title}: ${issue.count}`];
  if (issue.objects.length)
    lines.push(
      `      ${issue.objects.join('; ')}${issue.count > issue.objects.length ? ' …' : ''}`,
    );
  for (const message of issue.messages) lines.push(`      ${message}`);
  lines.push(`      Fix: ${issue.fix}`);
  return lines;
}

const valueText = (v: {
  dataElement: string;
  categoryOptionCombo?: string | undefined;
  period: string;
  orgUnit: string;
  value: string;
}) =>
  `${v.dataElement} ${v.categoryOptionCombo ?? 'default'} ${v.period} ${v.orgUnit} = ${v.value}`;

/** The plan of a dry run: counts per data element and period, and a few examples of each kind. */
export function renderPlan(target: TargetReport): string[] {
  const rows = Object.entries(target.plan.byDataElementPeriod).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  if (rows.length === 0) return [];
  const lines = [
    `  Plan for ${target.target}: ${[pad('data element period', 34), padLeft('new', 6), padLeft('changed', 8), padLeft('unchanged', 9), padLeft('stale', 6), padLeft('others’', 8)].join(' ')}`,
  ];
  for (const [key, c] of rows)
    lines.push(
      `    ${pad(key, 52)} ${padLeft(c.create, 6)} ${padLeft(c.update, 8)} ${padLeft(c.unchanged, 9)} ${padLeft(c.stale, 6)} ${padLeft(c.heldByOthers ?? 0, 8)}`,
    );
  for (const v of target.plan.samples.create) lines.push(`    new:     ${valueText(v)}`);
  for (const u of target.plan.samples.update)
    lines.push(`    changed: ${valueText(u.value)} (was ${u.before})`);
  for (const v of target.plan.samples.stale) lines.push(`    stale:   ${valueText(v)}`);
  const others = rows.reduce((sum, [, c]) => sum + (c.heldByOthers ?? 0), 0);
  if (others > 0) {
    lines.push(
      `    ${others} cell(s) hold values t2a never wrote (others’): left as they are, the tracker’s value withheld.`,
    );
    for (const { value, held } of target.plan.samples.heldByOthers ?? [])
      lines.push(`    others’: ${valueText(held)}, the tracker gives ${value.value}`);
  }
  return lines;
}

function renderJob(job: JobReport): string[] {
  const lines = [
    `Job ${job.job} (source ${job.source}${job.sourceVersion ? `, DHIS2 ${job.sourceVersion}` : ''})${job.runId ? ` — run ${job.runId}` : ''}`,
  ];
  if (job.error) {
    lines.push(`  ✖ ${job.error.message}`);
    if (job.error.fix) lines.push(`      Fix: ${job.error.fix}`);
    return lines;
  }
  lines.push(
    `  periods ${job.periods.join(', ') || '(none)'} · ${job.orgUnitCount} org units · ${job.indicators.mapped} of ${job.indicators.total} indicators mapped`,
  );
  if (job.exports?.scope) lines.push(`  ${job.exports.scope.text}`);
  if (job.exports && job.exports.requests > job.exports.chunks)
    lines.push(
      `  exported in ${job.exports.requests} requests for ${job.exports.chunks} chunks, to keep each URL under ${job.exports.maxUrlLength} bytes`,
    );
  lines.push(`  ${tableHeading(job.targets.length > 0 && job.targets.every((t) => t.dryRun))}`);
  for (const target of job.targets) {
    lines.push(`  ${targetRow(target)}`);
    if (target.dryRun) lines.push(...renderPlan(target));
    if (target.issues.length) lines.push(`  ${target.target}:`);
    for (const issue of target.issues) lines.push(...renderIssue(issue));
  }
  if (job.completed !== undefined)
    lines.push(`  data set registrations marked complete: ${job.completed}`);
  for (const chunk of job.failedChunks) {
    lines.push(
      `  ✖ Chunk failed: periods ${chunk.periods.join(', ')}, org units ${chunk.orgUnits}`,
    );
    lines.push(`      ${chunk.error}`);
    if (chunk.fix) lines.push(`      Fix: ${chunk.fix}`);
  }
  return lines;
}

/** Why a run may have found nothing: what an administrator checks first. */
function emptyVerdict(report: RunReport): string {
  const orgUnits = report.jobs.reduce((sum, job) => sum + job.orgUnitCount, 0);
  const periods = [...new Set(report.jobs.flatMap((job) => job.periods))];
  return [
    `✖ Empty: the source gave no value at all (${periods.length} period(s), ${orgUnits} org unit(s)). Check, in this order:`,
    "  - analytics: has the source's analytics run since the tracker data was entered (t2a doctor, or Data Administration → Analytics tables)?",
    `  - periods: does the tracker hold events in ${periods.join(', ') || 'the job’s periods'} (t2a periods --job NAME)?`,
    orgUnits === 0
      ? '  - org units: the job selects none — check its roots, level, groups or ids.'
      : '  - org units: are the selected org units the ones whose staff enter tracker data (level, roots)?',
    '  - indicators: does the group hold the mapped indicators, and can the source user read them (t2a validate)?',
  ].join('\n');
}

function verdict(report: RunReport, mode: 'plan' | 'run'): string {
  const dryRun = report.jobs.every((job) => job.targets.every((target) => target.dryRun));
  if (report.outcome === 'failed') return '✖ A job failed: see above.';
  if (report.outcome === 'empty') return emptyVerdict(report);
  if (mode === 'plan')
    return report.outcome === 'success'
      ? '✔ Plan: every value would arrive, as far as t2a can tell without asking the targets; nothing was sent.'
      : '⚠ Plan: incomplete — some values would not arrive (see above); nothing was sent.';
  if (dryRun)
    return report.outcome === 'success'
      ? '✔ Dry run: every value would arrive; nothing was saved.'
      : '⚠ Dry run: incomplete — some values would not arrive (see above); nothing was saved.';
  return report.outcome === 'success'
    ? '✔ Every value arrived.'
    : '⚠ Incomplete: some values did not arrive — see above.';
}

/** The run as a person reads it: one block per job, a table per target, issues grouped by cause. */
export function renderSyncReport(report: RunReport, mode: 'plan' | 'run' = 'run'): string {
  const lines = report.jobs.flatMap((job) => [...renderJob(job), '']);
  const t = report.totals;
  const targets = report.jobs.reduce((sum, job) => sum + job.targets.length, 0);
  const over =
    targets > report.jobs.length
      ? ` (exported once per job; the rest added over ${targets} targets)`
      : '';
  lines.push(
    `Total${over}: ${t.exported} exported, ${t.withheld} withheld, ${t.zeros} zeros not stored, ${t.unchanged} unchanged, ${t.sent} sent, ${t.stale} stale; ${t.imported} imported, ${t.updated} updated, ${t.ignored} ignored, ${t.deleted} deleted, ${t.conflicted} refused.`,
    verdict(report, mode),
  );
  return lines.join('\n');
}

/** A one-line progress bar on stderr, drawn only on a terminal. */
export function progressBar(
  stream: NodeJS.WriteStream,
): (progress: { job: string; done: number; total: number }) => void {
  if (!stream.isTTY) return () => {};
  return ({ job, done, total }) => {
    const width = 30;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    stream.write(
      `\r${job} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} chunks`,
    );
    if (done === total) stream.write('\n');
  };
}

/**
 * `t2a plan --json`: each job's plan per target, for programs, with what stands in its way: the chunks
 * that failed (their part of the plan is missing) and why values would not arrive, by cause.
 */
export function planJson(report: RunReport) {
  return {
    outcome: report.outcome,
    jobs: report.jobs.map((job) => ({
      job: job.job,
      runId: job.runId,
      error: job.error,
      failedChunks: job.failedChunks,
      targets: job.targets.map((t) => ({
        target: t.target,
        plan: t.plan,
        stale: t.stale,
        withheld: t.withheld,
        issues: t.issues.map(({ cause, title, count, objects, messages, fix }) => ({
          cause,
          title,
          count,
          objects,
          messages,
          fix,
        })),
      })),
    })),
  };
}
