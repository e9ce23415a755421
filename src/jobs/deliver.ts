import { type DataValue, dataValueKey, zeroIsInsignificant } from '../core/data-value.ts';
import { T2aError } from '../core/errors.ts';
import { checkExportedValues } from '../core/export-check.ts';
import { addCounts, emptyCounts, type ImportCounts, takenValues } from '../core/import-summary.ts';
import { conflictIssue, type IssueEntry, issue, problemIssue } from '../core/issues.ts';
import { lockReason } from '../core/locks.ts';
import { mappingKey } from '../core/mapping.ts';
import { periodAhead, periodDates } from '../core/periods.ts';
import type { Chunk } from '../core/plan.ts';
import { planReconcile, type StaleValue } from '../core/reconcile.ts';
import { type DeliveryResult, delivered, planOf } from '../core/report.ts';
import type { Finding } from '../core/validation.ts';
import { importDataValues } from '../dhis2/data-value-sets.ts';
import type { Logger } from '../log.ts';
import type { T2aStore } from '../store/types.ts';
import type { ResolvedJob } from './resolve-job.ts';
import { groupForImport, type PreparedTarget, translatedOrgUnits } from './target.ts';
import {
  afterImport,
  changedInTarget,
  heldByOthers,
  markKnown,
  targetScope,
} from './target-scope.ts';

/** One target of a run: the job, the target, and where the run records what it writes. */
export interface Delivery {
  readonly resolved: ResolvedJob;
  readonly target: PreparedTarget;
  /** Mapping keys whose indicator failed validation for this target (a forced run): withheld. */
  readonly failed: ReadonlyMap<string, Finding>;
  readonly runId: string;
  readonly store: T2aStore | undefined;
  readonly log: Logger;
}

/**
 * The stale values of one mapping key: how many, and one period and source org unit where one was
 * found, to ask the source whether the indicator behind them evaluates.
 */
export interface StaleScope {
  readonly count: number;
  readonly period: string;
  readonly orgUnit: string;
}

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
  const takeOverFrom = new Set(resolved.job.reconcile.takeOverFrom);
  const reconcile = planReconcile({
    fresh: locked.open,
    held: scope.held,
    ledger,
    zeroInsteadOfDelete:
      resolved.job.reconcile.staleAs === 'zero'
        ? new Set(resolved.mappings.map((mapping) => mapping.dataElement))
        : undefined,
    withheld: producedKeys(delivery, exported, ready.zeroKeys),
    uncertain: new Set(
      resolved.mappings
        .filter((mapping) => failing.has(mapping.programIndicator))
        .map((mapping) => mappingKey(mapping)),
    ),
    mayTakeOver: (held) => held.storedBy !== undefined && takeOverFrom.has(held.storedBy),
  });
  if (reconcile.stale.length > 0)
    await delivery.store?.ledger.holdStale(target.ledgerKey, resolved.job.name, reconcile.stale);
  const toSend = [...reconcile.create, ...reconcile.update.map((change) => change.value)];
  const sent = await send(delivery, toSend, target.importStrategy);
  await markKnown(
    delivery,
    chunk,
    sent.sent > 0 ? afterImport(target, sent.answeredAt) : scope.readFrom,
    new Set(
      [...reconcile.changedInTarget, ...reconcile.heldByOthers].map(({ value }) => value.orgUnit),
    ),
  );
  issues.push(
    ...changedInTarget(delivery, reconcile.changedInTarget),
    ...heldByOthers(delivery, reconcile.heldByOthers),
  );
  const notSent = reconcile.changedInTarget.length + reconcile.heldByOthers.length;
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
 * The keys of every exported value, as the target would hold them, but zeros the target does not
 * store: what the export produced. Withheld or not, a produced value is not stale; a zero the target
 * does not store is the export saying the old value is gone.
 */
