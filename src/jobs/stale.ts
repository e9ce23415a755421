import { addCounts } from '../core/import-summary.ts';
import { type IssueEntry, issue } from '../core/issues.ts';
import { mappingKey } from '../core/mapping.ts';
import { guardDeletions } from '../core/reconcile.ts';
import { type DeliveryResult, delivered } from '../core/report.ts';
import { send } from './deliver.ts';
import type { Delivery, StaleScope } from './delivery.ts';
import type { Doubt } from './doubtful-indicators.ts';

export interface StaleOutcome {
  /** How many stale values the chunks found and hold in the store. */
  readonly stale: number;
  readonly names: readonly string[];
  /** The stale values per mapping key, with where one was found. */
  readonly scopes: ReadonlyMap<string, StaleScope>;
  readonly held: number;
  readonly allowMassDelete: boolean;
}

/** How many stale values one clearing request carries. */
const PAGE = 1000;

/** The job and target, as a guard's reason names them. */
const scopeName = (delivery: Delivery) =>
  `job "${delivery.resolved.job.name}" in ${delivery.target.client.name}`;

/** The stale values kept for each kind of doubt about their indicator, as issues. */
function keptForDoubt(outcome: StaleOutcome, uncertain: ReadonlyMap<string, Doubt>): IssueEntry[] {
  const kept = (doubt: Doubt) => {
    const keys = [...outcome.scopes].filter(([key]) => uncertain.get(key) === doubt);
    const count = keys.reduce((sum, [, scope]) => sum + scope.count, 0);
    return { count, objects: keys.map(([key]) => readableKey(key)) };
  };
  const failed = kept('failed');
  const silent = kept('silent');
  return [
    ...(failed.count > 0 ? [issue('kept-uncertain', failed.count, failed.objects)] : []),
    ...(silent.count > 0 ? [issue('kept-silent', silent.count, silent.objects)] : []),
  ];
}

/**
 * At the end of a job: clears the stale values the chunks held in the store, but those of `uncertain`
 * mapping keys (their indicator failed on the source: kept, and counted), if the guard rails allow it,
 * a page at a time. Each deletion is written to the run's record first, so `t2a restore` can put it
 * back.
 */
export async function clearStale(
  delivery: Delivery,
  outcome: StaleOutcome,
  uncertain: ReadonlyMap<string, Doubt>,
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
  const keptIssues = keptForDoubt(outcome, uncertain);
  const kept = keptIssues.reduce((sum, entry) => sum + entry.count, 0);
  const guard = guardDeletions({
    scope: scopeName(delivery),
    analyticsAgeHours: resolved.analyticsAgeHours,
    maxAnalyticsAgeHours: job.reconcile.maxAnalyticsAgeHours,
    deletions: stale - kept,
    scopeSize: outcome.held,
    maxDeleteShare: job.reconcile.maxDeleteShare,
    allowMassDelete: outcome.allowMassDelete,
  });
  if (!guard.allowed || stale === kept) {
    await drop();
    const withheld = guard.allowed
      ? []
      : [issue('deletion-withheld', stale - kept, [...names], `Not deleted: ${guard.reason}.`)];
    return delivered({ stale, issues: [...keptIssues, ...withheld] });
  }
  if (target.dryRun) {
    await drop();
    return delivered({
      stale,
      issues: [...keptIssues, issue('would-delete', stale - kept, [...names])],
    });
  }
  return clearPages(delivery, uncertain, delivered({ stale, issues: keptIssues }));
}

/**
 * Takes the held stale values a page at a time and clears those not of an `uncertain` mapping key: each
 * deletion recorded first, then deleted (or zeroed) in the target and forgotten by the ledger.
 */
async function clearPages(
  delivery: Delivery,
  uncertain: ReadonlyMap<string, Doubt>,
  start: DeliveryResult,
): Promise<DeliveryResult> {
  const { target, resolved } = delivery;
  const store = delivery.store!;
  // Clearing is not sending: `sent` counts exported values, so that exported = withheld + zeros + sent
  // + unchanged; what the clearing did shows in the import counts and the stale count.
  let result = start;
  let deleted = 0;
  let zeroed = 0;
  for (;;) {
    const taken = await store.ledger.takeStale(target.ledgerKey, resolved.job.name, PAGE);
    if (taken.length === 0) break;
    const page = taken.filter((value) => !uncertain.has(mappingKey(value.held)));
    if (page.length === 0) continue;
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

/** A mapping key as the HMIS names it: data element, then its combos. */
const readableKey = (key: string) => key.split('|').filter(Boolean).join(' ');
