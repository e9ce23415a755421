import { addCounts } from '../core/import-summary.ts';
import { issue } from '../core/issues.ts';
import { guardDeletions } from '../core/reconcile.ts';
import { type DeliveryResult, delivered } from '../core/report.ts';
import { type Delivery, send } from './deliver.ts';

export interface StaleOutcome {
  /** How many stale values the chunks found and hold in the store. */
  readonly stale: number;
  readonly names: readonly string[];
  readonly held: number;
  readonly incomplete: boolean;
  readonly failedChunks: number;
  readonly allowMassDelete: boolean;
}

/** How many stale values one clearing request carries. */
const PAGE = 1000;

/**
 * At the end of a job: clears the stale values the chunks held in the store, if the guard rails allow
 * it, a page at a time. Each deletion is written to the run's record first, so `t2a restore` can put it
 * back.
 */
export async function clearStale(
  delivery: Delivery,
  outcome: StaleOutcome,
): Promise<DeliveryResult> {
  const { target, resolved, store } = delivery;
  const job = resolved.job;
  const { stale, names } = outcome;
  if (stale === 0 || !store) return delivered({ stale });
  const drop = () => store.ledger.dropStale(target.ledgerKey, job.name);
  if (!job.reconcile.deleteStale) {
    await drop();
    return delivered({ stale });
  }
  const guard = guardDeletions({
    exportComplete: outcome.failedChunks === 0 && !outcome.incomplete,
    analyticsAgeHours: resolved.analyticsAgeHours,
    maxAnalyticsAgeHours: job.reconcile.maxAnalyticsAgeHours,
    deletions: stale,
    scopeSize: outcome.held,
    maxDeleteShare: job.reconcile.maxDeleteShare,
    allowMassDelete: outcome.allowMassDelete,
  });
  if (!guard.allowed) {
    await drop();
    return delivered({
      stale,
      issues: [issue('deletion-withheld', stale, [...names], `Not deleted: ${guard.reason}.`)],
    });
  }
  if (target.dryRun) {
    await drop();
    return delivered({ stale, issues: [issue('would-delete', stale, [...names])] });
  }
  // Clearing is not sending: `sent` counts exported values, so that exported = withheld + zeros + sent
  // + unchanged; what the clearing did shows in the import counts and the stale count.
  let result = delivered({ stale });
  let deleted = 0;
  let zeroed = 0;
  for (;;) {
    const page = await store.ledger.takeStale(target.ledgerKey, job.name, PAGE);
    if (page.length === 0) break;
    await store.ledger.recordDeletions(delivery.runId, target.ledgerKey, page);
    const deletions = page.filter((value) => value.action === 'delete').map((value) => value.held);
    const zeros = page
      .filter((value) => value.action === 'zero')
      .map((value) => ({ ...value.held, value: '0' }));
    const results = [
      ...(deletions.length > 0 ? [await send(delivery, deletions, 'DELETE')] : []),
      ...(zeros.length > 0 ? [await send(delivery, zeros, 'CREATE_AND_UPDATE')] : []),
    ];
    await store.ledger.forget(target.ledgerKey, deletions);
    deleted += deletions.length;
    zeroed += zeros.length;
    for (const sent of results) {
      result = {
        ...result,
        counts: addCounts(result.counts, sent.counts),
        conflicted: result.conflicted + sent.conflicted,
        issues: [...result.issues, ...sent.issues],
      };
    }
  }
  delivery.log.info({ target: target.client.name, deleted, zeroed }, 'stale values cleared');
  return result;
}
