import type { JobConfig } from '../config/schema.ts';
import type { DataValue } from '../core/data-value.ts';
import { T2aError } from '../core/errors.ts';
import { checkExportedValues } from '../core/export-check.ts';
import type { ImportResult } from '../core/import-summary.ts';
import { lockReason } from '../core/locks.ts';
import { mappingKey } from '../core/mapping.ts';
import { periodAhead, periodDates } from '../core/periods.ts';
import type { Chunk } from '../core/plan.ts';
import {
  guardDeletions,
  planReconcile,
  type StaleValue,
  withoutDefaultCombos,
} from '../core/reconcile.ts';
import { addToPlan } from '../core/report.ts';
import { fetchHeldValues, importDataValues } from '../dhis2/data-value-sets.ts';
import type { Logger } from '../log.ts';
import type { T2aStore } from '../store/types.ts';
import type { JobPlan } from './sync-plan.ts';
import { groupForImport, type PreparedTarget } from './sync-target.ts';

type Tally = { -readonly [K in keyof PreparedTarget['tally']]: PreparedTarget['tally'][K] };

export interface Delivery {
  readonly job: JobConfig;
  readonly plan: JobPlan;
  readonly target: PreparedTarget;
  readonly runId: string;
  readonly store: T2aStore | undefined;
  readonly log: Logger;
}

/** What a chunk left for the end of the job: stale values, and how many values its scope held. */
export interface ChunkOutcome {
  readonly stale: StaleValue[];
  readonly held: number;
  /** Values were withheld in this chunk: clearing anything in it would rest on an incomplete picture. */
  readonly incomplete: boolean;
}

/** Checks, translates and reconciles one exported chunk for one target, then sends what changed. */
export async function deliverChunk(
  delivery: Delivery,
  chunk: Chunk,
  exported: readonly DataValue[],
): Promise<ChunkOutcome> {
  const { target, plan } = delivery;
  const tally = target.tally as Tally;
  tally.exported += exported.length;
  const checked = checkExportedValues(exported, {
    programIndicators: plan.allIndicators,
    targetDataElements: target.dataElements,
  });
  for (const problem of checked.problems) target.issues.addProblem(problem);
  const values: DataValue[] = [];
  for (const value of checked.values) {
    const orgUnit = target.translate(value.orgUnit);
    if (orgUnit === undefined) {
      target.issues.add('unknown-org-unit', 1, [plan.orgUnitName(value.orgUnit)], undefined);
      continue;
    }
    values.push(orgUnit === value.orgUnit ? value : { ...value, orgUnit });
  }
  const open = withholdLocked(delivery, values);
  tally.withheld += exported.length - open.length;
  const orgUnits = chunk.orgUnits.flatMap((id) => target.translate(id) ?? []);
  const inScope = new Set(plan.mappings.map((mapping) => mappingKey(mapping)));
  const held = (
    await fetchHeldValues(target.client, {
      dataSets: target.dataSets,
      periods: chunk.periods,
      orgUnits,
      orgUnitIdScheme: target.orgUnitIdScheme,
    })
  )
    .map(withoutDefaultCombos)
    .filter((value) => inScope.has(mappingKey(value)));
  const ledger =
    (await delivery.store?.ledger.entries(
      target.ledgerKey,
      delivery.job.name,
      chunk.periods,
      orgUnits,
    )) ?? [];
  const reconcile = planReconcile({
    fresh: open,
    held,
    ledger,
    zeroInsteadOfDelete:
      delivery.job.reconcile.staleAs === 'zero'
        ? new Set(plan.mappings.map((mapping) => mapping.dataElement))
        : undefined,
  });
  tally.unchanged += reconcile.unchanged.length;
  addToPlan(tally.plan, reconcile);
  const toSend = [...reconcile.create, ...reconcile.update.map((change) => change.value)];
  await send(delivery, toSend, target.importStrategy);
  return { stale: reconcile.stale, held: held.length, incomplete: open.length < exported.length };
}

/**
 * Values for periods the target has closed (expiry days, input periods, future periods) are not sent: each
 * is reported as locked with its period and data set; the job's `lockedPeriods: fail` fails the chunk.
 */
function withholdLocked(delivery: Delivery, values: readonly DataValue[]): DataValue[] {
  const { target, job } = delivery;
  const open: DataValue[] = [];
  for (const value of values) {
    const period = periodDates(value.period, target.calendar);
    const sets = (target.dataElements.get(value.dataElement)?.dataSets ?? []).filter(
      (ds) => ds.periodType === job.periodType,
    );
    const reasons = period
      ? sets.map((ds) =>
          lockReason(ds, period, target.today, {
            canEditExpired: target.canEditExpired,
            latestOpen: periodAhead(
              ds.periodType,
              target.today,
              ds.openFuturePeriods,
              target.calendar,
            ),
          }),
        )
      : [];
    // DHIS2 takes the value when any of its data sets takes it.
    if (reasons.length === 0 || reasons.some((reason) => reason === undefined)) {
      open.push(value);
      continue;
    }
    target.issues.add('locked-period', 1, [`${value.period} ${sets[0]!.name}`], reasons[0]);
    if (job.lockedPeriods === 'fail') {
      throw new T2aError(
        'dhis2',
        `Period ${value.period} is closed in ${target.client.name}: ${reasons[0]}.`,
        {
          fix: 'Take the period out of the job, ask for a lock exception, or set lockedPeriods: skip to send the rest.',
        },
      );
    }
  }
  return open;
}

