import { describe, expect, it } from 'vitest';
import type { JobRun } from '../../src/jobs/run-job.ts';
import { untilStoppedNow } from '../../src/jobs/stop-now.ts';

const done: JobRun = { resolved: undefined, targets: [], failedChunks: [] };
const never = () => new Promise<JobRun>(() => {});

describe('a run stopped at once (a second Ctrl-C)', () => {
  it('ends as aborted without waiting for the work in flight', async () => {
    const stop = new AbortController();
    const ended = untilStoppedNow(never, stop.signal, 'immunisation');
    stop.abort();
    expect((await ended).error).toMatchObject({
      kind: 'aborted',
      message: expect.stringContaining('Job "immunisation" was stopped at once'),
    });
  });

  it('does not begin a job when the stop came first', async () => {
    const stop = new AbortController();
    stop.abort();
    let begun = false;
    const ended = await untilStoppedNow(
      () => {
        begun = true;
        return Promise.resolve(done);
      },
      stop.signal,
      'tb',
    );
    expect(begun).toBe(false);
    expect(ended.error?.kind).toBe('aborted');
  });

  it('is the run itself when no stop comes', async () => {
    expect(
      await untilStoppedNow(() => Promise.resolve(done), new AbortController().signal, 'tb'),
    ).toBe(done);
  });
});
