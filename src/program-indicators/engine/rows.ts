import type { AnalyticsRow, ReportingPeriod } from '../types.ts';
import {
  type Boundary,
  type DatesOf,
  enrollmentOf,
  holds,
  withinBoundaries,
} from './boundaries.ts';
import type { ExpressionItemRef } from './columns.ts';
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

/** Functions that take an item in place: their `#{}`/`A{}` is no expression node of its own. */
const ITEM_ARGUMENT =
  /^d2:(count|countIfCondition|countIfValue|countIfZeroPos|hasValue|maxValue|minValue)$/;

/**
 * `ProgramElementsAndAttributesCollecter`: the `#{}` and `A{}` that are expressions of their own (not
 * the item of `d2:hasValue`, `d2:count…`, `d2:maxValue`, nor anything inside `d2:condition`'s quoted
 * test), as their columns: EVENT the UID, ENROLLMENT `stage_de` for a data element. No duplicates.
 */
export function expressionItems(
  node: Node,
  analyticsType: 'EVENT' | 'ENROLLMENT',
): ExpressionItemRef[] {
  const found = new Map<string, ExpressionItemRef>();
  const visit = (n: Node, itemArgument = false): void => {
    if (n.type === 'dataElement' && !itemArgument) {
      const column = analyticsType === 'ENROLLMENT' ? `${n.stage}_${n.dataElement}` : n.dataElement;
      found.set(column, { kind: 'dataElement', id: n.dataElement, column });
    } else if (n.type === 'attribute' && !itemArgument)
      found.set(n.attribute, { kind: 'attribute', id: n.attribute, column: n.attribute });
    else if (n.type === 'call')
      n.args.forEach((arg, i) => visit(arg, i === 0 && ITEM_ARGUMENT.test(n.name)));
    else if (n.type === 'unary') visit(n.operand);
    else if (n.type === 'paren') visit(n.inner);
    else if (n.type === 'stageOffset') visit(n.operand);
    else if (n.type === 'is') [n.subject, ...n.candidates].forEach((c) => visit(c));
    else if (n.type === 'binary') {
      visit(n.left);
      visit(n.right);
    }
  };
  visit(node);
  return [...found.values()];
}

/**
 * EVENT indicators only take events where one of the expression's items has a value (`and ("de1" is
 * not null or …)`, `getAnyValueExistsClauseAnalyticsSql`): a plain column test, whatever the stage.
 */
export function anyValueExists(row: AnalyticsRow, items: readonly ExpressionItemRef[]): boolean {
  if (row.kind !== 'event' || items.length === 0) return true;
  const present = (raw: string | undefined) => raw !== undefined && raw !== '';
  const attributes = enrollmentOf(row)?.attributes ?? {};
  return items.some((item) =>
    present(item.kind === 'dataElement' ? row.dataValues[item.id] : attributes[item.id]),
  );
}
