import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseValue } from '../../src/core/data-value.ts';
import { CAUSES } from '../../src/core/issues.ts';

/**
 * What each numeric value type takes, worked out by hand from DHIS2's rule for integers
 * (`MathUtils.isInteger…`: `^(0|-?[1-9]\d*)$` within 32 bits, so "5.0" is refused and t2a sends "5";
 * MathUtilsTest states "+5", "-0" and " 5" refused) and the sign rules of each type
 * (`ValidationUtils.dataValueIsValid`, E7619 / E8122).
 */
const TABLE: readonly [valueType: string, value: string, expected: string][] = [
  ['INTEGER', '5.0', 'ok 5'],
  ['INTEGER', '1e3', 'ok 1000'],
  ['INTEGER', '-4', 'ok -4'],
  ['INTEGER', '2.5', 'not-a-whole-number'],
  ['INTEGER_ZERO_OR_POSITIVE', '0', 'ok 0'],
  ['INTEGER_ZERO_OR_POSITIVE', '-3', 'negative-value'],
  ['INTEGER_ZERO_OR_POSITIVE', '-3.5', 'not-a-whole-number'],
  ['INTEGER_POSITIVE', '0', 'not-positive'],
  ['INTEGER_POSITIVE', '-2', 'negative-value'],
  ['INTEGER_POSITIVE', '7.0', 'ok 7'],
  ['INTEGER_NEGATIVE', '0', 'not-negative'],
  ['INTEGER_NEGATIVE', '-1.0', 'ok -1'],
  ['NUMBER', '12.0', 'ok 12'],
  ['NUMBER', '1.25', 'ok 1.25'],
  ['NUMBER', 'abc', 'not-a-number'],
  ['PERCENTAGE', '', 'not-a-number'],
  ['TEXT', 'anything', 'ok anything'],
];

describe('a value for each numeric value type, and the cause of each refusal', () => {
  it.each(TABLE)('%s takes "%s": %s', (valueType, value, expected) => {
    const result = normaliseValue(value, valueType);
    expect(result.ok ? `ok ${result.value}` : result.cause).toBe(expected);
  });
});

/** The fix each cause must point to, and what it must not say (a fix for another cause). */
const FIXES: Readonly<Record<string, { says: RegExp; never?: RegExp }>> = {
  'not-a-whole-number': { says: /decimals to 0/ },
  'negative-value': { says: /expression/, never: /decimals/ },
  'not-positive': { says: /INTEGER_ZERO_OR_POSITIVE/, never: /decimals/ },
  'not-negative': { says: /below zero/, never: /decimals/ },
  'not-a-number': { says: /text/, never: /decimals/ },
  'held-by-others': { says: /t2a adopt.*takeOverFrom/s },
  'changed-in-target': { says: /t2a adopt/ },
  'indicator-failed': { says: /expression or filter/ },
  'failed-validation': { says: /t2a validate/ },
  'kept-uncertain': { says: /evaluates again/ },
  'kept-by-create': { says: /CREATE_AND_UPDATE/ },
  'kept-by-update': { says: /CREATE_AND_UPDATE/ },
  'no-write-access': { says: /share the data set/i },
  'kept-silent': { says: /Data Visualizer.*--trust-empty-indicators/s },
  'deletion-withheld': { says: /reason below/ },
  'locked-period': { says: /expiry days|input periods/ },
  'future-period': { says: /open future periods to 1 or more.*includeCurrent: false/s },
};

/** Every cause a code path can give: issue('…'), value refusals, and DHIS2 conflict causes. */
function causesInSource(): Set<string> {
  const found = new Set<string>();
  const root = new URL('../../src/', import.meta.url).pathname;
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['sandbox', 'dashboard'].includes(entry.name)) visit(path);
        continue;
      }
      if (!path.endsWith('.ts')) continue;
      const text = readFileSync(path, 'utf8');
      for (const match of text.matchAll(/\bissue\(\s*'([a-z-]+)'/g)) found.add(match[1]!);
      for (const match of text.matchAll(/refuse\('([a-z-]+)'/g)) found.add(match[1]!);
      for (const match of text.matchAll(/: '([a-z]+(?:-[a-z]+)+)',?$/gm))
        if (path.endsWith('conflict-causes.ts')) found.add(match[1]!);
    }
  };
  visit(root);
  return found;
}

describe('one table of cause → fix', () => {
  it('has a title and a fix for every cause any code path gives', () => {
    const causes = causesInSource();
    expect(causes.size).toBeGreaterThan(20);
    for (const cause of causes) {
      expect(CAUSES[cause], cause).toBeDefined();
      expect(CAUSES[cause]!.fix.length, cause).toBeGreaterThan(30);
    }
  });

  it.each(Object.entries(FIXES))('gives %s the fix that matches it', (cause, { says, never }) => {
    const fix = CAUSES[cause]!.fix;
    expect(fix).toMatch(says);
    if (never) expect(fix).not.toMatch(never);
  });
});
