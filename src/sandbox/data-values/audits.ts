import type { SandboxDb } from '../db/schema.ts';
import { atLeast, type Dhis2Version } from '../version.ts';

export type AuditType = 'CREATE' | 'UPDATE' | 'DELETE';

/** One row of `datavalueaudit` as the sandbox keeps it. */
export interface DataValueAuditRow {
  id: number;
  data_element: string;
  period: string;
  org_unit: string;
  category_option_combo: string;
  attribute_option_combo: string;
  value: string | null;
  modified_by: string | null;
  created: string;
  audit_type: AuditType;
}

/**
 * The audit rows DHIS2 writes for the writes to a cell, kept by triggers on `data_values` (TEMP: they
 * belong to this connection, so a database file opened later as another version gets that version's).
 * SQLite fires the UPDATE trigger for an upsert that meets a held key, as PostgreSQL does.
 *
 * 2.36–2.42, `DefaultDataValueSetService.saveDataValueUpdate`/`saveDataValueDelete` (and
 * `DefaultDataValueService.updateDataValue`/`deleteDataValue`): an update or a deletion of a live value
 * audits the value as it was BEFORE (`existingValue.getValue()`), by the writer of the change
 * (`context.getStoredBy`: the value's `storedBy`, else the user); a new value, or one restored from a
 * soft deletion, is not audited (no CREATE row from an import). An update audits only a changed value
 * from 2.39 (`!Objects.equals(existingValue.getValue(), internalValue.getValue())`); 2.36–2.38 audit
 * every update they perform. (With `CHANGELOG_AGGREGATE` on, as by default; the sandbox has no skipAudit.)
 *
 * 2.43, the `trg_datavalue_audit` trigger (`V2_43_17__data_entry_import_adjustments.sql`): every insert
 * is a CREATE, and an update that changes the value or the deleted flag is a DELETE (now deleted, was
 * not) or an UPDATE; each row keeps the NEW value and `left(NEW.storedby, 100)`.
 */
export function installAuditTriggers(db: SandboxDb, version: Dhis2Version): void {
  const columns =
    'data_element, period, org_unit, category_option_combo, attribute_option_combo, value, modified_by, created, audit_type';
  const cell =
    'NEW.data_element, NEW.period, NEW.org_unit, NEW.category_option_combo, NEW.attribute_option_combo';
  const by = 'substr(NEW.stored_by, 1, 100), NEW.last_updated';
  db.exec('DROP TRIGGER IF EXISTS temp.data_value_audit_insert');
  db.exec('DROP TRIGGER IF EXISTS temp.data_value_audit_update');
  if (atLeast(version, 43)) {
    db.exec(`CREATE TEMP TRIGGER data_value_audit_insert AFTER INSERT ON main.data_values
      BEGIN INSERT INTO data_value_audits (${columns}) VALUES (${cell}, NEW.value, ${by}, 'CREATE'); END`);
    db.exec(`CREATE TEMP TRIGGER data_value_audit_update AFTER UPDATE ON main.data_values
      WHEN OLD.value IS NOT NEW.value OR OLD.deleted IS NOT NEW.deleted
      BEGIN INSERT INTO data_value_audits (${columns}) VALUES (${cell}, NEW.value, ${by},
        CASE WHEN NEW.deleted = 1 AND OLD.deleted = 0 THEN 'DELETE' ELSE 'UPDATE' END); END`);
    return;
  }
  const changed = atLeast(version, 39) ? 'OLD.value IS NOT NEW.value' : '1';
  db.exec(`CREATE TEMP TRIGGER data_value_audit_update AFTER UPDATE ON main.data_values
    WHEN OLD.deleted = 0 AND (NEW.deleted = 1 OR ${changed})
    BEGIN INSERT INTO data_value_audits (${columns}) VALUES (${cell}, OLD.value, ${by},
      CASE WHEN NEW.deleted = 1 THEN 'DELETE' ELSE 'UPDATE' END); END`);
}

/** What `/api/audits/dataValue` may filter on (`DataValueAuditQueryParams`, `DataValueChangelogQueryParams`). */
export interface AuditQuery {
  readonly dataElements: readonly string[];
  readonly periods: readonly string[];
  readonly orgUnits: readonly string[];
  readonly categoryOptionCombo: string | undefined;
  readonly attributeOptionCombo: string | undefined;
  readonly types: readonly string[];
  readonly page?: { readonly offset: number; readonly size: number };
}

function whereOf(query: AuditQuery): { sql: string; args: string[] } {
  const clauses: string[] = [];
  const args: string[] = [];
  const any = (column: string, values: readonly string[]) => {
    if (values.length === 0) return;
    clauses.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    args.push(...values);
  };
  any('data_element', query.dataElements);
  any('period', query.periods);
  any('org_unit', query.orgUnits);
  any('audit_type', query.types);
  if (query.categoryOptionCombo) any('category_option_combo', [query.categoryOptionCombo]);
  if (query.attributeOptionCombo) any('attribute_option_combo', [query.attributeOptionCombo]);
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', args };
}

/**
 * The rows a query names, newest first: `ORDER BY dva.created DESC` (2.43
 * `HibernateDataValueChangelogStore`), `builder.desc(root.get("created"))` before
 * (`HibernateDataValueAuditStore`); rows of the same instant in the reverse of their writing.
 */
export function findAudits(db: SandboxDb, query: AuditQuery): DataValueAuditRow[] {
  const { sql, args } = whereOf(query);
  const limit = query.page ? ` LIMIT ${query.page.size} OFFSET ${query.page.offset}` : '';
  return db
    .prepare(`SELECT * FROM data_value_audits ${sql} ORDER BY created DESC, id DESC${limit}`)
    .all(...args) as DataValueAuditRow[];
}

export function countAudits(db: SandboxDb, query: AuditQuery): number {
  const { sql, args } = whereOf(query);
  const row = db.prepare(`SELECT count(*) AS n FROM data_value_audits ${sql}`).get(...args) as {
    n: number;
  };
  return row.n;
}
