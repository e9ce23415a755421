import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import type { DashboardConfig } from '../config/schema.ts';
import { T2aError } from '../core/errors.ts';
import { dashboardApp } from './app.ts';
import { LiveRuns } from './live-runs.ts';
import type { DashboardContext } from './parts.ts';

export interface RunningDashboard {
  readonly url: string;
  /** Stops taking requests, then lets the runs started from the page finish for `graceMs`. */
  stop(graceMs: number): Promise<void>;
}

const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** The rules a dashboard's configuration must meet before it listens, each with its fix. */
export function checkDashboardConfig(config: DashboardConfig, file: string): void {
  if (!isLoopback(config.host) && !config.tls && !config.behindProxy) {
    throw new T2aError(
      'config',
      `serve.dashboard.host is ${config.host}, which other machines can reach, and the dashboard has no TLS: passwords and sessions would cross the network in clear text.`,
      {
        fix: `In ${file}, give serve.dashboard.tls { cert, key } (PEM files), or set behindProxy: true when a TLS-terminating reverse proxy stands in front; or keep host: 127.0.0.1.`,
      },
    );
  }
  if (config.users.length === 0 && !config.dhis2Login) {
    throw new T2aError(
      'config',
      'serve.dashboard has no users and no dhis2Login: no one could log in.',
      {
        fix: 'Add users: [{ username: admin, passwordHash: "${T2A_ADMIN_HASH}" }] with a hash from `t2a hash-password`, or dhis2Login: { connection: NAME }.',
      },
    );
  }
}

function readPem(path: string, base: string, what: string): Buffer {
  const file = resolve(base, path);
  try {
    return readFileSync(file);
  } catch (error) {
    throw new T2aError(
      'config',
      `Cannot read the dashboard's TLS ${what} ${file}: ${(error as Error).message}.`,
      {
        fix: `Point serve.dashboard.tls.${what} at a readable PEM file.`,
      },
    );
  }
}

/** Starts the dashboard of `t2a serve` on its address. */
export async function startDashboard(
  ctx: DashboardContext,
  config: DashboardConfig,
): Promise<RunningDashboard> {
  checkDashboardConfig(config, ctx.config.file);
  const live = new LiveRuns(ctx);
  const app = dashboardApp(ctx, config, live);
  const base = dirname(ctx.config.file);
  const tls = config.tls
    ? { key: readPem(config.tls.key, base, 'key'), cert: readPem(config.tls.cert, base, 'cert') }
    : undefined;
  const server = await new Promise<ReturnType<typeof serve>>((resolveServer, reject) => {
    const started = serve(
      {
        fetch: app.fetch,
        port: config.port,
        hostname: config.host,
        ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
      },
      () => resolveServer(started),
    );
    started.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new T2aError(
          'config',
          `The dashboard cannot listen on ${config.host}:${config.port}: ${error.message}.`,
          {
            fix:
              error.code === 'EADDRINUSE'
                ? 'Another program uses that port: choose another serve.dashboard.port.'
                : 'Check serve.dashboard.host and port.',
          },
        ),
      ),
    );
  });
  const { port } = server.address() as AddressInfo;
  const host =
    config.host.includes(':') && !config.host.startsWith('[') ? `[${config.host}]` : config.host;
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${port}`,
    async stop(graceMs) {
      await new Promise<void>((done) => {
        server.close(() => done());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await live.stop(graceMs);
    },
  };
}
