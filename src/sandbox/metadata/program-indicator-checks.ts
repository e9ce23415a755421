import { type ErrorReportJson, errorReport, identifiersWithName } from './error-report.ts';
import type { ImportBundle, PreparedObject } from './import-rules.ts';
import { klassOf, simpleKlassOf } from './schemas.ts';

/*
 * A program indicator's schema and uniqueness checks in a metadata import. The columns
 * (`ProgramIndicator.hbm.xml` l.18–20 and `identifiableProperties.hbm`, the same 2.36.0–2.43.1): `name`
 * 230 and `shortName` 50, both required and unique; `code` 50, unique. A longer text is refused E4001
 * (`DefaultSchemaValidator.validateString`), a missing one E4000, a value another object holds E5003
 * (`UniquenessCheck`, against stored objects and the import's own).
 */

const LENGTHS = { name: 230, shortName: 50, code: 50 } as const;
const REQUIRED = ['name', 'shortName'] as const;

export function programIndicatorSchemaErrors(
  item: PreparedObject,
  bundle: ImportBundle,
): ErrorReportJson[] {
  const { version } = bundle.ctx;
  const klass = klassOf(version, 'programIndicators');
  const errors: ErrorReportJson[] = [];
  for (const property of REQUIRED) {
    const value = item.object[property];
    if (typeof value !== 'string' || value === '')
      errors.push(errorReport(version, 'E4000', klass, [property], { errorProperty: property }));
  }
  for (const [property, max] of Object.entries(LENGTHS)) {
    const value = item.object[property];
    if (typeof value === 'string' && value.length > max)
      errors.push(
        errorReport(version, 'E4001', klass, [property, max, value.length], {
          errorProperty: property,
        }),
      );
  }
  return errors;
}

export function programIndicatorUniquenessErrors(
  item: PreparedObject,
  bundle: ImportBundle,
): ErrorReportJson[] {
  const { version, metadata } = bundle.ctx;
  const klass = klassOf(version, 'programIndicators');
  const errors: ErrorReportJson[] = [];
  for (const property of Object.keys(LENGTHS)) {
    const value = item.object[property];
    if (typeof value !== 'string' || value === '') continue;
    const key = `programIndicators.${property}`;
    const seen = bundle.seen.get(key) ?? new Map();
    bundle.seen.set(key, seen);
    const other =
      seen.get(value) ??
      metadata
        .list('programIndicators')
        .find((candidate) => candidate[property] === value && candidate.id !== item.object.id);
    if (!seen.has(value)) seen.set(value, item.object);
    if (!other || other.id === item.object.id) continue;
    const self = identifiersWithName(
      item.object.id,
      item.object.name,
      simpleKlassOf(version, 'programIndicators'),
    );
    errors.push(
      errorReport(version, 'E5003', klass, [property, value, self, other.id], {
        errorProperty: property,
        mainId: other.id,
      }),
    );
  }
  return errors;
}
