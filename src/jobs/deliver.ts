import { type DataValue, dataValueKey } from '../core/data-value.ts';
import type { T2aError } from '../core/errors.ts';
import { checkExportedValues } from '../core/export-check.ts';
import { addCounts, emptyCounts, type ImportCounts, takenValues } from '../core/import-summary.ts';
import { about, conflictIssue, type IssueEntry, issue, problemIssue } from '../core/issues.ts';
import { mappingKey } from '../core/mapping.ts';
import type { Chunk } from '../core/plan.ts';
import {
  type HeldValue,
  planReconcile,
  type ReconcilePlan,
  type StaleValue,
} from '../core/reconcile.ts';
import { type DeliveryResult, delivered, planOf } from '../core/report.ts';
import { importDataValues } from '../dhis2/data-value-sets.ts';
import type { Delivery, StaleScope } from './delivery.ts';
import { groupForImport, translatedOrgUnits } from './target.ts';
import {
  afterImport,
  changedInTarget,
  heldByOthers,
  markKnown,
  targetScope,
} from './target-scope.ts';
import { asTargetHolds, deliverable, withholdLocked } from './withhold.ts';

/** What delivering one chunk to one target did, and what it leaves for the end of the job. */
export interface ChunkDelivery {
  readonly result: DeliveryResult;
  /**
   * Values t2a wrote that the export no longer produces: how many, and a few named. They wait in the
   * store (`holdStale`) to be cleared at the end of the job.
   */
  readonly stale: number;
  readonly staleNames: readonly string[];
  /** The mapping keys of the stale values, each with where one was found. */
  readonly staleScopes: ReadonlyMap<string, StaleScope>;
  /** How many values the chunk's scope held in the target. */
  readonly held: number;
  /** Why the chunk failed as a whole (a closed period with `lockedPeriods: fail`): nothing was sent. */
  readonly failure?: T2aError | undefined;
}

/** What an import request did. */
interface Sent {
  readonly sent: number;
  readonly counts: ImportCounts;
  readonly conflicted: number;
  readonly issues: readonly IssueEntry[];
  /** When the target answered the last of the requests (its clock), if it said. */
  readonly answeredAt?: number | undefined;
}

/**
 * Checks, translates and reconciles one exported chunk for one target, then sends what changed.
 * `failing`: the indicators the source could not evaluate for this chunk, whose values are missing.
 */
export async function deliverChunk(
  delivery: Delivery,
  chunk: Chunk,
  exported: readonly DataValue[],
  failing: ReadonlySet<string> = new Set(),
): Promise<ChunkDelivery> {
  const { target, resolved } = delivery;
  const checked = checkExportedValues(exported, {
    programIndicators: resolved.allIndicators,
    targetDataElements: target.dataElements,
  });
  const ready = deliverable(delivery, checked.values);
  const locked = withholdLocked(delivery, ready.values);
  const issues: IssueEntry[] = [
    ...checked.problems.map(problemIssue),
    ...ready.issues,
    ...locked.issues,
  ];
  if (locked.failure) {
    return {
      result: delivered({ exported: exported.length, withheld: exported.length, issues }),
      stale: 0,
      staleNames: [],
      staleScopes: new Map(),
      held: 0,
      failure: locked.failure,
    };
  }
  const ledger = await ledgerEntries(delivery, chunk);
  const scope = await targetScope(delivery, chunk, locked.open, ledger);
  const reconcile = planReconcile({
    fresh: locked.open,
    held: scope.held,
    ledger,
    ...reconcileRules(delivery, failing),
    withheld: producedKeys(delivery, exported, ready.zeroKeys),
  });
  if (reconcile.stale.length > 0)
    await delivery.store?.ledger.holdStale(target.ledgerKey, resolved.job.name, reconcile.stale);
  const strategy = byStrategy(reconcile, target.importStrategy);
  const sent = target.offline
    ? unsent(reconcile, strategy.toSend)
    : await send(delivery, strategy.toSend, target.importStrategy);
  await markKnown(
    delivery,
    chunk,
    sent.sent > 0 ? afterImport(target, sent.answeredAt) : scope.readFrom,
    new Set(
      [...reconcile.changedInTarget, ...reconcile.heldByOthers].map(({ value }) => value.orgUnit),
    ),
  );
  issues.push(...reconcileIssues(delivery, reconcile), ...strategy.issues);
  const notSent =
    reconcile.changedInTarget.length + reconcile.heldByOthers.length + strategy.notSent;
  await recordUndelivered(delivery, [...issues, ...sent.issues]);
  return {
    result: delivered({
      exported: exported.length,
      withheld: exported.length - ready.zeroKeys.length - locked.open.length + notSent,
      zeros: ready.zeroKeys.length,
      unchanged: reconcile.unchanged.length,
      plan: planOf(reconcile),
      ...sent,
      issues: [...issues, ...sent.issues],
    }),
    stale: reconcile.stale.length,
    staleNames: reconcile.stale.slice(0, STALE_NAMES).map(staleName),
    staleScopes: staleScopes(delivery, chunk, reconcile.stale),
    held: scope.held.length,
  };
}

