import type { JobReport } from './report.ts';
import { outcomeOf } from './report.ts';
import type { RunOutcome } from './vocabulary.ts';

/** When a job sends a message: `incomplete` is any outcome but success (`conflicts`, its old name). */
export type NotifyWhen = 'failure' | 'incomplete' | 'always' | 'digest';

/** A message about a run, for mail, DHIS2 messages and webhooks alike. */
export interface Notification {
  readonly subject: string;
  readonly text: string;
  readonly job: string;
  readonly runId: string | undefined;
  readonly outcome: RunOutcome;
}

/** Whether a run's outcome calls for a message under the job's policy. */
export function shouldNotify(report: JobReport, when: NotifyWhen): boolean {
  const outcome = outcomeOf([report]);
  if (when === 'digest') return false;
  if (when === 'always') return true;
  if (when === 'incomplete') return outcome !== 'success';
  return outcome === 'failed';
}

/** Says what happened, where, what to do, and the run id, in a DHIS2 administrator's words. */
export function composeNotification(report: JobReport, host: string): Notification {
  const outcome = outcomeOf([report]);
  const label = {
    success: 'delivered',
    incomplete: 'incomplete: some values did not arrive',
    empty: 'EMPTY: the source gave no value',
    failed: 'FAILED',
  }[outcome];
  const lines = [
    `t2a job "${report.job}" ${label} on ${host}.`,
    `Run: ${report.runId ?? '(not recorded)'}  Periods: ${report.periods.join(', ') || '—'}`,
  ];
  if (report.error) {
    lines.push('', `What failed: ${report.error.message}`);
    if (report.error.fix) lines.push(`What to do: ${report.error.fix}`);
  }
  for (const target of report.targets) {
    const c = target.counts;
    lines.push(
      '',
      `${target.target}: ${target.exported} exported, ${target.sent} sent (${c.imported} imported, ${c.updated} updated, ${c.ignored} ignored, ${c.deleted} deleted), ${target.unchanged} unchanged, ${target.withheld} withheld, ${target.conflicted} refused.`,
    );
    for (const issue of target.issues.slice(0, 8)) {
      lines.push(
        `  - ${issue.title}: ${issue.count}${issue.objects.length ? ` (${issue.objects.slice(0, 5).join('; ')})` : ''}`,
        `    What to do: ${issue.fix}`,
      );
    }
  }
  for (const chunk of report.failedChunks.slice(0, 5)) {
    lines.push(
      '',
      `Chunk failed: periods ${chunk.periods.join(', ')}, org units ${chunk.orgUnits}: ${chunk.error}`,
    );
  }
  if (report.runId) lines.push('', `Details: t2a show ${report.runId}`);
  return {
    subject: `[t2a] ${report.job}: ${label}${report.error ? ` — ${report.error.message.split('\n')[0]!.slice(0, 80)}` : ''}`,
    text: lines.join('\n'),
    job: report.job,
    runId: report.runId,
    outcome,
  };
}

/** The daily digest: one message for the runs of the day, problems first. */
export function composeDigest(notifications: readonly Notification[], host: string): Notification {
  const failed = notifications.filter((n) => n.outcome === 'failed').length;
  const troubled = notifications.filter(
    (n) => n.outcome === 'incomplete' || n.outcome === 'empty',
  ).length;
  const order = { failed: 0, empty: 1, incomplete: 2, success: 3 } as const;
  const sorted = [...notifications].sort((a, b) => order[a.outcome] - order[b.outcome]);
  return {
    subject: `[t2a] daily digest: ${notifications.length} run(s), ${failed} failed, ${troubled} with problems`,
    text: [
      `t2a on ${host}: the runs since the last digest.`,
      '',
      ...sorted.map((n) => `— ${n.subject}\n${n.text}\n`),
    ].join('\n'),
    job: 'digest',
    runId: undefined,
    outcome: failed > 0 ? 'failed' : troubled > 0 ? 'incomplete' : 'success',
  };
}
