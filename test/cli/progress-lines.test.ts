import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressLines } from '../../src/cli/progress-lines.ts';

describe('progress lines for a log without a terminal', () => {
  afterEach(() => vi.useRealTimers());

  it('says each chunk, each failed answer, and what it waits for after a quiet minute', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-30T02:00:00Z') });
    const lines: string[] = [];
    const progress = progressLines((line) => lines.push(line));
    let answer: (response: Response) => void = () => {};
    const transport = progress.transport((request) =>
      request.url.includes('fail')
        ? Promise.resolve(new Response('<html>', { status: 503 }))
        : new Promise((resolve) => {
            answer = resolve;
          }),
    );
    progress.onProgress({ job: 'immunisation', done: 1, total: 18 });
    await transport(new Request('https://hmis.example.org/api/fail'));
    const pending = transport(
      new Request('https://hmis.example.org/api/dataValueSets', { method: 'POST' }),
    );
    await vi.advanceTimersByTimeAsync(59_000);
    expect(lines).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(11_000);
    answer(new Response('{}', { status: 200 }));
    await pending;
    progress.stop();
    expect(lines).toEqual([
      '[02:00:00] immunisation: 1/18 chunks done\n',
      '[02:00:00] GET hmis.example.org/api/fail answered HTTP 503 after 0 s\n',
      '[02:01:00] still waiting for POST hmis.example.org/api/dataValueSets (60 s so far)\n',
    ]);
  });

  it('says a request that got no answer, and passes its error on', async () => {
    const lines: string[] = [];
    const progress = progressLines((line) => lines.push(line));
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), {
      name: 'TimeoutError',
    });
    const transport = progress.transport(() => Promise.reject(timeout));
    await expect(
      transport(new Request('https://tracker.example.org/api/analytics/dataValueSet.json')),
    ).rejects.toBe(timeout);
    progress.stop();
    expect(lines[0]).toMatch(
      /GET tracker\.example\.org\/api\/analytics\/dataValueSet\.json failed after 0 s: no answer/,
    );
  });
});
