import { type DataValue, dataValueKey } from './data-value.ts';

/** A value the target holds, with who stored it and when (for the deletion record). */
export interface HeldValue extends DataValue {
  readonly storedBy?: string | undefined;
  readonly lastUpdated?: string | undefined;
}

/** What t2a wrote before, as its ledger remembers it. */
export interface LedgerEntry extends DataValue {
  readonly runId: string;
}

// DHIS2's default category option combo: its code is "default" and its UID the same in every instance.
const DEFAULT_COMBOS = new Set(['default', 'HllvX50cXC0']);

/** t2a leaves the default combo out of a value; the target names it. Made alike for comparing. */
export function withoutDefaultCombos<T extends DataValue>(value: T): T {
  return {
    ...value,
    categoryOptionCombo: DEFAULT_COMBOS.has(value.categoryOptionCombo ?? '')
      ? undefined
      : value.categoryOptionCombo,
    attributeOptionCombo: DEFAULT_COMBOS.has(value.attributeOptionCombo ?? '')
      ? undefined
      : value.attributeOptionCombo,
  };
}

export interface StaleValue {
  readonly held: HeldValue;
  /** Delete it, or write a zero where the data element stores zeros and the job asks for zeros. */
  readonly action: 'delete' | 'zero';
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
}

export interface ReconcileInput {
  /** The fresh, checked values for this scope. */
  readonly fresh: readonly DataValue[];
  /** What the target holds in this scope (only data elements and combos the job maps). */
  readonly held: readonly HeldValue[];
  /** What t2a wrote in this scope before. */
  readonly ledger: readonly LedgerEntry[];
  /** Data element codes whose stale values become zero instead of being deleted. */
  readonly zeroInsteadOfDelete?: ReadonlySet<string> | undefined;
}

const sameNumber = (a: string, b: string) =>
  a === b || (a.trim() !== '' && b.trim() !== '' && Number(a) === Number(b));

/**
 * Compares a fresh export with what the target holds. New and changed values are sent; unchanged ones are
 * counted, not re-sent. A held value is stale only if t2a wrote it (it is in the ledger) with the value the
 * target still holds, and the export no longer produces it: values entered by hand, or changed by hand
 * since t2a wrote them, are never touched. Nor are they overwritten: where the target no longer holds
 * what t2a wrote (someone changed or deleted it), the fresh value is withheld and reported
 * (`changedInTarget`) until someone decides (`t2a adopt` makes the target's value t2a's again).
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
    else plan.update.push({ value, before: current.value });
  }
  for (const entry of input.ledger) {
    const key = dataValueKey(entry);
    if (freshKeys.has(key)) continue;
    const current = held.get(key);
    if (!current) continue;
    if (!sameNumber(current.value, entry.value)) {
      plan.notOurs.push(current);
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
 * Whether a plan's deletions may run. Deleting is the one irreversible thing t2a does, so it stops when
 * the export cannot be trusted (failed, partial, or from stale analytics) or when the plan would delete
 * a large share of the scope, which looks more like a broken source than like corrections.
 */
export function guardDeletions(options: {
  readonly exportComplete: boolean;
  readonly analyticsAgeHours: number | undefined;
  readonly maxAnalyticsAgeHours: number | undefined;
  readonly deletions: number;
  readonly scopeSize: number;
  readonly maxDeleteShare: number;
  readonly allowMassDelete: boolean;
}): DeletionGuard {
  if (options.deletions === 0) return { allowed: true };
  if (!options.exportComplete) {
    return { allowed: false, reason: 'the export of this scope failed or came back partial' };
  }
  if (options.maxAnalyticsAgeHours !== undefined) {
    if (options.analyticsAgeHours === undefined) {
      return { allowed: false, reason: 'the source does not say when analytics last ran' };
    }
    if (options.analyticsAgeHours > options.maxAnalyticsAgeHours) {
      return {
        allowed: false,
        reason: `analytics is ${Math.round(options.analyticsAgeHours)} h old, over the job's limit of ${options.maxAnalyticsAgeHours} h`,
      };
    }
  }
  const share = options.scopeSize === 0 ? 1 : options.deletions / options.scopeSize;
  if (share > options.maxDeleteShare && !options.allowMassDelete) {
    return {
      allowed: false,
      reason: `the plan would delete ${options.deletions} of ${options.scopeSize} values (${Math.round(share * 100)} %), over the limit of ${Math.round(options.maxDeleteShare * 100)} %; run with --allow-mass-delete if that is right`,
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
): LedgerEntry[] {
  const holds = new Map(held.map((value) => [dataValueKey(withoutDefaultCombos(value)), value]));
  // The latest intent per value: an older run's intent for the same value is superseded.
  const latest = new Map<string, LedgerEntry>();
  for (const intent of intents) {
    const key = dataValueKey(withoutDefaultCombos(intent));
    const seen = latest.get(key);
    if (!seen || seen.runId < intent.runId) latest.set(key, intent);
  }
  return [...latest.entries()].flatMap(([key, intent]) => {
    const current = holds.get(key);
    return current && sameNumber(current.value, intent.value) ? [intent] : [];
  });
}
