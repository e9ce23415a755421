/**
 * The program indicators the source failed to evaluate in one run, with what DHIS2 said. Chunks find
 * them by narrowing a failed export down (core/isolate.ts), one chunk at a time: a chunk whose export
 * fails meanwhile waits, then asks again without what the first found, so a failure is found once per
 * run, not once per chunk.
 */
export class FailingIndicators {
  private readonly known = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();

  has(id: string): boolean {
    return this.known.has(id);
  }

  add(id: string, message: string): void {
    if (!this.known.has(id)) this.known.set(id, message);
  }

  /** The indicators and DHIS2's messages, in the order they were found. */
  entries(): [string, string][] {
    return [...this.known];
  }

  /** Runs `work` after every narrowing already under way, one at a time. */
  exclusively<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
