import { describe, expect, it } from 'vitest';
import type { DataValue } from '../../src/core/data-value.ts';
import {
  guardDeletions,
  intentsTaken,
  type LedgerEntry,
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
  it('sends new and changed values, counts unchanged ones', () => {
    const plan = planReconcile({
      fresh: [v('A', '202401', '5'), v('B', '202401', '7'), v('C', '202401', '1')],
      held: [v('A', '202401', '5'), v('B', '202401', '6')],
      ledger: [],
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

describe('guard rails on deletion', () => {
  const base = {
    exportComplete: true,
    analyticsAgeHours: 2,
    maxAnalyticsAgeHours: 26,
    deletions: 2,
    scopeSize: 100,
    maxDeleteShare: 0.2,
    allowMassDelete: false,
  };

  it('allows a small deletion from a complete, fresh export', () => {
    expect(guardDeletions(base)).toEqual({ allowed: true });
  });

  it('stops deletions when the export failed or was partial', () => {
    expect(guardDeletions({ ...base, exportComplete: false })).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/partial/),
    });
  });

  it('stops deletions from analytics older than the limit', () => {
    expect(guardDeletions({ ...base, analyticsAgeHours: 50 })).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/50 h old/),
    });
  });

  it('stops a mass deletion unless allowed', () => {
    expect(guardDeletions({ ...base, deletions: 30 })).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/30 of 100 values \(30 %\)/),
    });
    expect(guardDeletions({ ...base, deletions: 30, allowMassDelete: true })).toEqual({
      allowed: true,
    });
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
