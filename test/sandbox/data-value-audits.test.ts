import { describe, expect, it } from 'vitest';
import { auditFor } from '../../src/sandbox/data-values/audits.ts';
import type { StoredValue } from '../../src/sandbox/data-values/value-store.ts';
import { parseDhis2Version } from '../../src/sandbox/version.ts';

const held = (value: string, deleted = 0): StoredValue => ({
  data_element: 'DeBcgDose01',
  period: '202603',
  org_unit: 'Ou000000001',
  category_option_combo: 'HllvX50cXC0',
  attribute_option_combo: 'HllvX50cXC0',
  value,
  stored_by: 't2a',
  created: '2026-04-10T08:00:00.000',
  last_updated: '2026-04-10T08:00:00.000',
  comment: null,
  followup: 0,
  deleted,
});
const write = (value: string | null, deleted = false) => ({ value, storedBy: 'clerk', deleted });
const at = (text: string) => parseDhis2Version(text);

describe('the audit row a data value write leaves, by version', () => {
  it('2.36–2.42 audit the value an update or deletion replaces, and no creation', () => {
    for (const version of ['2.36', '2.40', '2.42']) {
      expect(auditFor(at(version), undefined, write('5'))).toBeUndefined();
      expect(auditFor(at(version), held('3', 1), write('5'))).toBeUndefined();
      expect(auditFor(at(version), held('3'), write('5'))).toEqual({
        type: 'UPDATE',
        value: '3',
        modifiedBy: 'clerk',
      });
      expect(auditFor(at(version), held('3'), write('3', true))).toEqual({
        type: 'DELETE',
        value: '3',
        modifiedBy: 'clerk',
      });
    }
  });

  it('an update keeping the value is audited to 2.38, not from 2.39', () => {
    expect(auditFor(at('2.38'), held('3'), write('3'))).toMatchObject({ type: 'UPDATE' });
    expect(auditFor(at('2.39'), held('3'), write('3'))).toBeUndefined();
  });

  it("2.43's trigger audits each write with the value it leaves, creation included", () => {
    const v = at('2.43');
    expect(auditFor(v, undefined, write('5'))).toEqual({
      type: 'CREATE',
      value: '5',
      modifiedBy: 'clerk',
    });
    expect(auditFor(v, held('3'), write('5'))).toEqual({
      type: 'UPDATE',
      value: '5',
      modifiedBy: 'clerk',
    });
    expect(auditFor(v, held('3'), write('3', true))).toMatchObject({ type: 'DELETE', value: '3' });
    // Restoring a deleted value changes the deleted flag: an UPDATE, not a CREATE.
    expect(auditFor(v, held('3', 1), write('4'))).toMatchObject({ type: 'UPDATE', value: '4' });
    expect(auditFor(v, held('3'), write('3'))).toBeUndefined();
  });
});
