import { T2aError } from '../core/errors.ts';
import type { ImportResult } from '../core/import-summary.ts';
import { importDataValues } from '../dhis2/data-value-sets.ts';
import type { T2aStore } from '../store/types.ts';
import type { JobContext } from './context.ts';

export interface RestoreResult {
  readonly runId: string;
  readonly values: number;
  readonly results: readonly { readonly target: string; readonly result: ImportResult }[];
}

/**
 * `t2a restore RUN_ID`: puts back exactly the values a run deleted, as the deletion record kept them
 * (value, org unit as the target knows it), and gives them back to the ledger.
 */
export async function restoreRun(
  ctx: JobContext & { readonly store: T2aStore },
  runId: string,
  dryRun: boolean,
): Promise<RestoreResult> {
  const { config, store } = ctx;
  const run = await store.run(runId);
  if (!run)
    throw new T2aError('usage', `No run "${runId}" in the history.`, {
      fix: 'List the runs with `t2a history`.',
    });
  const deleted = await store.ledger.deletions(run.id);
  if (deleted.length === 0) return { runId: run.id, values: 0, results: [] };
  const job = config.config.jobs.find((candidate) => candidate.name === run.job);
  const scheme =
    job?.targets.find((target) => target.connection !== 'same')?.orgUnitIdScheme ??
    job?.targets[0]?.orgUnitIdScheme ??
    'UID';
  const results: { target: string; result: ImportResult }[] = [];
  for (const target of new Set(deleted.map((entry) => entry.target))) {
    const connection = [...config.connections.values()].find(
      (candidate) => candidate.url === target,
    );
    if (!connection) {
      throw new T2aError(
        'config',
        `Run ${run.id} deleted values in ${target}, which no connection of ${config.file} points at.`,
        {
          fix: 'Add a connection with that URL, then restore again.',
        },
      );
    }
    const values = deleted
      .filter((entry) => entry.target === target)
      .map((entry) => ({ ...entry.value, comment: `restored by t2a from run ${run.id}` }));
    const result = await importDataValues(ctx.clients.client(connection.name), {
      values,
      orgUnitIdScheme: scheme,
      importStrategy: 'CREATE_AND_UPDATE',
      dryRun,
    });
    if (!dryRun) await store.ledger.record(target, run.job, `restore-${run.id}`, values);
    results.push({ target: connection.name, result });
  }
  return { runId: run.id, values: deleted.length, results };
}
