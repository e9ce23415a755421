import { PostgresStore } from './postgres-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { T2aStore } from './types.ts';

/** The store the configuration names: a `postgres://` URL, or a SQLite file path (or `:memory:`). */
export async function openStore(location: string): Promise<T2aStore> {
  return /^postgres(ql)?:\/\//.test(location)
    ? PostgresStore.open(location)
    : new SqliteStore(location);
}
