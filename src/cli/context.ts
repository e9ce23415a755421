import { type LoadedConfig, loadConfig } from '../config/load.ts';
import type { Transport } from '../dhis2/transport.ts';
import { type JobContext, jobContext } from '../jobs/context.ts';
import { createLogger, type Logger } from '../log.ts';
import { notifiersFromConfig } from '../notify/from-config.ts';
import { openStore } from '../store/open.ts';
import type { T2aStore } from '../store/types.ts';

/** What every command gets from the configuration file named on the command line. */
export interface ConfigOptions {
  readonly config: string;
  readonly logFile?: string | undefined;
  readonly logLevel?: string | undefined;
}

/** What a command needs opened beyond the configuration and the log. */
export interface Needs {
  readonly store?: boolean;
  readonly notifiers?: boolean;
  /** Whether the command starts the dashboard, and so needs its users' password hashes. */
  readonly dashboard?: boolean;
  /** Whether the command reaches a server (default): read-only commands run without the secrets. */
  readonly connections?: boolean;
  /** How requests reach the servers, when not plain HTTP (progress lines watch them). */
  readonly transport?: Transport;
}

export type CommandContext<N extends Needs> = JobContext &
  (N['store'] extends true ? { readonly store: T2aStore } : unknown);

/**
 * The command line's composition root: the configuration, the log, the store and the notifiers are
 * opened here once, handed to the use case, and closed here once, whatever happens.
 */
export async function withContext<N extends Needs>(
  options: ConfigOptions,
  needs: N,
  run: (ctx: CommandContext<N>) => Promise<number>,
): Promise<number> {
  const config: LoadedConfig = loadConfig(options.config, process.env, {
    connections: needs.connections !== false,
    dashboard: needs.dashboard === true,
  });
  const logger: Logger = createLogger({
    file: options.logFile ?? config.logFile,
    level: options.logLevel ?? config.config.log.level,
    secrets: config.secrets,
  });
  const store = needs.store ? await openStore(config.storePath) : undefined;
  const base = jobContext(config, logger, {
    ...(store ? { store } : {}),
    ...(needs.transport ? { transport: needs.transport } : {}),
  });
  const ctx = {
    ...base,
    notifiers: needs.notifiers
      ? notifiersFromConfig(config, (name) => base.clients.client(name))
      : undefined,
  } as CommandContext<N>;
  try {
    return await run(ctx);
  } finally {
    await store?.close();
    logger.flush();
  }
}
