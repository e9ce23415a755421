import type { TargetConfig } from '../config/schema.ts';
import type { DataValue } from '../core/data-value.ts';
import { T2aError } from '../core/errors.ts';
import { type ImportResult, takenValues } from '../core/import-summary.ts';
import { importDataValues } from '../dhis2/data-value-sets.ts';
import type { T2aStore } from '../store/types.ts';
import type { JobContext } from './context.ts';
import { importOrgUnitScheme } from './target.ts';

export interface TargetRestore {
  /** The connection's name. */
  readonly target: string;
  /** Values the run deleted in this target. */
  readonly values: number;
  /** Of those, the ones the target took back (and the ledger records again); undefined when unknown. */
  readonly taken: number | undefined;
  readonly result: ImportResult;
}

export interface RestoreResult {
  readonly runId: string;
  readonly values: number;
  readonly targets: readonly TargetRestore[];
}

interface RestoreTarget {
  readonly connection: string;
  readonly config: TargetConfig;
}

/** The job's target configuration behind a target URL the deletion record names. */
function targetFor(ctx: JobContext, runId: string, jobName: string, url: string): RestoreTarget {
  const { config } = ctx;
  const job = config.config.jobs.find((candidate) => candidate.name === jobName);
  if (!job) {
    throw new T2aError(
      'config',
      `Run ${runId} belongs to job "${jobName}", which ${config.file} no longer has: t2a cannot tell how that target names org units.`,
      {
        fix: `Put the job "${jobName}" back in the configuration (as it was), then restore again.`,
      },
    );
  }
  for (const target of job.targets) {
    const connection = target.connection === 'same' ? job.source : target.connection;
    if (config.connections.get(connection)?.url === url) return { connection, config: target };
  }
  throw new T2aError(
    'config',
    `Run ${runId} deleted values in ${url}, which no target of job "${jobName}" in ${config.file} points at.`,
    { fix: 'Add the target (a connection with that URL) back to the job, then restore again.' },
  );
}

/**
 * `t2a restore RUN_ID`: puts back exactly the values a run deleted, as the deletion record kept them, each
 * target with its own org unit id scheme. What a target takes back returns to the ledger (through intents,
 * like any import, so a lost answer is settled at the next run); what it refuses does not.
 */
export async function restoreRun(
  ctx: JobContext & { readonly store: T2aStore },
  runId: string,
  dryRun: boolean,
): Promise<RestoreResult> {
  const { store } = ctx;
  const run = await store.run(runId);
  if (!run)
    throw new T2aError('usage', `No run "${runId}" in the history.`, {
      fix: 'List the runs with `t2a history`.',
    });
  const deleted = await store.ledger.deletions(run.id);
  const urls = [...new Set(deleted.map((entry) => entry.target))];
  // Every target is known before anything is written: a restore does all of its targets or none.
  const targets = urls.map((url) => ({ url, ...targetFor(ctx, run.id, run.job, url) }));
  const restored: TargetRestore[] = [];
  for (const target of targets) {
    const values: DataValue[] = deleted
      .filter((entry) => entry.target === target.url)
      .map(({ value: { storedBy: _by, lastUpdated: _at, ...value } }) => ({
        ...value,
        comment: `restored by t2a from run ${run.id}`,
      }));
    const ledgerRun = `restore-${run.id}`;
    const intent = dryRun
      ? undefined
      : await store.ledger.intend(target.url, run.job, ledgerRun, values);
    const result = await importDataValues(ctx.clients.client(target.connection), {
      values,
      orgUnitIdScheme: importOrgUnitScheme(target.config),
      importStrategy: 'CREATE_AND_UPDATE',
      dryRun,
    });
    const taken = takenValues(values, result);
    if (intent && taken) await store.ledger.confirm(target.url, run.job, ledgerRun, intent, taken);
    restored.push({
      target: target.connection,
      values: values.length,
      taken: taken?.length,
      result,
    });
  }
  return { runId: run.id, values: deleted.length, targets: restored };
}
