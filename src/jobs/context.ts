import type { LoadedConfig } from '../config/load.ts';
import { T2aError } from '../core/errors.ts';
import { Dhis2Client } from '../dhis2/client.ts';
import { httpTransport, type Transport } from '../dhis2/transport.ts';
import type { Logger } from '../log.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { T2aStore } from '../store/types.ts';

/**
 * What every use case works with, opened once by the caller (the command line's composition root, a
 * scheduled run, a test): the configuration, the log, the store, the notifiers, and one client per
 * connection.
 */
export interface JobContext {
  readonly config: LoadedConfig;
  readonly logger: Logger;
  /** The run history, lock and ledger; runs are not recorded without one (tests of the logic alone). */
  readonly store?: T2aStore | undefined;
  /** Where messages go when a job's `notify` policy asks for one. */
  readonly notifiers?: readonly Notifier[] | undefined;
  readonly clients: ClientPool;
}

/** One DHIS2 client per connection of the configuration, made on first use. */
export interface ClientPool {
  client(connection: string): Dhis2Client;
}

export function clientPool(
  config: LoadedConfig,
  logger: Logger,
  transport: Transport = httpTransport,
): ClientPool {
  const clients = new Map<string, Dhis2Client>();
  return {
    client(name) {
      let client = clients.get(name);
      if (!client) {
        const connection = config.connections.get(name);
        if (!connection) {
          throw new T2aError('config', `No connection named "${name}" in ${config.file}.`, {
            fix: `Connections defined: ${[...config.connections.keys()].join(', ')}.`,
          });
        }
        client = new Dhis2Client(connection, logger, transport);
        clients.set(name, client);
      }
      return client;
    },
  };
}

/** A context for the configuration: its own client pool, with the given log, store and notifiers. */
export function jobContext(
  config: LoadedConfig,
  logger: Logger,
  extra: { store?: T2aStore; notifiers?: readonly Notifier[]; transport?: Transport } = {},
): JobContext {
  return {
    config,
    logger,
    store: extra.store,
    notifiers: extra.notifiers,
    clients: clientPool(config, logger, extra.transport),
  };
}
