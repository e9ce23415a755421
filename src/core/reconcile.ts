import { type DataValue, dataValueKey } from './data-value.ts';
import { mappingKey } from './mapping.ts';

/** A value the target holds, with who stored it and when (for the deletion record). */
export interface HeldValue extends DataValue {
  readonly storedBy?: string | undefined;
  readonly lastUpdated?: string | undefined;
}

/** What t2a wrote before, as its ledger remembers it. */
export interface LedgerEntry extends DataValue {
  readonly runId: string;
}

/**
 * DHIS2's default category option combo, as most instances name it: code "default", UID HllvX50cXC0.
 * An instance may give it another code (the WHO packages of 2023 ship it as "DEFAULT"): a target's own
 * names for it are added to these (`PreparedTarget.defaultCombos`).
 */
export const DEFAULT_COMBOS: ReadonlySet<string> = new Set(['default', 'HllvX50cXC0']);

/** t2a leaves the default combo out of a value; the target names it. Made alike for comparing. */
export function withoutDefaultCombos<T extends DataValue>(
  value: T,
  defaults: ReadonlySet<string> = DEFAULT_COMBOS,
): T {
  const coc = value.categoryOptionCombo;
  const aoc = value.attributeOptionCombo;
  if (!(coc && defaults.has(coc)) && !(aoc && defaults.has(aoc))) return value;
  return {
    ...value,
    categoryOptionCombo: coc && defaults.has(coc) ? undefined : coc,
    attributeOptionCombo: aoc && defaults.has(aoc) ? undefined : aoc,
  };
}

export interface StaleValue {
  readonly held: HeldValue;
  /** Delete it, or write a zero where the data element stores zeros and the job asks for zeros. */
  readonly action: 'delete' | 'zero';
}

/** A fresh value not sent because the target's cell holds a value t2a never wrote. */
export interface HeldByOthers {
  readonly value: DataValue;
  /** What the cell holds, with who stored it and when. */
  readonly held: HeldValue;
}

export interface ReconcilePlan {
  readonly create: DataValue[];
  readonly update: { readonly value: DataValue; readonly before: string }[];
  readonly unchanged: DataValue[];
  readonly stale: StaleValue[];
  /** Ledger entries the target no longer holds as t2a wrote them (changed or deleted by someone): left alone. */
  readonly notOurs: HeldValue[];
  /**
   * Fresh values t2a does not send because someone changed or deleted, in the target, the value t2a
   * wrote there: with what t2a wrote and what the target holds now (undefined: deleted).
   */
  readonly changedInTarget: {
    readonly value: DataValue;
    readonly written: string;
    readonly held: string | undefined;
  }[];
  /**
   * Fresh values t2a does not send because the cell holds a different value t2a never wrote (typed by
   * hand, or stored by another tool), and the job does not let t2a take it over.
   */
  readonly heldByOthers: HeldByOthers[];
  /**
   * Values t2a wrote that the export did not produce, kept because the export of their indicator for
   * this scope cannot be trusted (the source failed to evaluate it): not stale, not deleted.
   */
  readonly uncertain: HeldValue[];
}

export interface ReconcileInput {
  /** The fresh, checked values for this scope, as the target would receive them. */
  readonly fresh: readonly DataValue[];
  /** What the target holds in this scope (only data elements and combos the job maps). */
  readonly held: readonly HeldValue[];
  /** What t2a wrote in this scope before. */
  readonly ledger: readonly LedgerEntry[];
  /** Data element codes whose stale values become zero instead of being deleted. */
  readonly zeroInsteadOfDelete?: ReadonlySet<string> | undefined;
  /**
   * Keys (`dataValueKey`) the export produced but t2a withheld (failed validation, a value the data
   * element refuses, a closed period, an org unit the target refuses): produced, so never stale.
   */
  readonly withheld?: ReadonlySet<string> | undefined;
  /**
   * Mapping keys (`mappingKey`) whose indicators the source failed to evaluate for this scope: their
   * values were not exported, so what t2a wrote for them is kept, not judged stale.
   */
  readonly uncertain?: ReadonlySet<string> | undefined;
  /**
   * Whether t2a may overwrite a value it never wrote (the job's `reconcile.takeOverFrom`: values a
   * named user stored, e.g. a migration's import user). By default it may not.
   */
  readonly mayTakeOver?: ((held: HeldValue) => boolean) | undefined;
}

