import { describe, expect, it } from 'vitest';
import { findAudits } from '../../src/sandbox/data-values/audits.ts';
import { ValueStore } from '../../src/sandbox/data-values/value-store.ts';
import { openSandboxDb } from '../../src/sandbox/db/schema.ts';
import { parseDhis2Version } from '../../src/sandbox/version.ts';

const KEY = {
  dataElement: 'DeBcgDose01',
  period: '202603',
  orgUnit: 'Ou000000001',
  categoryOptionCombo: 'HllvX50cXC0',
  attributeOptionCombo: 'HllvX50cXC0',
};

/** The audit rows a version keeps for a write sequence, oldest first: [type, value, modifiedBy]. */
function trailOf(version: string, writes: (store: ValueStore) => void) {
  const db = openSandboxDb();
  const store = new ValueStore(db, parseDhis2Version(version));
  writes(store);
  const rows = findAudits(db, {
    dataElements: [KEY.dataElement],
    periods: [],
    orgUnits: [],
    categoryOptionCombo: undefined,
    attributeOptionCombo: undefined,
    types: [],
  });
  db.close();
  return rows.reverse().map((row) => [row.audit_type, row.value, row.modified_by]);
}

let minute = 0;
const now = () => `2026-04-10T08:${String(minute++).padStart(2, '0')}:00.000`;
const put = (store: ValueStore, value: string, by: string, comment: string | null = null) =>
  store.put(KEY, { value, storedBy: by, comment, followup: false }, now());

describe('the audit rows data value writes leave, by version', () => {
  it('2.36–2.42 audit the value an update or deletion replaces, by its writer, and no creation', () => {
    for (const version of ['2.36', '2.40', '2.42'])
      expect(
        trailOf(version, (store) => {
          put(store, '3', 't2a');
          put(store, '5', 'clerk');
          store.delete(KEY, 'clerk', now());
          put(store, '4', 't2a'); // restored from its soft deletion: no row
        }),
      ).toEqual([
        ['UPDATE', '3', 'clerk'],
        ['DELETE', '5', 'clerk'],
      ]);
  });

  it('an update keeping the value (a comment changed) is audited to 2.38, not from 2.39', () => {
    const commentOnly = (store: ValueStore) => {
      put(store, '3', 't2a');
      put(store, '3', 'clerk', 'checked');
    };
    expect(trailOf('2.38', commentOnly)).toEqual([['UPDATE', '3', 'clerk']]);
    expect(trailOf('2.39', commentOnly)).toEqual([]);
  });

  it("2.43's trigger audits each write with the value it leaves, creation included", () => {
    expect(
      trailOf('2.43', (store) => {
        put(store, '3', 't2a');
        put(store, '3', 't2a', 'same value'); // neither value nor deleted flag changes: no row
        put(store, '5', 'clerk');
        store.tombstone(KEY, { value: '5', storedBy: 'clerk', comment: null }, now());
        put(store, '4', 't2a'); // restored: the deleted flag changes, an UPDATE
      }),
    ).toEqual([
      ['CREATE', '3', 't2a'],
      ['UPDATE', '5', 'clerk'],
      ['DELETE', '5', 'clerk'],
      ['UPDATE', '4', 't2a'],
    ]);
  });
});
