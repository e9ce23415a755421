import type { Transport } from '../dhis2/transport.ts';

/** A request on its way, for "still waiting" lines. */
interface InFlight {
  readonly what: string;
  readonly since: number;
}

export interface ProgressLines {
  /** Wraps the transport: every failed answer is said, and requests in flight are known. */
  transport(inner: Transport): Transport;
  onProgress(progress: { job: string; done: number; total: number }): void;
  stop(): void;
}

const clock = (now: number) => new Date(now).toISOString().slice(11, 19);

/**
 * Progress for a log without a terminal (cron, systemd, Kubernetes): a line per chunk done, a line per
 * failed answer (t2a retries it, or the chunk fails), and, when nothing else was said for a minute, what
 * t2a is waiting for. A night's log then shows where the time went, not minutes of silence.
 */
export function progressLines(
  write: (line: string) => void,
  options: { quietMs?: number; now?: () => number } = {},
): ProgressLines {
  const quietMs = options.quietMs ?? 60_000;
  const now = options.now ?? Date.now;
  const inFlight = new Set<InFlight>();
  let lastSaid = now();
  const say = (text: string) => {
    lastSaid = now();
    write(`[${clock(lastSaid)}] ${text}\n`);
  };
  const timer = setInterval(
    () => {
      if (now() - lastSaid < quietMs) return;
      const oldest = [...inFlight].sort((a, b) => a.since - b.since)[0];
      say(
        oldest
          ? `still waiting for ${oldest.what} (${Math.round((now() - oldest.since) / 1000)} s so far)`
          : 'still working',
      );
    },
    Math.min(quietMs, 10_000),
  );
  timer.unref();
  return {
    transport: (inner) => async (request) => {
      const url = new URL(request.url);
      const entry: InFlight = {
        what: `${request.method} ${url.host}${url.pathname}`,
        since: now(),
      };
      inFlight.add(entry);
      try {
        const response = await inner(request);
        if (response.status >= 500 || response.status === 429 || response.status === 401) {
          const seconds = Math.round((now() - entry.since) / 1000);
          say(`${entry.what} answered HTTP ${response.status} after ${seconds} s`);
        }
        return response;
      } catch (error) {
        const seconds = Math.round((now() - entry.since) / 1000);
        const reason =
          (error as Error).name === 'TimeoutError' ? 'no answer' : (error as Error).message;
        say(`${entry.what} failed after ${seconds} s: ${reason}`);
        throw error;
      } finally {
        inFlight.delete(entry);
      }
    },
    onProgress: ({ job, done, total }) => say(`${job}: ${done}/${total} chunks done`),
    stop: () => clearInterval(timer),
  };
}
