/**
 * One measured run: a script in its own process, so its time, CPU and peak memory are its own, and what
 * each sandbox answered meanwhile (requests, bytes, analytics rows, the CPU of the benchmark's process,
 * which is both servers' own).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { RunningSandbox } from '../src/sandbox/index.ts';
import type { BenchWorld } from './setup.ts';

const run = promisify(execFile);

/** What one server answered during a run. */
export interface Served {
  readonly requests: number;
  /** Requests by method and path, e.g. `GET /api/analytics/dataValueSet.json`. */
  readonly byKind: Record<string, number>;
  readonly bytesRead: number;
  readonly bytesWritten: number;
}

export interface Measure {
  readonly seconds: number;
  /** The measured process's own CPU: user + system. */
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
  readonly exported?: number;
  readonly sent?: number;
  /** Analytics requests the source served for the run. */
  readonly analyticsRequests: number;
  /** Data values the source's analytics answered for the run. */
  readonly analyticsRows: number;
  /** CPU of the benchmark's process during the run: both sandboxes (and the benchmark, idle meanwhile). */
  readonly serverCpuSeconds: number;
  readonly servers: { readonly source: Served; readonly target: Served };
}

/** The Node flags t2a runs with, as its executable's first line gives them (`#!/usr/bin/env -S node …`). */
export function shippedNodeFlags(): string[] {
  const shebang = readFileSync(new URL('../bin/t2a.js', import.meta.url), 'utf8').split('\n')[0]!;
  return shebang.split(/\s+/).slice(shebang.split(/\s+/).indexOf('node') + 1);
}

/** Runs `script` (a path relative to bench/) in its own Node process and measures it. */
export async function measure(
  world: BenchWorld,
  script: string,
  args: readonly string[],
  flags: readonly string[] = [],
): Promise<Measure> {
  const before = { source: snapshot(world.source), target: snapshot(world.target) };
  const cpuBefore = process.cpuUsage();
  const { stdout } = await run(
    process.execPath,
    [...childFlags(flags), new URL(script, import.meta.url).pathname, ...args],
    { maxBuffer: 1 << 24, timeout: 3_600_000 },
  );
  const cpu = process.cpuUsage(cpuBefore);
  const measured = JSON.parse(stdout.trim().split('\n').pop()!) as Pick<
    Measure,
    'seconds' | 'cpuSeconds' | 'peakRssMb' | 'exported' | 'sent'
  >;
  const source = served(before.source, snapshot(world.source));
  const target = served(before.target, snapshot(world.target));
  const analyticsRequests = Object.entries(source.byKind)
    .filter(([kind]) => kind.includes('/api/analytics/'))
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    ...measured,
    analyticsRequests,
    analyticsRows: world.source.context.traffic.analyticsRows - before.source.analyticsRows,
    serverCpuSeconds: (cpu.user + cpu.system) / 1e6,
    servers: { source, target },
  };
}

function childFlags(flags: readonly string[]): string[] {
  // BENCH_CHILD_HEAP_MB caps the measured processes' heap: a run that still completes holds nothing that
  // grows with the data.
  const all = process.env.BENCH_CHILD_HEAP_MB
    ? [...flags, `--max-old-space-size=${process.env.BENCH_CHILD_HEAP_MB}`]
    : [...flags];
  // BENCH_CPU_PROF=DIR writes each measured process's CPU profile there (Chrome DevTools format).
  if (process.env.BENCH_CPU_PROF)
    all.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`);
  // BENCH_NODE_FLAGS: more Node flags for the measured processes (--heapsnapshot-signal=SIGUSR2, …).
  all.push(...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []));
  return all;
}

interface Snapshot {
  readonly byKind: Map<string, number>;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readonly analyticsRows: number;
}

function snapshot(sandbox: RunningSandbox): Snapshot {
  const { traffic, requests } = sandbox.context;
  return {
    byKind: new Map(requests),
    bytesRead: traffic.bytesRead,
    bytesWritten: traffic.bytesWritten,
    analyticsRows: traffic.analyticsRows,
  };
}

function served(before: Snapshot, after: Snapshot): Served {
  const byKind: Record<string, number> = {};
  for (const [kind, count] of after.byKind) {
    const during = count - (before.byKind.get(kind) ?? 0);
    if (during > 0) byKind[kind] = during;
  }
  return {
    requests: Object.values(byKind).reduce((sum, count) => sum + count, 0),
    byKind,
    bytesRead: after.bytesRead - before.bytesRead,
    bytesWritten: after.bytesWritten - before.bytesWritten,
  };
}