function producedKeys(
  delivery: Delivery,
  exported: readonly DataValue[],
  zeroKeys: readonly string[],
): Set<string> {
  const { target } = delivery;
  const zeros = new Set(zeroKeys);
  const keys = new Set<string>();
  for (const value of exported) {
    const key = dataValueKey({
      ...value,
      orgUnit: target.translate(value.orgUnit) ?? value.orgUnit,
    });
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

/** Why the target cannot take a value of this org unit, if it cannot. */
function orgUnitRefusal(delivery: Delivery, value: DataValue): IssueEntry | undefined {
  const { target, resolved } = delivery;
  const access = target.orgUnitAccess?.get(value.orgUnit);
  const name = resolved.orgUnitName(value.orgUnit);
  if (target.translate(value.orgUnit) === undefined || (access && !access.found))
    return issue('unknown-org-unit', 1, [name]);
  if (!access) return undefined;
  if (!access.writable) return issue('outside-hierarchy', 1, [name]);
  if (!target.info.profile.refusesUnassignedOrgUnits) return undefined;
  const sets = (target.dataElements.get(value.dataElement)?.dataSets ?? []).filter(
    (ds) => ds.periodType === resolved.job.periodType,
  );
  return sets.some((ds) => access.dataSets.has(ds.id))
    ? undefined
    : issue('not-assigned', 1, [`${name}: ${sets.map((ds) => ds.name).join(', ')}`]);
}

/**
 * The checked values the target can take, with their org units translated: not those of org units it
 * lacks, may not write, or has not assigned to the data set (2.43), not those of indicators that failed
 * validation, and not zeros it does not store (`zeroIsSignificant: false`: DHIS2 drops them).
 */
function deliverable(
  delivery: Delivery,
  values: readonly DataValue[],
): { values: DataValue[]; issues: IssueEntry[]; zeroKeys: string[] } {
  const { target } = delivery;
  const ready: DataValue[] = [];
  const issues: IssueEntry[] = [];
  const zeroKeys: string[] = [];
  for (const value of values) {
    const refused = orgUnitRefusal(delivery, value);
    const finding = delivery.failed.get(mappingKey(value));
    if (refused || finding) {
      issues.push(refused ?? issue(finding!.kind, 1, [finding!.dataElement ?? finding!.kind]));
      continue;
    }
    const orgUnit = target.translate(value.orgUnit)!;
    const element = target.dataElements.get(value.dataElement);
    if (element && zeroIsInsignificant(value.value, element)) {
      zeroKeys.push(dataValueKey({ ...value, orgUnit }));
      continue;
    }
    ready.push(orgUnit === value.orgUnit ? value : { ...value, orgUnit });
  }
  return { values: ready, issues, zeroKeys };
}

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

/**
 * Values for periods the target has closed (expiry days, input periods, future periods) are not sent: each
 * is reported as locked with its period and data set; the job's `lockedPeriods: fail` fails the chunk.
 */
function withholdLocked(
  delivery: Delivery,
  values: readonly DataValue[],
): { open: DataValue[]; issues: IssueEntry[]; failure?: T2aError } {
  const { target } = delivery;
  const job = delivery.resolved.job;
  const open: DataValue[] = [];
  const issues: IssueEntry[] = [];
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
    issues.push(issue('locked-period', 1, [`${value.period} ${sets[0]!.name}`], reasons[0]));
  }
  if (job.lockedPeriods === 'fail' && open.length < values.length) {
    const first = values.find((value) => !open.includes(value))!;
    return {
      open: [],
      issues,
      failure: new T2aError(
        'dhis2',
        `Period ${first.period} is closed in ${target.client.name}: ${issues[0]!.message}.`,
        {
          fix: 'Take the period out of the job, ask for a lock exception, or set lockedPeriods: skip to send the rest.',
        },
      ),
    };
  }
  return { open, issues };
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
      issues: [...total.issues, ...result.conflicts.map(conflictIssue)],
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
