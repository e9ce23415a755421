import { describe, expect, it } from 'vitest';
import { type DataValue, dataValueKey } from '../../src/core/data-value.ts';
import { mappingKey } from '../../src/core/mapping.ts';
import {
  type ChangedValue,
  guardDeletions,
  type HeldValue,
  heldFromLedger,
  intentsTaken,
  type LedgerEntry,
  ledgerCovers,
  planReconcile,
} from '../../src/core/reconcile.ts';

const v = (orgUnit: string, period: string, value: string, dataElement = 'BCG'): DataValue => ({
  dataElement,
  period,
  orgUnit,
  categoryOptionCombo: 'U1',
  value,
});
const ledger = (value: DataValue): LedgerEntry => ({ ...value, runId: 'r1' });

describe('reconciling a fresh export with the target', () => {
  it('sends new values and changes to its own, counts unchanged ones', () => {
    const plan = planReconcile({
      fresh: [v('A', '202401', '5'), v('B', '202401', '7'), v('C', '202401', '1')],
      held: [v('A', '202401', '5'), v('B', '202401', '6')],
      ledger: [ledger(v('B', '202401', '6'))],
    });
    expect(plan.create).toEqual([v('C', '202401', '1')]);
    expect(plan.update).toEqual([{ value: v('B', '202401', '7'), before: '6' }]);
    expect(plan.unchanged).toEqual([v('A', '202401', '5')]);
  });

  it('treats "5.0" in the target and "5" fresh as unchanged', () => {
    expect(
      planReconcile({ fresh: [v('A', '202401', '5')], held: [v('A', '202401', '5.0')], ledger: [] })
        .unchanged,
    ).toHaveLength(1);
  });

  it('marks stale a value t2a wrote that the export no longer produces (the event was deleted or moved)', () => {
    const moved = v('A', '202401', '3');
    const plan = planReconcile({
      fresh: [v('A', '202402', '3')],
      held: [moved],
      ledger: [ledger(moved)],
    });
    expect(plan.stale).toEqual([{ held: moved, action: 'delete' }]);
  });

  it('never touches a value t2a did not write', () => {
    const byHand = v('A', '202401', '9');
    expect(planReconcile({ fresh: [], held: [byHand], ledger: [] }).stale).toEqual([]);
  });

  it('leaves alone a value someone changed after t2a wrote it', () => {
    const plan = planReconcile({
      fresh: [],
      held: [v('A', '202401', '10')],
      ledger: [ledger(v('A', '202401', '3'))],
    });
    expect(plan.stale).toEqual([]);
    expect(plan.notOurs).toEqual([v('A', '202401', '10')]);
  });

  it('writes a zero instead of deleting where the job asks for zeros', () => {
    const old = v('A', '202401', '3');
    expect(
      planReconcile({
        fresh: [],
        held: [old],
        ledger: [ledger(old)],
        zeroInsteadOfDelete: new Set(['BCG']),
      }).stale,
    ).toEqual([{ held: old, action: 'zero' }]);
  });
});

