import { addCounts } from '../core/import-summary.ts';
import { issue } from '../core/issues.ts';
import { guardDeletions, type StaleValue } from '../core/reconcile.ts';
import { type DeliveryResult, delivered } from '../core/report.ts';
import { type Delivery, send } from './deliver.ts';

export interface StaleOutcome {
  readonly stale: readonly StaleValue[];
  readonly held: number;
  readonly incomplete: boolean;
  readonly failedChunks: number;
  readonly allowMassDelete: boolean;
}

/**
 * At the end of a job: clears the stale values of every chunk, if the guard rails allow it. Each deletion
 * is written to the run's record first, so `t2a restore` can put it back.
 */
export async function clearStale(
  delivery: Delivery,
  outcome: StaleOutcome,
): Promise<DeliveryResult> {
  const { target, resolved } = delivery;
  const job = resolved.job;
  const stale = outcome.stale.length;
  if (stale === 0 || !job.reconcile.deleteStale || !delivery.store) return delivered({ stale });
  const guard = guardDeletions({
    exportComplete: outcome.failedChunks === 0 && !outcome.incomplete,
    analyticsAgeHours: resolved.analyticsAgeHours,
    maxAnalyticsAgeHours: job.reconcile.maxAnalyticsAgeHours,
    deletions: stale,
    scopeSize: outcome.held,
    maxDeleteShare: job.reconcile.maxDeleteShare,
    allowMassDelete: outcome.allowMassDelete,
  });
  const names = outcome.stale
    .slice(0, 20)
    .map(({ held }) => `${held.dataElement} ${held.period} ${held.orgUnit}`);
  if (!guard.allowed) {
    return delivered({
      stale,
      issues: [issue('deletion-withheld', stale, names, `Not deleted: ${guard.reason}.`)],
    });
  }
  if (target.dryRun) return delivered({ stale, issues: [issue('would-delete', stale, names)] });
  await delivery.store.ledger.recordDeletions(delivery.runId, target.ledgerKey, outcome.stale);
  const deletions = outcome.stale
    .filter((value) => value.action === 'delete')
    .map((value) => value.held);
  const zeros = outcome.stale
    .filter((value) => value.action === 'zero')
    .map((value) => ({ ...value.held, value: '0' }));
  const results = [
    ...(deletions.length > 0 ? [await send(delivery, deletions, 'DELETE')] : []),
    ...(zeros.length > 0 ? [await send(delivery, zeros, 'CREATE_AND_UPDATE')] : []),
  ];
  await delivery.store.ledger.forget(target.ledgerKey, deletions);
  delivery.log.info(
    { target: target.client.name, deleted: deletions.length, zeroed: zeros.length },
    'stale values cleared',
  );
  // Clearing is not sending: `sent` counts exported values, so that exported = withheld + zeros + sent
  // + unchanged; what the clearing did shows in the import counts and the stale count.
  let result = delivered({ stale });
  for (const sent of results) {
    result = {
      ...result,
      counts: addCounts(result.counts, sent.counts),
      conflicted: result.conflicted + sent.conflicted,
      issues: [...result.issues, ...sent.issues],
    };
  }
  return result;
}
