import type { SandboxDb } from './db/schema.ts';
import type { FaultRegistry } from './http/faults.ts';
import type { OrgUnitHierarchy } from './metadata/org-units.ts';
import type { MetadataStore } from './metadata/store.ts';
import type { Dhis2Version } from './version.ts';

/** The sandbox's notion of now. Tests move it to reach expiry days, relative periods and schedules. */
export interface SandboxClock {
  now(): Date;
  /** Pins the clock to a date, or lets it follow the system clock again with `undefined`. */
  set(date: Date | undefined): void;
}

export function systemClock(initial?: Date): SandboxClock {
  let offsetMs = initial ? initial.getTime() - Date.now() : 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    set(date) {
      offsetMs = date ? date.getTime() - Date.now() : 0;
    },
  };
}

/** Everything a route handler needs: one per sandbox instance, so several instances run side by side. */
export interface SandboxContext {
  readonly db: SandboxDb;
  readonly metadata: MetadataStore;
  readonly orgUnits: OrgUnitHierarchy;
  readonly version: Dhis2Version;
  readonly clock: SandboxClock;
  readonly faults: FaultRegistry;
  /** Longest request line taken, as the proxy in front of DHIS2 (nginx: 8192); 0: no limit. */
  readonly maxRequestLine: number;
  /**
   * Requests served, by method and path (`GET /api/analytics/dataValueSet.json`, a versioned path under
   * its plain one): what a client asked of this instance, for tests and the benchmark.
   */
  readonly requests: Map<string, number>;
  /** What the instance answered beyond request counts, for the benchmark: rows and socket bytes. */
  readonly traffic: SandboxTraffic;
  /** The instance's base URL (`http://127.0.0.1:PORT`), known once it listens. */
  baseUrl(): string;
  /** Resolves when the instance stops; hung responses and running jobs end with it. */
  readonly stopped: Promise<void>;
}

/** Counted as the instance answers; a reader takes differences between two moments. */
export interface SandboxTraffic {
  /** Data values `/api/analytics/dataValueSet` answered, in every format. */
  analyticsRows: number;
  /** Bytes read from and written to client sockets, headers included (Node's socket counters). */
  readonly bytesRead: number;
  readonly bytesWritten: number;
}
