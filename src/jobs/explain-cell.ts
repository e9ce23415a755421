import { T2aError } from '../core/errors.ts';
import type { ExplainedCell } from '../core/explain.ts';
import type { IndicatorMapping } from '../core/mapping.ts';
import { closest, didYouMean } from '../core/similar.ts';
import { parsePeriodId } from '../periods/period.ts';
import { periodDisplayName } from '../periods/period-name.ts';
import type { ResolvedJob } from './resolve-job.ts';
import type { PreparedTarget } from './target.ts';

/** A target cell as the command line names it: codes, a period, an org unit of the target or the source. */
export interface CellQuery {
  readonly dataElement: string;
  readonly categoryOptionCombo?: string | undefined;
  readonly attributeOptionCombo?: string | undefined;
  readonly period: string;
  readonly orgUnit: string;
  /** The target connection (the job's first target by default). */
  readonly target?: string | undefined;
  /** The records' people's attribute values, read with the source user's rights: never stored. */
  readonly showAttributes?: boolean | undefined;
}

/** A combo as t2a keeps it: undefined for the target's default combo, whatever its name there. */
export const comboOf = (code: string | undefined, defaults: ReadonlySet<string>) =>
  code === undefined || code === '' || defaults.has(code) ? undefined : code;

export function findTarget(resolved: ResolvedJob, connection: string | undefined): PreparedTarget {
  if (connection === undefined) return resolved.targets[0]!;
  const found = resolved.targets.find(
    (_target, index) => resolved.job.targets[index]?.connection === connection,
  );
  if (found) return found;
  const names = resolved.job.targets.map((target) => target.connection);
  throw new T2aError('usage', `Job "${resolved.job.name}" has no target "${connection}".`, {
    fix: `Its targets: ${names.join(', ')}.`,
  });
}

/** The mappings that write a cell: the job's, duplicates left out (they write nothing). */
export function mappingsOfCell(
  resolved: ResolvedJob,
  target: PreparedTarget,
  query: CellQuery,
): IndicatorMapping[] {
  const coc = comboOf(query.categoryOptionCombo, target.defaultCombos);
  const aoc = comboOf(query.attributeOptionCombo, target.defaultCombos);
  const ofElement = resolved.mappings.filter((m) => m.dataElement === query.dataElement);
  const found = ofElement.filter(
    (m) =>
      comboOf(m.categoryOptionCombo, target.defaultCombos) === coc &&
      comboOf(m.attributeOptionCombo, target.defaultCombos) === aoc,
  );
  if (found.length > 0) return found;
  if (ofElement.length > 0) {
    const combos = ofElement.map((m) => m.categoryOptionCombo ?? 'default');
    throw new T2aError(
      'usage',
      `No indicator of job "${resolved.job.name}" writes ${query.dataElement} with the combo ${query.categoryOptionCombo ?? 'default'}.`,
      { fix: `Its combos there: ${[...new Set(combos)].join(', ')} (--category-option-combo).` },
    );
  }
  const codes = [...new Set(resolved.mappings.map((m) => m.dataElement))];
  const near =
    closest(query.dataElement, codes).length > 0 ? ` ${didYouMean(query.dataElement, codes)}` : '';
  throw new T2aError(
    'usage',
    `No indicator of job "${resolved.job.name}" writes the data element ${query.dataElement}.`,
    { fix: `Give the data element's code as the target knows it.${near}` },
  );
}

/** The org unit given, as the source and the target name it: either's identifier is taken. */
function orgUnitOf(resolved: ResolvedJob, target: PreparedTarget, given: string) {
  const bySource = resolved.orgUnits.find((unit) => unit.id === given || unit.code === given);
  const unit =
    bySource ?? resolved.orgUnits.find((candidate) => target.translate(candidate.id) === given);
  if (!unit) {
    throw new T2aError(
      'usage',
      `The org unit ${given} is not one of job "${resolved.job.name}"'s ${resolved.orgUnits.length} org units.`,
      { fix: 'Give its UID (or its identifier in the target) as the job selects it.' },
    );
  }
  return { source: unit.id, target: target.translate(unit.id) ?? unit.id, name: unit.name };
}

export function explainedCell(
  resolved: ResolvedJob,
  target: PreparedTarget,
  query: CellQuery,
): ExplainedCell {
  const period = parsePeriodId(query.period, resolved.source.info.calendar);
  if (!period)
    throw new T2aError('usage', `${query.period} is not a DHIS2 period.`, {
      fix: 'Give an ISO period, e.g. 202603 for March 2026, 2026Q1, 2026W10.',
    });
  const unit = orgUnitOf(resolved, target, query.orgUnit);
  return {
    dataElement: query.dataElement,
    categoryOptionCombo: comboOf(query.categoryOptionCombo, target.defaultCombos),
    attributeOptionCombo: comboOf(query.attributeOptionCombo, target.defaultCombos),
    period: period.id,
    periodName: periodDisplayName(period),
    orgUnit: unit.target,
    sourceOrgUnit: unit.source,
    orgUnitName: unit.name,
  };
}
