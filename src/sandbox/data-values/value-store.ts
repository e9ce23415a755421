import type { SandboxDb } from '../db/schema.ts';
import type { Dhis2Version } from '../version.ts';
import { installAuditTriggers } from './audits.ts';

export interface StoredValue {
  data_element: string;
  period: string;
  org_unit: string;
  category_option_combo: string;
  attribute_option_combo: string;
  value: string | null;
  stored_by: string | null;
  created: string;
  last_updated: string;
  comment: string | null;
  followup: number;
  deleted: number;
}

export interface ValueKey {
  readonly dataElement: string;
  readonly period: string;
  readonly orgUnit: string;
  readonly categoryOptionCombo: string;
  readonly attributeOptionCombo: string;
}

/**
 * The aggregate data values table, with statements prepared once per database. Given the version it
 * answers as (the imports give it), every write from then on also keeps the audit row that version
 * writes for it (`installAuditTriggers`); values seeded before carry no history, as with `skipAudit`.
 */
export class ValueStore {
  private readonly find;
  private readonly upsert;
  private readonly softDelete;

  constructor(
    readonly db: SandboxDb,
    readonly version?: Dhis2Version,
  ) {
    if (version) installAuditTriggers(db, version);
    this.find = db.prepare(
      'SELECT * FROM data_values WHERE data_element = ? AND period = ? AND org_unit = ? AND category_option_combo = ? AND attribute_option_combo = ?',
    );
    this.upsert = db.prepare(
      `INSERT INTO data_values (data_element, period, org_unit, category_option_combo, attribute_option_combo, value, stored_by, created, last_updated, comment, followup, deleted)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(data_element, period, org_unit, category_option_combo, attribute_option_combo)
       DO UPDATE SET value = excluded.value, stored_by = excluded.stored_by, last_updated = excluded.last_updated, comment = excluded.comment, followup = excluded.followup, deleted = excluded.deleted,
         created = CASE WHEN data_values.deleted = 1 THEN excluded.created ELSE data_values.created END`,
    );
    this.softDelete = db.prepare(
      'UPDATE data_values SET deleted = 1, last_updated = ?, stored_by = ? WHERE data_element = ? AND period = ? AND org_unit = ? AND category_option_combo = ? AND attribute_option_combo = ?',
    );
  }

  /** The value under a key, soft-deleted ones included (they count as absent for imports). */
  get(key: ValueKey): StoredValue | undefined {
    return this.find.get(
      key.dataElement,
      key.period,
      key.orgUnit,
      key.categoryOptionCombo,
      key.attributeOptionCombo,
    ) as StoredValue | undefined;
  }

  put(
    key: ValueKey,
    value: { value: string | null; storedBy: string; comment: string | null; followup: boolean },
    now: string,
    deleted = false,
  ): void {
    this.upsert.run(
      key.dataElement,
      key.period,
      key.orgUnit,
      key.categoryOptionCombo,
      key.attributeOptionCombo,
      value.value,
      value.storedBy,
      now,
      now,
      value.comment,
      value.followup ? 1 : 0,
      deleted ? 1 : 0,
    );
  }

  /**
   * A deleted row written whether or not the key held a value: the 2.43 engine's upsert with
   * `deleted = true` (`HibernateDataEntryStore.upsertValues`), which keeps the sent value and comment.
   */
  tombstone(
    key: ValueKey,
    value: { value: string | null; storedBy: string; comment: string | null },
    now: string,
  ): void {
    this.put(key, { ...value, followup: false }, now, true);
  }

  delete(key: ValueKey, storedBy: string, now: string): void {
    this.softDelete.run(
      now,
      storedBy,
      key.dataElement,
      key.period,
      key.orgUnit,
      key.categoryOptionCombo,
      key.attributeOptionCombo,
    );
  }
}

const stores = new WeakMap<SandboxDb, ValueStore>();
/** The database's value store; writers name the version so their writes are audited as it audits them. */
export function valueStore(db: SandboxDb, version?: Dhis2Version): ValueStore {
  let store = stores.get(db);
  if (!store || (version && !store.version)) {
    store = new ValueStore(db, version);
    stores.set(db, store);
  }
  return store;
}
