import { describe, expect, it } from 'vitest';
import { applyToScopes, type ScopeRow, scopeEntries } from '../../src/store/ledger-scopes.ts';

const entry = (orgUnit: string, dataElement: string, value: string, runId = 'r1') => ({
  dataElement,
  period: '202410',
  orgUnit,
  categoryOptionCombo: dataElement === 'BCG' ? 'F' : undefined,
  value,
  runId,
});

/** The stored rows after changes: rows kept, changed ones replaced, emptied ones gone. */
function stored(rows: readonly ScopeRow[], changes: ReturnType<typeof applyToScopes>): ScopeRow[] {
  const key = (row: Omit<ScopeRow, 'entries'>) => `${row.period} ${row.org_unit} ${row.job}`;
  const byKey = new Map(rows.map((row) => [key(row), row]));
  for (const row of changes.remove) byKey.delete(key(row));
  for (const row of changes.upsert) byKey.set(key(row), row);
  return [...byKey.values()];
}

describe('the ledger kept by (period, org unit, job)', () => {
  it('writes values into their scopes, one row each, and reads them back as they were', () => {
    const written = [entry('OuA', 'BCG', '3'), entry('OuA', 'OPV', '4'), entry('OuB', 'BCG', '5')];
    const changes = applyToScopes([], 'imm', written);
    expect(changes.remove).toEqual([]);
    expect(changes.upsert.map((row) => [row.org_unit, row.job])).toEqual([
      ['OuA', 'imm'],
      ['OuB', 'imm'],
    ]);
    expect(changes.upsert.flatMap(scopeEntries)).toEqual(written);
  });

  it('replaces a value under the same key and keeps the scope’s other values', () => {
    const rows = applyToScopes([], 'imm', [
      entry('OuA', 'BCG', '3'),
      entry('OuA', 'OPV', '4'),
    ]).upsert;
    const changes = applyToScopes(rows, 'imm', [entry('OuA', 'BCG', '7', 'r2')]);
    expect(stored(rows, changes).flatMap(scopeEntries)).toEqual([
      entry('OuA', 'BCG', '7', 'r2'),
      entry('OuA', 'OPV', '4'),
    ]);
  });

  it('gives a value to the job that wrote it last, so the other job never clears it', () => {
    const rows = applyToScopes([], 'imm', [
      entry('OuA', 'BCG', '3'),
      entry('OuA', 'OPV', '4'),
    ]).upsert;
    const after = stored(rows, applyToScopes(rows, 'campaign', [entry('OuA', 'BCG', '3', 'r9')]));
    const ofJob = (job: string) =>
      after.filter((row) => row.job === job).flatMap((row) => scopeEntries(row));
    expect(ofJob('imm')).toEqual([entry('OuA', 'OPV', '4')]);
    expect(ofJob('campaign')).toEqual([entry('OuA', 'BCG', '3', 'r9')]);
  });

  it('forgets values whatever the job, and drops a scope left empty', () => {
    const rows = applyToScopes([], 'imm', [
      entry('OuA', 'BCG', '3'),
      entry('OuB', 'BCG', '5'),
    ]).upsert;
    const { runId: _runId, ...value } = entry('OuA', 'BCG', '3');
    const changes = applyToScopes(rows, undefined, [], [value]);
    expect(changes.remove).toEqual([{ period: '202410', org_unit: 'OuA', job: 'imm' }]);
    expect(changes.upsert).toEqual([]);
    expect(stored(rows, changes).flatMap(scopeEntries)).toEqual([entry('OuB', 'BCG', '5')]);
  });

  it('returns nothing to write when nothing changes', () => {
    expect(applyToScopes([], 'imm', [])).toEqual({ upsert: [], remove: [] });
  });
});
