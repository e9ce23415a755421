import { describe, expect, it } from 'vitest';
import { isolateFailing } from '../../src/core/isolate.ts';

class Blamed extends Error {}

/** A request over `items` that fails, blaming an item, when any of them is in `failing`. */
const requestOver = (failing: ReadonlySet<number>) => async (items: readonly number[]) => {
  if (items.some((item) => failing.has(item))) throw new Blamed('one of these fails');
  return items;
};
const blamable = (error: unknown) => error instanceof Blamed;

describe('narrowing a failing request down to the items that fail', () => {
  it('finds exactly the failing items and answers every other, for every subset of up to 7 items', async () => {
    for (let n = 1; n <= 7; n++) {
      const items = Array.from({ length: n }, (_, i) => i);
      for (let mask = 0; mask < 2 ** n; mask++) {
        const failing = new Set(items.filter((i) => mask & (1 << i)));
        const attempt = requestOver(failing);
        if (failing.size === n) {
          // Every item fails alone: the request is to blame, not an item.
          await expect(isolateFailing(items, attempt, blamable)).rejects.toBeInstanceOf(Blamed);
          continue;
        }
        const result = await isolateFailing(items, attempt, blamable);
        expect(result.failed.map((f) => f.item).sort()).toEqual([...failing].sort());
        expect(result.results.flat().sort()).toEqual(items.filter((i) => !failing.has(i)));
        // One request when nothing fails; at most two per level of halving per failing item otherwise.
        const bound = failing.size === 0 ? 1 : 1 + 2 * failing.size * Math.ceil(Math.log2(n));
        expect(result.requests, `n=${n} failing=${[...failing]}`).toBeLessThanOrEqual(bound);
      }
    }
  });

  it('throws at once an error no item can cause', async () => {
    let calls = 0;
    const refused = async () => {
      calls += 1;
      throw new Error('credentials refused');
    };
    await expect(isolateFailing([1, 2, 3, 4], refused, blamable)).rejects.toThrow(
      'credentials refused',
    );
    expect(calls).toBe(1);
  });
});
