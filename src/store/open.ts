import { isT2aError, T2aError } from '../core/errors.ts';
import { PostgresStore } from './postgres-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { T2aStore } from './types.ts';

/** The store the configuration names: a `postgres://` URL, or a SQLite file path (or `:memory:`). */
export async function openStore(location: string): Promise<T2aStore> {
  if (/^postgres(ql)?:\/\//.test(location)) return PostgresStore.open(location);
  try {
    const store = new SqliteStore(location);
    await store.schemaVersion();
    return store;
  } catch (error) {
    if (isT2aError(error)) throw error;
    throw new T2aError(
      'config',
      `The store ${location} cannot be opened as t2a's SQLite store: ${(error as Error).message}.`,
      {
        fix: 'Point store: at a file t2a may write (a new path creates a new store), or at postgres://… — not at another kind of file.',
      },
    );
  }
}
