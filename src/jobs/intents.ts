import { intentsTaken, withoutDefaultCombos } from '../core/reconcile.ts';
import { fetchHeldValues } from '../dhis2/data-value-sets.ts';
import type { Delivery } from './delivery.ts';

/**
 * Before a job sends anything to a target: the values an earlier run sent without recording the answer
 * (it was killed, or the answer was lost) are looked up in the target. Those it holds as t2a sent them
 * enter the ledger under that run, so they can be cleared later like any value t2a wrote; the rest are
 * forgotten. Returns how many entered the ledger.
 */
export async function settleIntents(delivery: Delivery): Promise<number> {
  const { store, target, resolved, log } = delivery;
  if (!store || target.dryRun) return 0;
  const intents = await store.ledger.intents(target.ledgerKey, resolved.job.name);
  if (intents.length === 0) return 0;
  const sent = intents.flatMap((intent) =>
    intent.values.map((value) => ({ ...value, runId: intent.runId })),
  );
  const periods = [...new Set(sent.map((value) => value.period))];
  const orgUnits = [...new Set(sent.map((value) => value.orgUnit))];
  const held = await fetchHeldValues(target.client, target.info.profile, {
    uidOf: target.uidOf,
    dataSets: target.dataSets,
    periods,
    orgUnits,
    orgUnitIdScheme: target.orgUnitIdScheme,
    names: target.names,
  });
  const taken = intentsTaken(
    sent,
    held.map((value) => withoutDefaultCombos(value, target.defaultCombos)),
    target.defaultCombos,
  );
  await store.ledger.settle(
    target.ledgerKey,
    resolved.job.name,
    intents.map((intent) => intent.id),
    taken,
  );
  log.warn(
    {
      target: target.client.name,
      intents: intents.length,
      values: sent.length,
      taken: taken.length,
      runs: [...new Set(intents.map((intent) => intent.runId))],
    },
    'settled values an interrupted run sent without recording the answer',
  );
  return taken.length;
}
