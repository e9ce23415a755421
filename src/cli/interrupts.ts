/**
 * SIGINT (Ctrl-C) and SIGTERM (systemd, Kubernetes) during a run. The first stops it between chunks;
 * a second stops it at once. Either way the run is recorded as abandoned, its lock released, and t2a
 * exits 7: a second Ctrl-C is not Node's default death (130), which would leave the run "running".
 */
export interface Interrupts {
  /** Aborts at the first signal: the run stops between chunks. */
  readonly signal: AbortSignal;
  /** Aborts at the second: the run stops without waiting for the chunk in flight. */
  readonly now: AbortSignal;
  dispose(): void;
}

let stopped = false;

/**
 * Whether a run was stopped at once: what it left waiting (a request, an analytics poll) must not keep
 * the process alive once its record is written and its lock released.
 */
export const stoppedAtOnce = (): boolean => stopped;

export function watchInterrupts(say: (line: string) => void): Interrupts {
  const between = new AbortController();
  const now = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (!between.signal.aborted) {
      say(
        `\n${name}: stopping between chunks; send it again to stop at once (either way the run is recorded as abandoned).\n`,
      );
      between.abort();
    } else if (!now.signal.aborted) {
      say(`\n${name} again: stopping now, recording the run as abandoned.\n`);
      stopped = true;
      now.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: between.signal,
    now: now.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