describe('values changed in the target since t2a wrote them', () => {
  it('withholds the fresh value and says what t2a wrote and what the target holds', () => {
    const plan = planReconcile({
      fresh: [v('A', '202401', '8'), v('B', '202401', '8')],
      held: [v('A', '202401', '6')],
      ledger: [ledger(v('A', '202401', '5')), ledger(v('B', '202401', '5'))],
    });
    expect(plan.create).toEqual([]);
    expect(plan.update).toEqual([]);
    expect(plan.changedInTarget).toEqual([
      { value: v('A', '202401', '8'), written: '5', held: '6' },
      { value: v('B', '202401', '8'), written: '5', held: undefined },
    ]);
  });

  // Every state of one key: what t2a wrote (nothing, 5), what the target holds (nothing, what t2a wrote,
  // something else), what the export gives (nothing, what t2a wrote, something else).
  const states = ['absent', 'written', 'other'] as const;
  const cases = (['absent', '5'] as const).flatMap((written) =>
    states.flatMap((held) => states.map((fresh) => ({ written, held, fresh }))),
  );
  const stateValue = (state: (typeof states)[number], written: string) =>
    state === 'absent'
      ? undefined
      : state === 'written'
        ? written === 'absent'
          ? '5'
          : written
        : '9';

  it('never sends over a value t2a did not write, or no longer holds as t2a wrote it, in every state of a key', () => {
    for (const { written, held, fresh } of cases) {
      const heldValue = stateValue(held, written);
      const freshValue = stateValue(fresh, written);
      const plan = planReconcile({
        fresh: freshValue ? [v('A', '202401', freshValue)] : [],
        held: heldValue ? [v('A', '202401', heldValue)] : [],
        ledger: written === 'absent' ? [] : [ledger(v('A', '202401', written))],
      });
      const sends = plan.create.length + plan.update.length;
      const ours = heldValue === undefined || (written !== 'absent' && heldValue === written);
      if (!ours && freshValue !== heldValue)
        expect(sends, JSON.stringify({ written, held, fresh })).toBe(0);
      // Nothing is lost either: a fresh value is sent, unchanged, or withheld and reported.
      const accounted =
        sends + plan.unchanged.length + plan.changedInTarget.length + plan.heldByOthers.length;
      expect(accounted, JSON.stringify({ written, held, fresh })).toBe(freshValue ? 1 : 0);
    }
  });

  it('plans the same from the ledger and the target’s changes as from the whole scope, in every state of a key', () => {
    for (const { written, held, fresh } of cases) {
      if (written === 'absent') continue;
      const heldValue = stateValue(held, written);
      const freshValue = stateValue(fresh, written);
      const entries = [ledger(v('A', '202401', written))];
      const whole: HeldValue[] = heldValue ? [v('A', '202401', heldValue)] : [];
      // The changes since: the key whenever the target differs from the ledger (and, harmlessly, when
      // it holds what t2a wrote: t2a's own write).
      for (const changes of [
        heldValue === written
          ? []
          : [heldValue ? v('A', '202401', heldValue) : { ...v('A', '202401', ''), deleted: true }],
        heldValue ? [v('A', '202401', heldValue)] : [{ ...v('A', '202401', ''), deleted: true }],
      ] as ChangedValue[][]) {
        const input = { fresh: freshValue ? [v('A', '202401', freshValue)] : [], ledger: entries };
        expect(
          planReconcile({ ...input, held: heldFromLedger(entries, changes) }),
          JSON.stringify({ written, held, fresh, changes }),
        ).toEqual(planReconcile({ ...input, held: whole }));
      }
    }
  });

  it('lets the ledger answer only where it knows every fresh value and nothing can be stale', () => {
    const entries = [ledger(v('A', '202401', '5')), ledger(v('B', '202401', '5'))];
    expect(ledgerCovers([v('A', '202401', '6'), v('B', '202401', '5')], entries)).toBe(true);
    expect(ledgerCovers([v('A', '202401', '6')], entries)).toBe(false);
    expect(ledgerCovers([v('A', '202401', '6'), v('C', '202401', '5')], entries)).toBe(false);
    expect(ledgerCovers([], [])).toBe(true);
  });
});

describe('guard rails on deletion', () => {
  const base = {
    scope: 'job "immunisation" in hmis',
    analyticsAgeHours: 2,
    maxAnalyticsAgeHours: 26,
    deletions: 2,
    scopeSize: 100,
    maxDeleteShare: 0.2,
    allowMassDelete: false,
  };

  it('allows a small deletion from fresh analytics', () => {
    expect(guardDeletions(base)).toEqual({ allowed: true });
  });

  it('stops deletions from analytics older than the limit, naming the job, the target and the setting', () => {
    const guard = guardDeletions({ ...base, analyticsAgeHours: 50 });
    expect(guard.allowed).toBe(false);
    expect(guard.reason).toBe(
      'the source\'s analytics is 50 h old, over the 26 h job "immunisation" in hmis allows for deletions (reconcile.maxAnalyticsAgeHours): run analytics on the source first',
    );
  });

  it('stops deletions when the source does not say when its analytics ran', () => {
    expect(guardDeletions({ ...base, analyticsAgeHours: undefined }).reason).toMatch(
      /does not say when its analytics last ran/,
    );
  });

  it('stops a mass deletion unless allowed, and --allow-mass-delete lifts that guard only', () => {
    expect(guardDeletions({ ...base, deletions: 30 })).toEqual({
      allowed: false,
      reason:
        'they are 30 of the 100 values job "immunisation" in hmis holds (30 %), over reconcile.maxDeleteShare (20 %); if the tracker data really shrank that much, rerun with --allow-mass-delete',
    });
    expect(guardDeletions({ ...base, deletions: 30, allowMassDelete: true })).toEqual({
      allowed: true,
    });
    expect(
      guardDeletions({ ...base, deletions: 30, allowMassDelete: true, analyticsAgeHours: 50 })
        .allowed,
    ).toBe(false);
  });
});

