/**
 * What the servers said, remembered for a while so that pages do not ask them again on every view:
 * analytics age and validation (the Jobs page), comparisons (the Transition page and its report).
 */
export class Remembered<T> {
  private readonly entries = new Map<
    string,
    { readonly at: number; readonly asked: Promise<T>; settled: T | undefined }
  >();

  constructor(private readonly ms: number) {}

  /** The answer, asked for when none is fresh; a failed question is forgotten, so the next asks again. */
  get(key: string, ask: () => Promise<T>): Promise<T> {
    return this.fresh(key, ask).asked;
  }

  /**
   * Never waits: the last answer known (a little old while a fresh one is on its way), or undefined
   * before the first comes. A server that does not answer slows no page.
   */
  peek(key: string, ask: () => Promise<T>): T | undefined {
    return this.fresh(key, ask).settled;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  private fresh(key: string, ask: () => Promise<T>) {
    const known = this.entries.get(key);
    if (known && Date.now() - known.at < this.ms) return known;
    const entry = { at: Date.now(), asked: ask(), settled: known?.settled };
    this.entries.set(key, entry);
    entry.asked.then(
      (value) => {
        entry.settled = value;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry;
  }
}
