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
  const ours = inJobScope(resolved, target);
  const held: HeldValue[] = [];
  const ids = orgUnits.map((unit) => unit.id);
  for (const chunk of planChunks(periods, ids, job.chunk)) {
    const request = heldValuesRequest(target, chunk);
    held.push(...ours(await fetchHeldValues(target.client, target.info.profile, request)));
  }
  return held;
}

/** Which cells to adopt: all of the job's scope, or only these data elements and org units. */
export interface AdoptOptions {
  readonly confirm: boolean;
  /** Data element codes, as the HMIS names them. */
  readonly dataElements?: readonly string[] | undefined;
  /** Org units, by the source's UID (the job's) or the target's own. */
  readonly orgUnits?: readonly string[] | undefined;
}

/** The cells of a target the options choose. */
function chosen(target: PreparedTarget, options: AdoptOptions) {
  const elements = options.dataElements?.length ? new Set(options.dataElements) : undefined;
  const units = options.orgUnits?.length
    ? new Set(options.orgUnits.flatMap((id) => [id, target.translate(id) ?? id]))
    : undefined;
  return (value: { dataElement: string; orgUnit: string }) =>
    (!elements || elements.has(value.dataElement)) && (!units || units.has(value.orgUnit));
}

/**
 * `t2a adopt --job NAME`: cells of the target that hold values t2a never wrote (typed by hand, another
 * tool) are not t2a's, so a sync neither overwrites nor clears them. Adopting records what the chosen
 * cells hold now as t2a's own, after showing them: the next run sends the tracker's values there, and
 * reconciliation clears them when the export stops producing them. Values changed by hand since t2a
 * wrote them become t2a's as they now are.
 */
export async function adoptValues(
  store: T2aStore,
  resolved: ResolvedJob,
  options: AdoptOptions,
): Promise<AdoptResult[]> {
  const results: AdoptResult[] = [];
  for (const target of resolved.targets) {
    const inChoice = chosen(target, options);
    const held = (await heldInScope(resolved, target)).filter(inChoice);
    if (options.confirm) {
      await store.ledger.record(target.ledgerKey, resolved.job.name, 'adopted', held);
      // What t2a wrote and someone has deleted since is the target's choice too: forgotten, so the next
      // run writes it as new.
      const holds = new Set(held.map(dataValueKey));
      const gone = (
        await store.ledger.entries(target.ledgerKey, resolved.job.name, resolved.periods)
      ).filter((entry) => inChoice(entry) && !holds.has(dataValueKey(entry)));
      await store.ledger.forget(target.ledgerKey, gone);
    }
    results.push({ target: target.client.name, values: held, recorded: options.confirm });
  }
  return results;
}
