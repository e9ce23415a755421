import type { SandboxDb } from '../db/schema.ts';
import { atLeast, type Dhis2Version } from '../version.ts';

/** A cell as the value store keeps it (value-store.ts's `ValueKey`, `StoredValue`; not imported: it imports this). */
interface AuditedKey {
  readonly dataElement: string;
  readonly period: string;
  readonly orgUnit: string;
  readonly categoryOptionCombo: string;
  readonly attributeOptionCombo: string;
}
interface HeldCell {
  readonly value: string | null;
  readonly deleted: number;
}

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

/** A write to a cell: what it holds after, and who wrote it. */
export interface CellWrite {
  readonly value: string | null;
  readonly storedBy: string;
  readonly deleted: boolean;
}

interface AuditToWrite {
  readonly type: AuditType;
  readonly value: string | null;
  readonly modifiedBy: string;
}

/**
 * The audit row DHIS2 writes for one change of a cell, if any.
 *
 * 2.36–2.42, `DefaultDataValueSetService.saveDataValueUpdate`/`saveDataValueDelete` (and
 * `DefaultDataValueService.updateDataValue`/`deleteDataValue`): an update or a deletion of a live value
 * audits the value as it was BEFORE (`existingValue.getValue()`), by the writer of the change
 * (`context.getStoredBy`); a new value is not audited (no CREATE row from an import). An update audits
 * only a changed value from 2.39 (`!Objects.equals(existingValue.getValue(), internalValue.getValue())`);
 * 2.36–2.38 audit every update they perform.
 *
 * 2.43, the `trg_datavalue_audit` trigger (`V2_43_17__data_entry_import_adjustments.sql`): every insert
 * is a CREATE, and an update that changes the value or the deleted flag is a DELETE (now deleted, was
 * not) or an UPDATE; each row keeps the NEW value and the new `storedby`.
 */
export function auditFor(
  version: Dhis2Version,
  before: HeldCell | undefined,
  after: CellWrite,
): AuditToWrite | undefined {
  if (atLeast(version, 43)) {
    if (!before) return { type: 'CREATE', value: after.value, modifiedBy: after.storedBy };
    const wasDeleted = before.deleted === 1;
    if (before.value === after.value && wasDeleted === after.deleted) return undefined;
    const type = after.deleted && !wasDeleted ? 'DELETE' : 'UPDATE';
    return { type, value: after.value, modifiedBy: after.storedBy };
  }
  if (!before || before.deleted === 1) return undefined;
  if (after.deleted) return { type: 'DELETE', value: before.value, modifiedBy: after.storedBy };
  if (atLeast(version, 39) && before.value === after.value) return undefined;
  return { type: 'UPDATE', value: before.value, modifiedBy: after.storedBy };
}

/** The audit table, with statements prepared once per database. */
export class AuditStore {
  private readonly insert;

  constructor(readonly db: SandboxDb) {
    this.insert = db.prepare(
      `INSERT INTO data_value_audits (data_element, period, org_unit, category_option_combo, attribute_option_combo, value, modified_by, created, audit_type)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  record(key: AuditedKey, audit: AuditToWrite, now: string): void {
    this.insert.run(
      key.dataElement,
      key.period,
      key.orgUnit,
      key.categoryOptionCombo,
      key.attributeOptionCombo,
      audit.value,
      // The 2.43 trigger keeps `left(NEW.storedby, 100)`; the column is varchar(100) before too.
      audit.modifiedBy.slice(0, 100),
      now,
      audit.type,
    );
  }
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