/**
 * Every value of the chunk's issues that names its values goes into the run's record, with its cause
 * and what was said of it: the report keeps counts and a few names, the record all of them.
 */
async function recordUndelivered(delivery: Delivery, issues: readonly IssueEntry[]): Promise<void> {
  const target = delivery.target.identity.target;
  const values = issues.flatMap((entry) =>
    (entry.values ?? []).map((value) => ({
      ...value,
      target,
      cause: entry.cause,
      message: entry.message,
    })),
  );
  await delivery.store?.runValues.record(delivery.runId, values);
}

/** What reconciling found that a person should know: cells others changed or hold, values kept. */
function reconcileIssues(delivery: Delivery, reconcile: ReconcilePlan): IssueEntry[] {
  return [
    ...changedInTarget(delivery, reconcile.changedInTarget),
    ...heldByOthers(delivery, reconcile.heldByOthers),
    ...(reconcile.uncertain.length > 0
      ? [
          issue(
            'kept-uncertain',
            reconcile.uncertain.length,
            reconcile.uncertain
              .slice(0, STALE_NAMES)
              .map((held) => staleName({ held, action: 'delete' })),
          ),
        ]
      : []),
  ];
}

/**
 * What the import strategy lets through, decided by t2a from what the target holds: CREATE sends only
 * new cells, UPDATE only cells the target has. The 2.43 engine upserts whatever the strategy
 * (`DataEntryPipeline` 2.43.1 l.116–125), so a job that says CREATE would overwrite there otherwise.
 */
function byStrategy(reconcile: ReconcilePlan, importStrategy: string) {
  const updates = reconcile.update.map((change) => change.value);
  const [toSend, kept] =
    importStrategy === 'CREATE'
      ? [reconcile.create, updates]
      : importStrategy === 'UPDATE'
        ? [updates, reconcile.create]
        : [[...reconcile.create, ...updates], []];
  const issues =
    kept.length > 0
      ? [
          about(
            issue(
              importStrategy === 'CREATE' ? 'kept-by-create' : 'kept-by-update',
              kept.length,
              kept
                .slice(0, STALE_NAMES)
                .map((value) => `${value.dataElement} ${value.period} ${value.orgUnit}`),
            ),
            kept,
          ),
        ]
      : [];
  return { toSend, issues, notSent: kept.length };
}

/**
 * `t2a plan` sends nothing, not even a dry run: what would be sent is counted from the reconcile plan,
 * new cells as imported and changed ones as updated. What the target would refuse it cannot say; `t2a
 * sync --dry-run` asks the target.
 */
function unsent(reconcile: ReconcilePlan, toSend: readonly DataValue[]): Sent {
  const created = new Set(reconcile.create);
  const imported = toSend.filter((value) => created.has(value)).length;
  return {
    sent: toSend.length,
    counts: { ...emptyCounts(), imported, updated: toSend.length - imported },
    conflicted: 0,
    issues: [],
  };
}

/**
 * The job's rules for reconciling a chunk in this target: zeros instead of deletions, the indicators the
 * source failed on (their values kept), and whose values t2a may take over.
 */
function reconcileRules(delivery: Delivery, failing: ReadonlySet<string>) {
  const { job, mappings } = delivery.resolved;
  const takeOverFrom = new Set(job.reconcile.takeOverFrom);
  return {
    zeroInsteadOfDelete:
      job.reconcile.staleAs === 'zero'
        ? new Set(mappings.map((mapping) => mapping.dataElement))
        : undefined,
    uncertain: new Set(
      mappings
        .filter((mapping) => failing.has(mapping.programIndicator))
        .map((mapping) => mappingKey(mapping)),
    ),
    mayTakeOver: (held: HeldValue) =>
      held.storedBy !== undefined && takeOverFrom.has(held.storedBy),
  };
}