const provenance = (delivery: Delivery, values: readonly DataValue[]) =>
  delivery.job.provenance === 'comment'
    ? values.map((value) => ({ ...value, comment: `t2a run ${delivery.runId}` }))
    : values;

/** Sends values (per data set on 2.43), counts the answer, and records in the ledger what was written. */
async function send(
  delivery: Delivery,
  values: readonly DataValue[],
  importStrategy: string,
): Promise<ImportResult[]> {
  const { target, log } = delivery;
  const tally = target.tally as Tally;
  const results: ImportResult[] = [];
  for (const group of groupForImport(
    target,
    provenance(delivery, values),
    delivery.job.periodType,
  )) {
    if (group.values.length === 0) continue;
    const result = await importDataValues(target.client, {
      values: group.values,
      orgUnitIdScheme: target.orgUnitIdScheme,
      importStrategy,
      dryRun: target.dryRun,
      dataSet: group.dataSet,
    });
    results.push(result);
    tally.sent += group.values.length;
    for (const key of ['imported', 'updated', 'ignored', 'deleted'] as const)
      tally.counts[key] += result.counts[key];
    for (const conflict of result.conflicts) {
      target.issues.addConflict(conflict);
      tally.conflicted += conflict.count;
    }
    if (!target.dryRun && importStrategy !== 'DELETE')
      await recordWritten(delivery, group.values, result);
    log.info(
      { target: target.client.name, status: result.status, ...result.counts },
      'values imported',
    );
  }
  return results;
}

/** Only values DHIS2 took go into the ledger; without indexes (2.36) a request with conflicts records none. */
async function recordWritten(
  delivery: Delivery,
  values: readonly DataValue[],
  result: ImportResult,
): Promise<void> {
  if (!delivery.store || result.status === 'ERROR') return;
  const rejected = new Set(result.conflicts.flatMap((conflict) => conflict.indexes));
  if (result.conflicts.length > 0 && rejected.size === 0) return;
  const written = values.filter((_value, index) => !rejected.has(index));
  await delivery.store.ledger.record(
    delivery.target.ledgerKey,
    delivery.job.name,
    delivery.runId,
    written,
  );
}

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
export async function clearStale(delivery: Delivery, outcome: StaleOutcome): Promise<void> {
  const { target, job, plan } = delivery;
  const tally = target.tally as Tally;
  tally.stale += outcome.stale.length;
  if (outcome.stale.length === 0 || !job.reconcile.deleteStale || !delivery.store) return;
  const guard = guardDeletions({
    exportComplete: outcome.failedChunks === 0 && !outcome.incomplete,
    analyticsAgeHours: plan.analyticsAgeHours,
    maxAnalyticsAgeHours: job.reconcile.maxAnalyticsAgeHours,
    deletions: outcome.stale.length,
    scopeSize: outcome.held,
    maxDeleteShare: job.reconcile.maxDeleteShare,
    allowMassDelete: outcome.allowMassDelete,
  });
  const names = outcome.stale
    .slice(0, 20)
    .map(({ held }) => `${held.dataElement} ${held.period} ${held.orgUnit}`);
  if (!guard.allowed) {
    target.issues.add(
      'deletion-withheld',
      outcome.stale.length,
      names,
      `Not deleted: ${guard.reason}.`,
    );
    return;
  }
  if (target.dryRun) {
    target.issues.add('would-delete', outcome.stale.length, names, undefined);
    return;
  }
  await delivery.store.ledger.recordDeletions(delivery.runId, target.ledgerKey, outcome.stale);
  const deletions = outcome.stale
    .filter((stale) => stale.action === 'delete')
    .map((stale) => stale.held);
  const zeros = outcome.stale
    .filter((stale) => stale.action === 'zero')
    .map((stale) => ({ ...stale.held, value: '0' }));
  if (deletions.length > 0) await send(delivery, deletions, 'DELETE');
  if (zeros.length > 0) await send(delivery, zeros, 'CREATE_AND_UPDATE');
  await delivery.store.ledger.forget(target.ledgerKey, deletions);
  delivery.log.info(
    { target: target.client.name, deleted: deletions.length, zeroed: zeros.length },
    'stale values cleared',
  );
}
