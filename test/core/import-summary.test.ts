import { describe, expect, it } from 'vitest';
import { type ImportResult, takenValues } from '../../src/core/import-summary.ts';

const result = (status: ImportResult['status'], indexes: number[][]): ImportResult => ({
  status,
  counts: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
  description: undefined,
  conflicts: indexes.map((list) => ({
    errorCode: list.length ? 'E7619' : undefined,
    cause: 'invalid-value',
    message: 'refused',
    objects: {},
    count: Math.max(list.length, 1),
    indexes: list,
  })),
});

describe('what an import took, read from its answer', () => {
  const values = ['a', 'b', 'c', 'd'];
  it.each([
    ['no conflict: everything', result('SUCCESS', []), ['a', 'b', 'c', 'd']],
    ['conflicts with indexes: the rest', result('WARNING', [[1], [3]]), ['a', 'c']],
    ['a conflict without indexes (2.36): unknown', result('WARNING', [[1], []]), undefined],
    ['an ERROR answer: unknown', result('ERROR', [[0]]), undefined],
  ] as const)('%s', (_case, answer, taken) => {
    expect(takenValues(values, answer)).toEqual(taken);
  });
});