const sameNumber = (a: string, b: string) =>
  a === b || (a.trim() !== '' && b.trim() !== '' && Number(a) === Number(b));

/**
 * Compares a fresh export with what the target holds. New and changed values are sent; unchanged ones are
 * counted, not re-sent. A cell is t2a's only where t2a wrote it (it is in the ledger) and the target still
 * holds what t2a wrote:
 * - a cell holding a value t2a never wrote (typed by hand, another tool) is not overwritten: the fresh
 *   value is withheld and reported (`heldByOthers`) until someone decides (`t2a adopt`, or the job's
 *   `takeOverFrom` names the user who stored it);
 * - a cell whose value someone changed or deleted since t2a wrote it is not overwritten either
 *   (`changedInTarget`);
 * - a value t2a wrote that the export no longer produces is stale (deleted, or zeroed), unless the
 *   export produced it but t2a withheld it, or the indicators that produce it failed on the source.
 */
export function planReconcile(input: ReconcileInput): ReconcilePlan {
  const held = new Map(input.held.map((value) => [dataValueKey(value), value]));
  const written = new Map(input.ledger.map((entry) => [dataValueKey(entry), entry.value]));
  const freshKeys = new Set<string>();
  const plan: ReconcilePlan = {
    create: [],
    update: [],
    unchanged: [],
    stale: [],
    notOurs: [],
    changedInTarget: [],
    heldByOthers: [],
    uncertain: [],
  };
  for (const value of input.fresh) {
    const key = dataValueKey(value);
    freshKeys.add(key);
    const current = held.get(key);
    const ours = written.get(key);
    if (current && sameNumber(current.value, value.value)) plan.unchanged.push(value);
    else if (ours !== undefined && !(current && sameNumber(current.value, ours)))
      plan.changedInTarget.push({ value, written: ours, held: current?.value });
    else if (!current) plan.create.push(value);
    else if (ours === undefined && !(input.mayTakeOver?.(current) ?? false))
      plan.heldByOthers.push({ value, held: current });
    else plan.update.push({ value, before: current.value });
  }
  for (const entry of input.ledger) {
    const key = dataValueKey(entry);
    if (freshKeys.has(key) || input.withheld?.has(key)) continue;
    const current = held.get(key);
    if (!current) continue;
    if (!sameNumber(current.value, entry.value)) {
      plan.notOurs.push(current);
      continue;
    }
    if (input.uncertain?.has(mappingKey(entry))) {
      plan.uncertain.push(current);
      continue;
    }
    const zero = input.zeroInsteadOfDelete?.has(entry.dataElement) ?? false;
    if (zero && sameNumber(current.value, '0')) continue;
    plan.stale.push({ held: current, action: zero ? 'zero' : 'delete' });
  }
  return plan;
}

/**
 * Whether the ledger alone says what a scope's target holds, given the target's changes since t2a last
 * knew it: every fresh value is one t2a wrote there, and every value it wrote is still produced (nothing
 * may be stale; deciding a deletion always reads the target whole).
 */
export function ledgerCovers(fresh: readonly DataValue[], ledger: readonly LedgerEntry[]): boolean {
  if (fresh.length !== ledger.length) return false;
  const written = new Set(ledger.map(dataValueKey));
  return fresh.every((value) => written.has(dataValueKey(value)));
}

/** A value the target reports changed since a moment: its new value, or deleted. */
export interface ChangedValue extends HeldValue {
  readonly deleted?: boolean | undefined;
}

