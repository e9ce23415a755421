import { describe, expect, it } from 'vitest';
import { parseDhis2Version, since } from '../../src/sandbox/version.ts';

describe('a change backported to several DHIS2 branches', () => {
  // rejectedIndexes: 2.39.2, 2.40.1, 2.41.0 (ImportSummary, DHIS2-4678), checked by hand against the tags.
  it.each([
    ['2.38.9', false],
    ['2.39.1', false],
    ['2.39.2', true],
    ['2.40.0', false],
    ['2.40.1', true],
    ['2.41.0', true],
    ['2.43.1', true],
  ] as const)('%s: %s', (version, has) => {
    expect(since(parseDhis2Version(version), '2.39.2', '2.40.1', '2.41.0')).toBe(has);
  });
});
