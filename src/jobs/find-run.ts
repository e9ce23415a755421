import { T2aError } from '../core/errors.ts';
import type { RunRecord, T2aStore } from '../store/types.ts';

/** How many runs an ambiguous prefix names in its error: enough to pick from, not a history. */
const CANDIDATES = 10;

/**
 * The run a person means: `last` (the newest run), a whole run id, or a prefix of one that only one run
 * has (`20261124T02`, as `t2a history` shows ids). A prefix shared by several runs names them instead.
 */
export async function findRun(store: T2aStore, reference: string): Promise<RunRecord> {
  if (reference === 'last') {
    const [newest] = await store.runs({ last: 1 });
    if (!newest)
      throw new T2aError('usage', 'No run in the history yet.', {
        fix: 'Run a job first (t2a sync), or check that --config names the configuration whose store holds the runs.',
      });
    return newest;
  }
  const matching = await store.runs({ idPrefix: reference, last: CANDIDATES + 1 });
  const exact = matching.find((run) => run.id === reference);
  if (exact) return exact;
  if (matching.length === 1) return matching[0]!;
  if (matching.length > 1) {
    const shown = matching.slice(0, CANDIDATES).map((run) => `${run.id} (${run.job})`);
    throw new T2aError(
      'usage',
      `"${reference}" is the start of ${matching.length > CANDIDATES ? `more than ${CANDIDATES}` : matching.length} run ids: ${shown.join(', ')}.`,
      { fix: 'Give more of the run id, enough for one run only (t2a history lists them).' },
    );
  }
  // Older messages and the dashboard name runs by their id's random end too.
  const bySuffix = await store.run(reference);
  if (bySuffix) return bySuffix;
  throw new T2aError('usage', `No run "${reference}" in the history.`, {
    fix: 'List the runs with `t2a history`, and give a run id, its start, or `last`.',
  });
}
