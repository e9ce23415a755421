import type { SandboxDb } from '../db/schema.ts';
import { type IdScheme, identifierOf } from './id-scheme.ts';

/** A metadata object as DHIS2 exports it: references are `{ id }` objects. */
export interface MetadataObject {
  id: string;
  code?: string;
  name?: string;
  [property: string]: unknown;
}

/**
 * All metadata, by collection name (`dataElements`, `programIndicators`, ...), kept in memory and written
 * through to SQLite. Lookups by id scheme are indexed, because an import resolves every value's identifiers.
 */
export class MetadataStore {
  private readonly collections = new Map<string, Map<string, MetadataObject>>();
  private readonly schemeIndexes = new Map<string, Map<string, MetadataObject | null>>();
  private version = 0;

  constructor(private readonly db: SandboxDb) {
    const rows = db.prepare('SELECT type, json FROM metadata').all() as {
      type: string;
      json: string;
    }[];
    for (const row of rows)
      this.collection(row.type).set(JSON.parse(row.json).id, JSON.parse(row.json));
  }

  /** Increments on every write; caches derived from metadata compare it. */
  get generation(): number {
    return this.version;
  }

  types(): string[] {
    return [...this.collections.keys()];
  }

  get(type: string, id: string): MetadataObject | undefined {
    return this.collections.get(type)?.get(id);
  }

  list(type: string): MetadataObject[] {
    return [...(this.collections.get(type)?.values() ?? [])];
  }

  count(type: string): number {
    return this.collections.get(type)?.size ?? 0;
  }

  put(type: string, object: MetadataObject): void {
    this.putMany(type, [object]);
  }

  putMany(type: string, objects: readonly MetadataObject[]): void {
    const insert = this.db.prepare(
      `INSERT INTO metadata (type, id, code, name, json) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(type, id) DO UPDATE SET code = excluded.code, name = excluded.name, json = excluded.json`,
    );
    this.db.transaction(() => {
      for (const object of objects) {
        insert.run(
          type,
          object.id,
          object.code ?? null,
          object.name ?? null,
          JSON.stringify(object),
        );
        this.collection(type).set(object.id, object);
      }
    })();
    this.invalidate();
  }

  remove(type: string, id: string): boolean {
    const removed = this.collections.get(type)?.delete(id) ?? false;
    if (removed) {
      this.db.prepare('DELETE FROM metadata WHERE type = ? AND id = ?').run(type, id);
      this.invalidate();
    }
    return removed;
  }

  /**
   * Finds an object by its identifier under `scheme`. An identifier shared by two objects resolves to
   * nothing, as DHIS2's identifiable-object manager refuses ambiguous codes and names.
   */
  find(type: string, scheme: IdScheme, identifier: string): MetadataObject | undefined {
    if (scheme.kind === 'UID' || scheme.kind === 'ID' || scheme.kind === 'UUID') {
      return this.get(type, identifier);
    }
    const key = `${type}|${scheme.kind === 'ATTRIBUTE' ? `ATTRIBUTE:${scheme.attribute}` : scheme.kind}`;
    let index = this.schemeIndexes.get(key);
    if (!index) {
      index = new Map();
      for (const object of this.list(type)) {
        const value = identifierOf(object, scheme);
        if (value === undefined) continue;
        index.set(value, index.has(value) ? null : object);
      }
      this.schemeIndexes.set(key, index);
    }
    return index.get(identifier) ?? undefined;
  }

  private collection(type: string): Map<string, MetadataObject> {
    let collection = this.collections.get(type);
    if (!collection) {
      collection = new Map();
      this.collections.set(type, collection);
    }
    return collection;
  }

  private invalidate(): void {
    this.version += 1;
    this.schemeIndexes.clear();
  }
}

/** The ids in a list of `{ id }` references, as metadata exports hold them. */
export function refIds(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((entry) =>
      entry && typeof entry === 'object' ? (entry as { id?: unknown }).id : undefined,
    )
    .filter((id): id is string => typeof id === 'string');
}

export function refId(value: unknown): string | undefined {
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') {
    return (value as { id: string }).id;
  }
  return undefined;
}
