import { describe, expect, it } from 'vitest';
import { splitPairs, splitToFit } from '../../src/core/split-request.ts';

/** A small seeded generator, so a failure names the case that broke. */
function random(seed: number) {
  let state = seed;
  return (max: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % max;
  };
}

const idsOf = (count: number, length: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(length - 1, '0')}`);

/** A URL of base length plus each list joined by ';', as the analytics export writes them. */
const urlLength = (base: number, ...lists: (readonly string[])[]) =>
  base + lists.reduce((sum, list) => sum + list.join(';').length, 0);

describe('splitting a request to keep its URL short', () => {
  it('keeps order, loses nothing, and makes every batch as large as the budget allows', () => {
    const roll = random(7);
    for (let trial = 0; trial < 300; trial++) {
      const items = idsOf(roll(400), 5 + roll(40), 'x');
      const budget = 60 + roll(3000);
      const fits = (batch: readonly string[]) => urlLength(40, batch) <= budget;
      const batches = splitToFit(items, fits);
      const widest = Math.max(0, ...items.map((item) => item.length));
      if (40 + widest > budget) {
        if (items.length > 0) expect(batches, `trial ${trial}`).toBeUndefined();
        continue;
      }
      expect(batches!.flat(), `trial ${trial}`).toEqual(items);
      for (const [index, batch] of batches!.entries()) {
        expect(fits(batch)).toBe(true);
        const next = batches![index + 1]?.[0];
        if (next !== undefined)
          expect(fits([...batch, next]), `trial ${trial} batch ${index}`).toBe(false);
      }
    }
  });

  it('covers every pair of indicator and org unit exactly once, each request within the budget', () => {
    const roll = random(11);
    for (let trial = 0; trial < 60; trial++) {
      const indicators = idsOf(1 + roll(120), 11, 'i');
      const orgUnits = idsOf(1 + roll(250), 11, 'o');
      const budget = 300 + roll(4000);
      const fits = (first: readonly string[], second: readonly string[]) =>
        urlLength(120, first, second) <= budget;
      const requests = splitPairs({ first: indicators, second: orgUnits }, fits);
      expect(requests, `trial ${trial}`).toBeDefined();
      const seen = new Map<string, number>();
      for (const request of requests!) {
        expect(fits(request.first, request.second), `trial ${trial}`).toBe(true);
        for (const indicator of request.first)
          for (const orgUnit of request.second) {
            const key = `${indicator}|${orgUnit}`;
            seen.set(key, (seen.get(key) ?? 0) + 1);
          }
      }
      expect(seen.size, `trial ${trial}`).toBe(indicators.length * orgUnits.length);
      expect([...seen.values()].every((count) => count === 1)).toBe(true);
    }
  });

  it('300 indicators × 500 org units under nginx’s 8 KB: a handful of requests, not one per value', () => {
    const indicators = idsOf(300, 11, 'i');
    const orgUnits = idsOf(500, 11, 'o');
    const requests = splitPairs(
      { first: indicators, second: orgUnits },
      (first, second) => urlLength(200, first, second) <= 8000,
    )!;
    // 300 UIDs take 3.6 KB of the 8 KB: the rest carries about 350 org units per request.
    expect(requests.length).toBe(2);
    expect(requests.every((request) => request.first.length === 300)).toBe(true);
  });
});
