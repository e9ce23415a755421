import { toCsv } from '../core/csv.ts';
import type { Issue } from '../core/issues.ts';
import type { JobReport } from '../core/report.ts';
import type { RunValue } from '../store/run-values.ts';

export const ISSUE_COLUMNS = [
  'target',
  'kind',
  'cause',
  'title',
  'values',
  'object',
  'messages',
  'fix',
] as const;

/** DHIS2's own messages begin with "DHIS2:" (core/issues.ts): the target refused those values. */
export const refusedByTarget = (issue: Issue): boolean =>
  issue.messages.some((message) => message.startsWith('DHIS2:'));

/**
 * A run's withheld and refused values as the history keeps them, for a spreadsheet: one row per target,
 * cause and object named (a data element, org unit, period or combo: the history keeps the objects each
 * cause names, not every value), with the number of values of the cause, what was said of it, and the fix.
 */
export function issuesCsv(report: JobReport): string {
  const rows: string[][] = [[...ISSUE_COLUMNS]];
  for (const target of report.targets) {
    for (const issue of target.issues) {
      const kind = refusedByTarget(issue) ? 'refused by the target' : 'withheld by t2a';
      const objects = issue.objects.length > 0 ? issue.objects : [''];
      for (const object of objects)
        rows.push([
          target.target,
          kind,
          issue.cause,
          issue.title,
          String(issue.count),
          object,
          issue.messages.join(' | '),
          issue.fix,
        ]);
    }
  }
  return toCsv(rows);
}

export const VALUE_COLUMNS = [
  'target',
  'kind',
  'cause',
  'title',
  'data element',
  'category option combo',
  'attribute option combo',
  'period',
  'org unit',
  'value',
  'message',
  'fix',
] as const;

/**
 * Every value a run withheld or a target refused, one row each, as the run's record keeps them (runs
 * recorded before it kept them fall back to `issuesCsv`). Kind and title come from the report's issue of
 * the same target and cause.
 */
export function valuesCsv(report: JobReport, values: readonly RunValue[]): string {
  const issueOf = (target: string, cause: string) =>
    report.targets.find((t) => t.target === target)?.issues.find((i) => i.cause === cause);
  const rows: string[][] = [[...VALUE_COLUMNS]];
  for (const value of values) {
    const issue = issueOf(value.target, value.cause);
    rows.push([
      value.target,
      issue && refusedByTarget(issue) ? 'refused by the target' : 'withheld by t2a',
      value.cause,
      issue?.title ?? value.cause,
      value.dataElement,
      value.categoryOptionCombo ?? '',
      value.attributeOptionCombo ?? '',
      value.period,
      value.orgUnit,
      value.value,
      value.message ?? '',
      issue?.fix ?? '',
    ]);
  }
  return toCsv(rows);
}
