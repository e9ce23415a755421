import { describe, expect, it } from 'vitest';
import { semaphore } from '../../src/jobs/semaphore.ts';

describe('a semaphore', () => {
  it('lets at most its size hold it at once, and the waiting in the order they asked', async () => {
    const slots = semaphore(2);
    const order: string[] = [];
    let holding = 0;
    let most = 0;
    const job = async (name: string, release: Promise<void>) => {
      await slots.acquire();
      holding += 1;
      most = Math.max(most, holding);
      order.push(name);
      await release;
      holding -= 1;
      slots.release();
    };
    const gates = Array.from({ length: 5 }, () => {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      return { promise, resolve };
    });
    const jobs = gates.map((gate, index) => job(`job${index}`, gate.promise));
    await Promise.resolve();
    expect(order).toEqual(['job0', 'job1']);
    gates[1]!.resolve();
    gates[0]!.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(order).toEqual(['job0', 'job1', 'job2', 'job3']);
    for (const gate of gates) gate.resolve();
    await Promise.all(jobs);
    expect(order).toEqual(['job0', 'job1', 'job2', 'job3', 'job4']);
    expect(most).toBe(2);
  });
});
