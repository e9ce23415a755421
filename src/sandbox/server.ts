import type { AddressInfo, Socket } from 'node:net';
import { serve } from '@hono/node-server';
import { type SandboxContext, type SandboxTraffic, systemClock } from './context.ts';
import { openSandboxDb } from './db/schema.ts';
import { createSandboxApp } from './http/app.ts';
import { FaultRegistry, type FaultRule } from './http/faults.ts';
import { OrgUnitHierarchy } from './metadata/org-units.ts';
import { MetadataStore } from './metadata/store.ts';
import { type SeedOptions, type SeedReport, seedSandbox } from './seed/seed.ts';
import { parseDhis2Version } from './version.ts';

export interface SandboxOptions extends SeedOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** The DHIS2 version to answer as, e.g. "2.40" or "2.41.3". Default 2.40. */
  readonly dhis2Version?: string;
  /** SQLite file for the state; in memory when absent. */
  readonly database?: string;
  /** Pins the sandbox's clock (it then runs on from that moment). */
  readonly now?: Date;
  readonly faults?: readonly FaultRule[];
  /** Longest request line taken, as nginx's default buffers (8192, the default); 0: no limit. */
  readonly maxRequestLine?: number;
}

export interface RunningSandbox {
  readonly baseUrl: string;
  readonly port: number;
  readonly context: SandboxContext;
  readonly seed: SeedReport;
  /** Answers a request in process, without a socket: what a client's transport can call instead of HTTP. */
  fetch(request: Request): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts a DHIS2-compatible sandbox on localhost and seeds it. */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const version = parseDhis2Version(options.dhis2Version ?? '2.40');
  const db = openSandboxDb(options.database);
  const metadata = new MetadataStore(db);
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  let baseUrl = '';
  const sockets = socketTraffic();
  const faults = new FaultRegistry();
  for (const rule of options.faults ?? []) faults.add(rule);
  const context: SandboxContext = {
    db,
    metadata,
    orgUnits: new OrgUnitHierarchy(metadata),
    version,
    clock: systemClock(options.now),
    faults,
    maxRequestLine: options.maxRequestLine ?? 8192,
    requests: new Map(),
    traffic: sockets.traffic,
    baseUrl: () => baseUrl,
    stopped,
  };
  const seed = await seedSandbox(context, options);
  const app = createSandboxApp(context);
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const instance = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () =>
      resolve(instance),
    );
    instance.once('error', reject);
  });
  server.on('connection', sockets.watch);
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host}:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    baseUrl,
    port,
    context,
    seed,
    fetch: async (request) => app.fetch(request),
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        resolveStopped();
        server.close(() => {
          db.close();
          resolve();
        });
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      return stopping;
    },
  };
}

/** Bytes over the instance's sockets: those closed, plus what the open ones carried so far. */
function socketTraffic(): { traffic: SandboxTraffic; watch: (socket: Socket) => void } {
  const open = new Set<Socket>();
  let closedRead = 0;
  let closedWritten = 0;
  const sum = (count: (socket: Socket) => number) =>
    [...open].reduce((total, socket) => total + count(socket), 0);
  return {
    traffic: {
      analyticsRows: 0,
      get bytesRead() {
        return closedRead + sum((socket) => socket.bytesRead);
      },
      get bytesWritten() {
        return closedWritten + sum((socket) => socket.bytesWritten);
      },
    },
    watch(socket) {
      open.add(socket);
      socket.once('close', () => {
        open.delete(socket);
        closedRead += socket.bytesRead;
        closedWritten += socket.bytesWritten;
      });
    },
  };
}
