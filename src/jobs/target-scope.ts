import type { DataValue } from '../core/data-value.ts';
import { about, type IssueEntry, issue } from '../core/issues.ts';
import { mappingKey } from '../core/mapping.ts';
import type { Chunk } from '../core/plan.ts';
import {
  type HeldValue,
  heldFromLedger,
  type LedgerEntry,
  ledgerCovers,
  type ReconcilePlan,
  withoutDefaultCombos,
} from '../core/reconcile.ts';
import {
  fetchChangedValues,
  fetchHeldValues,
  type HeldValuesRequest,
} from '../dhis2/data-value-sets.ts';
import type { T2aStore } from '../store/types.ts';
import type { ResolvedJob } from './resolve-job.ts';
import { type PreparedTarget, translatedOrgUnits } from './target.ts';

/** Whose scope: a job's, in one target, with the store of its ledger. */
interface ScopeOf {
  readonly target: PreparedTarget;
  readonly resolved: ResolvedJob;
  readonly store: T2aStore | undefined;
}

/** What asks the target what it holds in a chunk's scope: its data sets, periods and known org units. */
export function heldValuesRequest(target: PreparedTarget, chunk: Chunk): HeldValuesRequest {
  return {
    uidOf: target.uidOf,
    dataSets: target.dataSets,
    periods: chunk.periods,
    // Org units the target lacks or its user may not write are withheld whole: asking about them
    // would fail the read (E2012 "not allowed to view org unit") for the chunk's other org units.
    orgUnits: chunk.orgUnits.flatMap((id) => {
      const access = target.orgUnitAccess?.get(id);
      return access?.found === false || access?.writable === false
        ? []
        : (target.translate(id) ?? []);
    }),
    orgUnitIdScheme: target.orgUnitIdScheme,
    names: target.names,
  };
}

/**
 * The values of the job's data elements and combos, the default combo left out as t2a leaves it
 * (under whatever code the target gives it).
 */
export function inJobScope(resolved: ResolvedJob, target: PreparedTarget) {
  const inScope = new Set(resolved.mappings.map((mapping) => mappingKey(mapping)));
  return <T extends DataValue>(values: readonly T[]): T[] =>
    values
      .map((value) => withoutDefaultCombos(value, target.defaultCombos))
      .filter((value) => inScope.has(mappingKey(value)));
}

/*
 * A chunk's scope in the target: what it holds (read whole, or as the ledger overlaid with the target's
 * changes since t2a last knew it), and from when t2a knows it after the chunk (ADR 9).
 */

/**
 * What the target holds in the chunk's scope, for the job's data elements and combos. Where the ledger
 * knows every value of the scope (ledgerCovers) and since when, only what changed in the target since
 * is read; otherwise the scope is read whole. `readFrom`: the target's clock before the read, from
 * which t2a knows the scope when it writes nothing into it.
 */
export async function targetScope(
  delivery: ScopeOf,
  chunk: Chunk,
  fresh: readonly DataValue[],
  ledger: readonly LedgerEntry[],
): Promise<{ held: HeldValue[]; readFrom: string | undefined }> {
  const { target, resolved } = delivery;
  // A request sent now reaches the target no earlier than the last answer it gave.
  const seen = target.client.serverTime();
  const readFrom = seen === undefined ? undefined : target.info.wallClock?.(seen);
  const request = heldValuesRequest(target, chunk);
  const ours = inJobScope(resolved, target);
  const since =
    readFrom && delivery.store && ledger.length > 0 && ledgerCovers(fresh, ledger)
      ? await delivery.store.ledger.knownSince(
          target.ledgerKey,
          resolved.job.name,
          chunk.periods,
          request.orgUnits,
        )
      : undefined;
  if (since) {
    const changes = await fetchChangedValues(target.client, target.info.profile, request, since);
    return { held: heldFromLedger(ledger, ours(changes)), readFrom };
  }
  const held = await fetchHeldValues(target.client, target.info.profile, request);
  return { held: ours(held), readFrom };
}

/**
 * The target's state of the chunk's scopes is known as of `at` (its clock): the next run reads from
 * there. Not for org units where the target holds values changed since t2a wrote them: the ledger does
 * not hold those values, so their scopes keep reading from before the change, and it stays seen.
 */
export async function markKnown(
  delivery: ScopeOf,
  chunk: Chunk,
  at: string | undefined,
  changedInTarget: ReadonlySet<string>,
) {
  const { target, resolved, store } = delivery;
  if (!at || !store || target.dryRun) return;
  const known = translatedOrgUnits(target, chunk.orgUnits).filter(
    (orgUnit) => !changedInTarget.has(orgUnit),
  );
  if (known.length === 0) return;
  await store.ledger.markKnown(target.ledgerKey, resolved.job.name, chunk.periods, known, at);
}

/**
 * From when the next run reads a scope t2a has just written into: the second after the import's answer
 * (DHIS2 stamps a value no later than it answers; its `Date` header drops the fraction), so t2a's own
 * writes are not read back. A change someone makes within that second is the one it can miss, as any
 * change made between t2a's read and its write.
 */
export function afterImport(
  target: PreparedTarget,
  answeredAt: number | undefined,
): string | undefined {
  return answeredAt === undefined ? undefined : target.info.wallClock?.(answeredAt + 1000);
}

/** Fresh values withheld because the target's value is no longer the one t2a wrote: one issue each. */
export function changedInTarget(
  delivery: ScopeOf,
  changed: ReconcilePlan['changedInTarget'],
): IssueEntry[] {
  return changed.map(({ value, written, held }) =>
    about(
      issue(
        'changed-in-target',
        1,
        [cellName(delivery, value)],
        `t2a wrote ${written}, the target holds ${held ?? 'nothing (deleted)'}, the tracker now gives ${value.value}`,
      ),
      [value],
    ),
  );
}

/** A cell as an administrator finds it in data entry: data element, combo, period, org unit. */
const cellName = (delivery: ScopeOf, value: DataValue) =>
  `${value.dataElement}${value.categoryOptionCombo ? ` ${value.categoryOptionCombo}` : ''} ${value.period} ${delivery.resolved.orgUnitName(value.orgUnit)}`;

/**
 * Cells that hold a value t2a never wrote, each with what it holds, who stored it and when, and what the
 * tracker gives: reported every night until someone decides (t2a adopt, or reconcile.takeOverFrom).
 */
export function heldByOthers(
  delivery: ScopeOf,
  cells: ReconcilePlan['heldByOthers'],
): IssueEntry[] {
  return cells.map(({ value, held }) => {
    const who = held.storedBy ? `stored by ${held.storedBy}` : 'stored by someone';
    const when = held.lastUpdated ? ` on ${held.lastUpdated.slice(0, 16).replace('T', ' ')}` : '';
    return about(
      issue('held-by-others', 1, [
        `${cellName(delivery, value)}: holds ${held.value} (${who}${when}), the tracker gives ${value.value}`,
      ]),
      [value],
    );
  });
}