describe('a cell t2a has never written is not t2a’s', () => {
  const typed = {
    ...v('A', '202611', '9'),
    storedBy: 'facility-clerk',
    lastUpdated: '2026-11-30T09:12:00.000',
  };

  it('withholds the tracker’s value for a cell holding a value t2a never wrote, with who stored it', () => {
    const plan = planReconcile({ fresh: [v('A', '202611', '1')], held: [typed], ledger: [] });
    expect(plan.update).toEqual([]);
    expect(plan.heldByOthers).toEqual([{ value: v('A', '202611', '1'), held: typed }]);
  });

  it('counts a cell holding the same number as unchanged, whoever stored it', () => {
    const plan = planReconcile({ fresh: [v('A', '202611', '9')], held: [typed], ledger: [] });
    expect(plan.unchanged).toEqual([v('A', '202611', '9')]);
    expect(plan.heldByOthers).toEqual([]);
  });

  it('takes over a value stored by a user the job names (reconcile.takeOverFrom), and no other', () => {
    const migrated = { ...typed, storedBy: 'migration' };
    const mayTakeOver = (held: { storedBy?: string | undefined }) => held.storedBy === 'migration';
    const plan = planReconcile({
      fresh: [v('A', '202611', '1'), v('B', '202611', '4')],
      held: [migrated, { ...typed, orgUnit: 'B' }],
      ledger: [],
      mayTakeOver,
    });
    expect(plan.update).toEqual([{ value: v('A', '202611', '1'), before: '9' }]);
    expect(plan.heldByOthers.map((cell) => cell.value)).toEqual([v('B', '202611', '4')]);
  });

  it('updates a cell that holds what t2a wrote, creates an empty one', () => {
    const written = v('A', '202611', '3');
    const plan = planReconcile({
      fresh: [v('A', '202611', '4'), v('B', '202611', '2')],
      held: [written],
      ledger: [ledger(written)],
    });
    expect(plan.update).toEqual([{ value: v('A', '202611', '4'), before: '3' }]);
    expect(plan.create).toEqual([v('B', '202611', '2')]);
    expect(plan.heldByOthers).toEqual([]);
  });
});

describe('deletions as narrow as what is uncertain', () => {
  const gone = v('A', '202611', '3');
  const other = v('A', '202611', '5', 'PENTA');

  it('clears a stale value even when other values of the scope were withheld for validation', () => {
    const plan = planReconcile({
      fresh: [v('B', '202611', '2')],
      held: [gone],
      ledger: [ledger(gone)],
      withheld: new Set([dataValueKey(v('B', '202611', '5.5', 'PENTA'))]),
    });
    expect(plan.stale).toEqual([{ held: gone, action: 'delete' }]);
    expect(plan.create).toEqual([v('B', '202611', '2')]);
  });

  it('keeps a value the export produced but t2a withheld: produced is not stale', () => {
    const plan = planReconcile({
      fresh: [],
      held: [other],
      ledger: [ledger(other)],
      withheld: new Set([dataValueKey(other)]),
    });
    expect(plan.stale).toEqual([]);
  });

  it('keeps what t2a wrote for an indicator the source failed to evaluate, and clears the others', () => {
    const plan = planReconcile({
      fresh: [],
      held: [gone, other],
      ledger: [ledger(gone), ledger(other)],
      uncertain: new Set([mappingKey(other)]),
    });
    expect(plan.stale).toEqual([{ held: gone, action: 'delete' }]);
    expect(plan.uncertain).toEqual([other]);
  });
});

describe('settling what an interrupted run sent', () => {
  const intent = (value: DataValue, runId: string): LedgerEntry => ({ ...value, runId });

  it('takes the intents the target holds as sent, and only those', () => {
    const taken = intentsTaken(
      [
        intent(v('A', '202401', '5'), 'r2'), // arrived
        intent(v('B', '202401', '7'), 'r2'), // never arrived
        intent(v('C', '202401', '3'), 'r2'), // changed by hand since
        intent(v('D', '202401', '4'), 'r2'), // stored as 4.0
      ],
      [v('A', '202401', '5'), v('C', '202401', '9'), v('D', '202401', '4.0')],
    );
    expect(taken.map((entry) => entry.orgUnit)).toEqual(['A', 'D']);
  });

  it('takes the latest run’s intent where two runs left one for the same value', () => {
    const taken = intentsTaken(
      [
        intent(v('A', '202401', '5'), '20261129T020000Z-aaaaaa'),
        intent(v('A', '202401', '6'), '20261130T020000Z-bbbbbb'),
      ],
      [v('A', '202401', '6')],
    );
    expect(taken).toEqual([intent(v('A', '202401', '6'), '20261130T020000Z-bbbbbb')]);
  });

  it('matches the default combo however the target names it', () => {
    const plain = { dataElement: 'BCG', period: '202401', orgUnit: 'A', value: '2' };
    const taken = intentsTaken(
      [intent(plain, 'r1')],
      [{ ...plain, categoryOptionCombo: 'default', attributeOptionCombo: 'HllvX50cXC0' }],
    );
    expect(taken).toHaveLength(1);
  });
});
