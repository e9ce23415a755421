import { isT2aError } from '../core/errors.ts';
import type { Dhis2Client } from './client.ts';

/**
 * A data value's audit trail: `GET /api/audits/dataValue?de=…&pe=…&ou=…` (dhis2-core `AuditController`,
 * 2.36–2.43; `DataValueAudit`, from 2.43 `DataValueChangelog`, written under `dataValueAudits` with
 * `value`, `modifiedBy`, `created`, `auditType`, and the data element, period, org unit and combos as
 * objects). Up to 2.42 DHIS2 writes an entry when a value is updated or deleted, holding the value as
 * it was before (`DefaultDataValueSetService.saveDataValueUpdate`, `DefaultDataValueService`), and none
 * when an import creates one; 2.43's `trg_datavalue_audit` trigger writes one on every write, creation
 * included, holding the value as it is after. A server or user without audits (404, 403) has no trail:
 * undefined, not an error.
 */
export interface DataValueAuditEntry {
  readonly auditType: string;
  /** The value the entry keeps: the one before the change to 2.42, the one after it from 2.43. */
  readonly value: string | undefined;
  readonly modifiedBy: string | undefined;
  readonly created: string | undefined;
  /** The combos' UIDs, to keep the cell's own entries. */
  readonly categoryOptionCombo: string | undefined;
  readonly attributeOptionCombo: string | undefined;
}

interface AuditResponse {
  dataValueAudits?: {
    auditType?: string;
    value?: string;
    modifiedBy?: string;
    created?: string;
    categoryOptionCombo?: { id?: string } | string;
    attributeOptionCombo?: { id?: string } | string;
  }[];
}

const idOf = (ref: { id?: string } | string | undefined) =>
  typeof ref === 'string' ? ref : ref?.id;

export async function fetchDataValueAudits(
  client: Dhis2Client,
  cell: { readonly dataElement: string; readonly period: string; readonly orgUnit: string },
): Promise<DataValueAuditEntry[] | undefined> {
  try {
    const body = await client.get<AuditResponse>('audits/dataValue', {
      de: cell.dataElement,
      pe: cell.period,
      ou: cell.orgUnit,
      skipPaging: true,
    });
    return (body.dataValueAudits ?? [])
      .map((entry) => ({
        auditType: entry.auditType ?? 'UPDATE',
        value: entry.value,
        modifiedBy: entry.modifiedBy,
        created: entry.created,
        categoryOptionCombo: idOf(entry.categoryOptionCombo),
        attributeOptionCombo: idOf(entry.attributeOptionCombo),
      }))
      .sort((a, b) => (a.created ?? '').localeCompare(b.created ?? ''));
  } catch (error) {
    if (isT2aError(error) && (error.httpStatus === 404 || error.kind === 'auth')) return undefined;
    throw error;
  }
}
