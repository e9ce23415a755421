import { loadConfig } from '../../config/load.ts';
import { T2aError } from '../../core/errors.ts';
import { summarise } from '../../core/report.ts';
import { openStore } from '../../store/open.ts';
import type { RunRecord } from '../../store/types.ts';
import { EXIT } from '../exit-codes.ts';
import { renderSyncReport } from '../render-sync.ts';

function storeOf(configFile: string) {
  return openStore(loadConfig(configFile).storePath);
}

const duration = (run: RunRecord) =>
  run.finishedAt
    ? `${Math.round((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000)} s`
    : '—';

export async function historyCommand(options: {
  config: string;
  job?: string;
  last?: string;
  json?: boolean;
}): Promise<number> {
  const store = await storeOf(options.config);
  const runs = await store.runs({
    job: options.job,
    last: options.last ? Number(options.last) : 20,
  });
  await store.close();
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(
        runs.map(({ report: _report, ...run }) => run),
        null,
        2,
      )}\n`,
    );
    return EXIT.OK;
  }
  if (runs.length === 0) {
    process.stdout.write('No runs recorded yet.\n');
    return EXIT.OK;
  }
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
    'conflicts',
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
  process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
  return EXIT.OK;
}

export async function showCommand(
  runId: string,
  options: { config: string; json?: boolean },
): Promise<number> {
  const store = await storeOf(options.config);
  const run = await store.run(runId);
  await store.close();
  if (!run)
    throw new T2aError('usage', `No run "${runId}" in the history.`, {
      fix: 'List the runs with `t2a history`.',
    });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    return EXIT.OK;
  }
  const out = [
    `Run ${run.id}: job ${run.job}, ${run.trigger}, ${run.status}${run.dryRun ? ' (dry run)' : ''}`,
    `  started ${run.startedAt}, finished ${run.finishedAt ?? '—'} (${duration(run)}); t2a ${run.t2aVersion}`,
    `  source DHIS2 ${run.sourceVersion ?? '?'}; targets ${run.targetVersions.join(', ') || '—'}`,
  ];
  if (run.error) out.push(`  ✖ ${run.error}`);
  if (run.report) out.push('', renderSyncReport(summarise([run.report])));
  process.stdout.write(`${out.join('\n')}\n`);
  return EXIT.OK;
}

export async function unlockCommand(job: string, options: { config: string }): Promise<number> {
  const store = await storeOf(options.config);
  const holder = await store.lockHolder(job);
  if (!holder) {
    process.stdout.write(`Job ${job} is not locked.\n`);
  } else {
    await store.releaseLock(job, holder.runId);
    await store.finishRun(
      holder.runId,
      'abandoned',
      (await store.run(holder.runId))?.report,
      `unlocked by hand (was held by ${holder.holder})`,
    );
    process.stdout.write(
      `Released the lock of job ${job} (run ${holder.runId}, ${holder.holder}); that run is recorded as abandoned.\n`,
    );
  }
  await store.close();
  return EXIT.OK;
}
