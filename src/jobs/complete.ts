import type { JobConfig } from '../config/schema.ts';
import {
  type CompletenessPlan,
  type CompletenessRule,
  completenessKey,
  planCompleteness,
} from '../core/completeness.ts';
import { T2aError } from '../core/errors.ts';
import { fetchRegistrations, registerComplete } from '../dhis2/complete-registrations.ts';
import type { T2aStore } from '../store/types.ts';
import type { JobContext } from './context.ts';
import type { ResolvedJob } from './resolve-job.ts';
import type { PreparedTarget } from './target.ts';

export interface CompleteResult {
  readonly dataSet: string;
  readonly plan: CompletenessPlan;
  readonly marked: number;
  readonly dryRun: boolean;
}

function ruleOf(job: JobConfig): CompletenessRule {
  if (!job.complete) {
    throw new T2aError('config', `Job "${job.name}" has no completeness rule.`, {
      fix: 'Add complete: { rule: { minValues: 1 } } (or dataElements/minOf, or allMapped) to the job.',
    });
  }
  const rule = job.complete.rule;
  if (rule === 'allMapped') return { kind: 'all-mapped' };
  return 'minValues' in rule
    ? { kind: 'min-values', count: rule.minValues }
    : { kind: 'min-of', dataElements: rule.dataElements, count: rule.minOf };
}

/** What t2a delivered to a target, per org unit and period: the data elements, and how many values. */
async function deliveredTo(store: T2aStore, resolved: ResolvedJob, target: PreparedTarget) {
  const delivered = new Map<string, Set<string>>();
  const counts = new Map<string, number>();
  for (const entry of await store.ledger.entries(
    target.ledgerKey,
    resolved.job.name,
    resolved.periods,
  )) {
    const key = completenessKey(entry.orgUnit, entry.period);
    delivered.set(key, (delivered.get(key) ?? new Set()).add(entry.dataElement));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { delivered, counts };
}

async function completeTarget(
  resolved: ResolvedJob,
  target: PreparedTarget,
  store: T2aStore,
  dryRun: boolean,
): Promise<CompleteResult[]> {
  const rule = ruleOf(resolved.job);
  const { periods, orgUnits } = resolved;
  const mapped = new Set(resolved.mappings.map((mapping) => mapping.dataElement));
  const { delivered, counts } = await deliveredTo(store, resolved, target);
  const units = orgUnits.flatMap((unit) => target.translate(unit.id) ?? []);
  // Registrations are asked for by UID, whatever the target's scheme; their answer names org units in it.
  const uids = units.flatMap((unit) => target.uidOf(unit) ?? []);
  const results: CompleteResult[] = [];
  for (const dataSet of target.dataSets) {
    const registered = new Set(
      (await fetchRegistrations(target.client, dataSet, periods, uids, target.orgUnitIdScheme))
        .filter((r) => r.completed !== false)
        .map((r) => completenessKey(r.organisationUnit, r.period)),
    );
    const plan = planCompleteness(
      {
        delivered,
        valueCounts: counts,
        rule,
        mappedDataElements: mapped,
        registered,
        openPeriods: new Set(resolved.currentPeriod ? [resolved.currentPeriod] : []),
      },
      periods.flatMap((period) => units.map((orgUnit) => ({ orgUnit, period }))),
    );
    let marked = 0;
    if (plan.mark.length > 0) {
      const result = await registerComplete(
        target.client,
        plan.mark.map((m) => ({ dataSet, period: m.period, organisationUnit: m.orgUnit })),
        { orgUnitIdScheme: target.orgUnitIdScheme, dryRun, date: resolved.today },
      );
      marked = dryRun ? 0 : result.counts.imported + result.counts.updated;
    }
    results.push({ dataSet, plan, marked, dryRun });
  }
  return results;
}

/**
 * `t2a complete`: marks the target data set complete where the job's rule holds over what t2a delivered
 * (its ledger), for the resolved job's periods. Never unmarks; periods still open are left alone.
 */
export async function completeJob(
  ctx: JobContext,
  resolved: ResolvedJob,
  options: { dryRun: boolean },
): Promise<CompleteResult[]> {
  ruleOf(resolved.job);
  if (!ctx.store)
    throw new T2aError('internal', 'Marking complete reads the ledger, and no store was opened.');
  const results: CompleteResult[] = [];
  for (const target of resolved.targets)
    results.push(...(await completeTarget(resolved, target, ctx.store, options.dryRun)));
  return results;
}