/**
 * What the target holds in a scope the ledger covers: what t2a wrote, as changed since (values changed by
 * someone else, values deleted). Changes to keys t2a never wrote are the target's too.
 */
export function heldFromLedger(
  ledger: readonly LedgerEntry[],
  changes: readonly ChangedValue[],
): HeldValue[] {
  const held = new Map<string, HeldValue>();
  for (const { runId: _runId, ...entry } of ledger) held.set(dataValueKey(entry), entry);
  for (const { deleted, ...change } of changes) {
    const key = dataValueKey(change);
    if (deleted) held.delete(key);
    else held.set(key, change);
  }
  return [...held.values()];
}

export interface DeletionGuard {
  readonly allowed: boolean;
  readonly reason?: string | undefined;
}

/**
 * Whether the stale values of a job's scope in one target may be deleted. Deleting is the one
 * irreversible thing t2a does. Values whose export was uncertain never reach this point (a failed
 * chunk is never reconciled; an indicator the source failed to evaluate keeps its values: planReconcile),
 * so what is left to guard is the run as a whole: analytics older than the job allows (the export may
 * miss corrections not yet analysed), and a share of the scope so large it looks like a broken source
 * rather than corrections — the only guard `--allow-mass-delete` lifts.
 */
export function guardDeletions(options: {
  /** The job and target, as a person reads them, e.g. `job "immunisation" in hmis`. */
  readonly scope: string;
  readonly analyticsAgeHours: number | undefined;
  readonly maxAnalyticsAgeHours: number | undefined;
  readonly deletions: number;
  readonly scopeSize: number;
  readonly maxDeleteShare: number;
  readonly allowMassDelete: boolean;
}): DeletionGuard {
  if (options.deletions === 0) return { allowed: true };
  if (options.maxAnalyticsAgeHours !== undefined) {
    if (options.analyticsAgeHours === undefined) {
      return {
        allowed: false,
        reason: `the source does not say when its analytics last ran, and ${options.scope} allows deletions only from analytics at most ${options.maxAnalyticsAgeHours} h old`,
      };
    }
    if (options.analyticsAgeHours > options.maxAnalyticsAgeHours) {
      return {
        allowed: false,
        reason: `the source's analytics is ${Math.round(options.analyticsAgeHours)} h old, over the ${options.maxAnalyticsAgeHours} h ${options.scope} allows for deletions (reconcile.maxAnalyticsAgeHours): run analytics on the source first`,
      };
    }
  }
  const share = options.scopeSize === 0 ? 1 : options.deletions / options.scopeSize;
  if (share > options.maxDeleteShare && !options.allowMassDelete) {
    return {
      allowed: false,
      reason: `they are ${options.deletions} of the ${options.scopeSize} values ${options.scope} holds (${Math.round(share * 100)} %), over reconcile.maxDeleteShare (${Math.round(options.maxDeleteShare * 100)} %); if the tracker data really shrank that much, rerun with --allow-mass-delete`,
    };
  }
  return { allowed: true };
}

/**
 * The intents a stopped run left (values it sent without hearing the answer) that the target holds as t2a
 * sent them: those reached it and belong in the ledger. The others did not arrive, or were changed since.
 */
export function intentsTaken(
  intents: readonly LedgerEntry[],
  held: readonly HeldValue[],
  defaults: ReadonlySet<string> = DEFAULT_COMBOS,
): LedgerEntry[] {
  const holds = new Map(
    held.map((value) => [dataValueKey(withoutDefaultCombos(value, defaults)), value]),
  );
  // The latest intent per value: an older run's intent for the same value is superseded.
  const latest = new Map<string, LedgerEntry>();
  for (const intent of intents) {
    const key = dataValueKey(withoutDefaultCombos(intent, defaults));
    const seen = latest.get(key);
    if (!seen || seen.runId < intent.runId) latest.set(key, intent);
  }
  return [...latest.entries()].flatMap(([key, intent]) => {
    const current = holds.get(key);
    return current && sameNumber(current.value, intent.value) ? [intent] : [];
  });
}
