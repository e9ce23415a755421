import { dataValueKey } from '../core/data-value.ts';
import { planChunks } from '../core/plan.ts';
import type { HeldValue } from '../core/reconcile.ts';
import { fetchHeldValues } from '../dhis2/data-value-sets.ts';
import type { T2aStore } from '../store/types.ts';
import type { ResolvedJob } from './resolve-job.ts';
import type { PreparedTarget } from './target.ts';
import { heldValuesRequest, inJobScope } from './target-scope.ts';

export interface AdoptResult {
  readonly target: string;
  readonly values: readonly HeldValue[];
  readonly recorded: boolean;
}

/** What a target holds in the job's scope: its data elements and combos, org units and periods. */
export async function heldInScope(
  resolved: ResolvedJob,
  target: PreparedTarget,
): Promise<HeldValue[]> {
  const { job, periods, orgUnits } = resolved;
  const ours = inJobScope(resolved);
  const held: HeldValue[] = [];
  const ids = orgUnits.map((unit) => unit.id);
  for (const chunk of planChunks(periods, ids, job.chunk)) {
    const request = heldValuesRequest(target, chunk);
    held.push(...ours(await fetchHeldValues(target.client, target.info.profile, request)));
  }
  return held;
}

/**
 * `t2a adopt --job NAME`: a target already filled by another tool holds values t2a never wrote, so
 * reconciliation would never clear them. Adopting records the in-scope values as t2a's own, after
 * showing them; values changed by hand since t2a wrote them become t2a's as they now are.
 */
export async function adoptValues(
  store: T2aStore,
  resolved: ResolvedJob,
  options: { confirm: boolean },
): Promise<AdoptResult[]> {
  const results: AdoptResult[] = [];
  for (const target of resolved.targets) {
    const held = await heldInScope(resolved, target);
    if (options.confirm) {
      await store.ledger.record(target.ledgerKey, resolved.job.name, 'adopted', held);
      // What t2a wrote and someone has deleted since is the target's choice too: forgotten, so the next
      // run writes it as new.
      const holds = new Set(held.map(dataValueKey));
      const gone = (
        await store.ledger.entries(target.ledgerKey, resolved.job.name, resolved.periods)
      ).filter((entry) => !holds.has(dataValueKey(entry)));
      await store.ledger.forget(target.ledgerKey, gone);
    }
    results.push({ target: target.client.name, values: held, recorded: options.confirm });
  }
  return results;
}
