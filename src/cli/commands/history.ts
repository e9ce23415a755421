import { T2aError } from '../../core/errors.ts';
import { summarise } from '../../core/report.ts';
import { findRun } from '../../jobs/find-run.ts';
import type { RunRecord } from '../../store/types.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { renderSyncReport } from '../render-sync.ts';

const duration = (run: RunRecord) =>
  run.finishedAt
    ? `${Math.round((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000)} s`
    : '—';

function renderHistory(runs: readonly RunRecord[]): string {
  if (runs.length === 0) return 'No runs recorded yet.';
  const header = [
    'run',
    'job',
    'trigger',
    'status',
    'started',
    'took',
    'periods',
    'sent',
    'imported',
    'updated',
    'withheld',
    'refused',
  ];
  const rows = runs.map((run) => [
    run.id,
    run.job,
    run.trigger,
    run.dryRun ? `${run.status} (dry run)` : run.status,
    run.startedAt.replace('T', ' ').slice(0, 19),
    duration(run),
    run.periods.length > 2
      ? `${run.periods[0]}…${run.periods[run.periods.length - 1]}`
      : run.periods.join(','),
    String(run.counts.sent),
    String(run.counts.imported),
    String(run.counts.updated),
    String(run.counts.withheld),
    String(run.counts.conflicted),
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i]!.length)),
  );
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

export function historyCommand(
  options: ConfigOptions & { job?: string; last?: string; json?: boolean },
): Promise<number> {
  const last = Number(options.last ?? 20);
  if (!Number.isInteger(last) || last < 1) {
    throw new T2aError('usage', `-n ${options.last} is not a number of runs.`, {
      fix: 'Give a whole number of runs to list, e.g. t2a history -n 50.',
    });
  }
  return withContext(options, { store: true, connections: false }, async ({ store }) => {
    const runs = await store.runs({ job: options.job, last });
    process.stdout.write(
      options.json
        ? `${JSON.stringify(
            runs.map(({ report: _report, ...run }) => run),
            null,
            2,
          )}\n`
        : `${renderHistory(runs)}\n`,
    );
    return EXIT.OK;
  });
}

function renderRun(run: RunRecord): string {
  const out = [
    `Run ${run.id}: job ${run.job}, ${run.trigger}, ${run.status}${run.dryRun ? ' (dry run)' : ''}`,
    `  started ${run.startedAt}, finished ${run.finishedAt ?? '—'} (${duration(run)}); t2a ${run.t2aVersion}`,
    `  source DHIS2 ${run.sourceVersion ?? '?'}; targets ${run.targetVersions.join(', ') || '—'}`,
  ];
  if (run.error) out.push(`  ✖ ${run.error}`);
  if (run.report) out.push('', renderSyncReport(summarise([run.report])));
  return out.join('\n');
}

export function showCommand(
  runId: string,
  options: ConfigOptions & { json?: boolean },
): Promise<number> {
  return withContext(options, { store: true, connections: false }, async ({ store }) => {
    const run = await findRun(store, runId);
    process.stdout.write(
      options.json ? `${JSON.stringify(run, null, 2)}\n` : `${renderRun(run)}\n`,
    );
    return EXIT.OK;
  });
}
