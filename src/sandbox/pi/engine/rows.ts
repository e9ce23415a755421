import type { AnalyticsRow, ReportingPeriod } from '../types.ts';
import {
  type Boundary,
  type DatesOf,
  enrollmentOf,
  holds,
  withinBoundaries,
} from './boundaries.ts';
import type { Node } from './parser.ts';

/**
 * Which rows of an indicator count in a period (`EventTimeFieldSqlRenderer`,
 * `EnrollmentTimeFieldSqlRenderer.getConditionForNonDefaultBoundaries`, 2.41.0): every boundary for an
 * EVENT indicator; for an ENROLLMENT indicator the cohort boundaries only (enrollment, incident and
 * scheduled dates, `#{}` and `A{}` dates), and for each `PS_EVENTDATE:stage` group "an event inside
 * all of them" — of any stage up to 2.42, of that stage from 2.43. Without boundaries, no restriction.
 */
export function inPeriod(
  row: AnalyticsRow,
  boundaries: readonly Boundary[],
  period: ReportingPeriod,
  datesOf: DatesOf,
  stageChecked: boolean,
): boolean {
  if (row.kind === 'event') return withinBoundaries(row, boundaries, period, datesOf);
  const cohort = boundaries.filter(
    (b) => b.target !== 'EVENT_DATE' && !b.target.startsWith('PS_EVENTDATE:'),
  );
  if (!withinBoundaries(row, cohort, period, datesOf)) return false;
  const byStage = new Map<string, Boundary[]>();
  for (const b of boundaries) {
    const stage = /^PS_EVENTDATE:\s*(\w{11})$/.exec(b.target)?.[1];
    if (stage) byStage.set(stage, [...(byStage.get(stage) ?? []), b]);
  }
  const events = enrollmentOf(row)?.events ?? [];
  for (const [stage, group] of byStage) {
    const found = events.some(
      (event) =>
        (!stageChecked || event.programStage === stage) &&
        group.every((b) => holds(b, event.occurredAt, period)),
    );
    if (!found) return false;
  }
  return true;
}

/** The data elements and attributes an expression names, outside d2:condition's quoted tests. */
export function itemsOf(node: Node): { dataElements: string[]; attributes: string[] } {
  const items = { dataElements: [] as string[], attributes: [] as string[] };
  const visit = (n: Node): void => {
    if (n.type === 'dataElement') items.dataElements.push(n.dataElement);
    else if (n.type === 'attribute') items.attributes.push(n.attribute);
    else if (n.type === 'call') n.args.forEach(visit);
    else if (n.type === 'unary') visit(n.operand);
    else if (n.type === 'binary') {
      visit(n.left);
      visit(n.right);
    }
  };
  visit(node);
  return items;
}

/**
 * EVENT indicators only take events where one of the expression's items has a value (`and ("de1" is
 * not null or …)`, `getAnyValueExistsClauseAnalyticsSql`): a plain column test, whatever the stage.
 */
export function anyValueExists(row: AnalyticsRow, items: ReturnType<typeof itemsOf>): boolean {
  if (row.kind !== 'event') return true;
  if (items.dataElements.length === 0 && items.attributes.length === 0) return true;
  const present = (raw: string | undefined) => raw !== undefined && raw !== '';
  const attributes = enrollmentOf(row)?.attributes ?? {};
  return (
    items.dataElements.some((id) => present(row.dataValues[id])) ||
    items.attributes.some((id) => present(attributes[id]))
  );
}