/**
 * The keys of every exported value, as the target would hold them, but zeros the target does not
 * store: what the export produced. Withheld or not, a produced value is not stale; a zero the target
 * does not store is the export saying the old value is gone.
 */
function producedKeys(
  delivery: Delivery,
  exported: readonly DataValue[],
  zeroKeys: readonly string[],
): Set<string> {
  const zeros = new Set(zeroKeys);
  const keys = new Set<string>();
  for (const value of exported) {
    const key = dataValueKey(asTargetHolds(delivery, value));
    if (!zeros.has(key)) keys.add(key);
  }
  return keys;
}

/** Per mapping key of the stale values, one period and source org unit where it was found stale. */
function staleScopes(
  delivery: Delivery,
  chunk: Chunk,
  stale: readonly StaleValue[],
): Map<string, StaleScope> {
  const scopes = new Map<string, StaleScope>();
  if (stale.length === 0) return scopes;
  const sourceOf = new Map(
    chunk.orgUnits.map((id) => [delivery.target.translate(id) ?? id, id] as const),
  );
  for (const { held } of stale) {
    const key = mappingKey(held);
    const seen = scopes.get(key);
    scopes.set(
      key,
      seen
        ? { ...seen, count: seen.count + 1 }
        : { count: 1, period: held.period, orgUnit: sourceOf.get(held.orgUnit) ?? held.orgUnit },
    );
  }
  return scopes;
}

/** How many stale values a report names. */
export const STALE_NAMES = 20;
export const staleName = ({ held }: StaleValue) =>
  `${held.dataElement} ${held.period} ${held.orgUnit}`;

async function ledgerEntries(delivery: Delivery, chunk: Chunk) {
  const { target, resolved } = delivery;
  return (
    (await delivery.store?.ledger.entries(
      target.ledgerKey,
      resolved.job.name,
      chunk.periods,
      translatedOrgUnits(target, chunk.orgUnits),
    )) ?? []
  );
}

const provenance = (delivery: Delivery, values: readonly DataValue[]) =>
  delivery.resolved.job.provenance === 'comment'
    ? values.map((value) => ({ ...value, comment: `t2a run ${delivery.runId}` }))
    : values;

/** Sends values (one request per data set where the server wants it), and records what DHIS2 took. */
export async function send(
  delivery: Delivery,
  values: readonly DataValue[],
  importStrategy: string,
): Promise<Sent> {
  const { target, log } = delivery;
  let total: Sent = { sent: 0, counts: emptyCounts(), conflicted: 0, issues: [] };
  const groups = groupForImport(
    target,
    provenance(delivery, values),
    delivery.resolved.job.periodType,
  );
  for (const group of groups) {
    if (group.values.length === 0) continue;
    const records = delivery.store && !target.dryRun && importStrategy !== 'DELETE';
    const intent = records
      ? await delivery.store!.ledger.intend(
          target.ledgerKey,
          delivery.resolved.job.name,
          delivery.runId,
          group.values,
        )
      : undefined;
    const result = await importDataValues(target.client, {
      values: group.values,
      orgUnitIdScheme: target.orgUnitIdScheme,
      importStrategy,
      dryRun: target.dryRun,
      dataSet: group.dataSet,
    });
    total = {
      answeredAt: Math.max(total.answeredAt ?? 0, result.answeredAt ?? 0) || undefined,
      sent: total.sent + group.values.length,
      counts: addCounts(total.counts, result.counts),
      conflicted: total.conflicted + result.conflicts.reduce((sum, c) => sum + c.count, 0),
      issues: [
        ...total.issues,
        ...result.conflicts.map((conflict) =>
          about(
            conflictIssue(conflict),
            conflict.indexes.flatMap((index) => group.values[index] ?? []),
          ),
        ),
      ],
    };
    if (intent) await recordWritten(delivery, intent, group.values, result);
    log.info(
      { target: target.client.name, status: result.status, ...result.counts },
      'values imported',
    );
  }
  return total;
}

/**
 * Only values DHIS2 took go into the ledger. Where the answer does not say which values it took (an
 * ERROR status, a conflict without indexes as on 2.36: `takenValues`), the intent stays, and the
 * next run settles it against what the target holds.
 */
async function recordWritten(
  delivery: Delivery,
  intent: string,
  values: readonly DataValue[],
  result: Awaited<ReturnType<typeof importDataValues>>,
): Promise<void> {
  const taken = takenValues(values, result);
  if (!taken) return;
  const { target, resolved, runId } = delivery;
  await delivery.store!.ledger.confirm(target.ledgerKey, resolved.job.name, runId, intent, taken);
}
