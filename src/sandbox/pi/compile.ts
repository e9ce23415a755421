import type { MetadataObject } from '../metadata/store.ts';
import {
  type Boundary,
  type DatesOf,
  defaultBoundaries,
  enrollmentOf,
  latestEvent,
  readBoundary,
  withinBoundaries,
} from './engine/boundaries.ts';
import { evaluate, truthy, type Value } from './engine/evaluate.ts';
import { type Node, parseExpression } from './engine/parser.ts';
import { KNOWN_VARIABLES, rowScope, type ScopeContext } from './engine/scope.ts';
import type {
  AnalyticsRow,
  CompiledProgramIndicator,
  CompileProgramIndicator,
  ReportingPeriod,
} from './types.ts';

const FUNCTIONS = new Set([
  'if',
  'isNull',
  'isNotNull',
  'firstNonNull',
  'greatest',
  'least',
  'd2:condition',
  'd2:hasValue',
  'd2:daysBetween',
  'd2:weeksBetween',
  'd2:monthsBetween',
  'd2:yearsBetween',
  'd2:minutesBetween',
  'd2:zing',
  'd2:oizp',
  'd2:zpvc',
  'd2:count',
  'd2:countIfValue',
  'd2:countIfCondition',
  'd2:relationshipCount',
]);
const AGGREGATIONS = new Set([
  'COUNT',
  'SUM',
  'AVERAGE',
  'AVERAGE_SUM_ORG_UNIT',
  'MIN',
  'MAX',
  'NONE',
  'CUSTOM',
  'DEFAULT',
]);
const COUNTS: Record<string, (row: AnalyticsRow) => string | null> = {
  'V{event_count}': (row) => (row.kind === 'event' ? row.id : null),
  'V{enrollment_count}': (row) => enrollmentOf(row)?.id ?? null,
  'V{tei_count}': (row) =>
    enrollmentOf(row)?.trackedEntity ?? (row.kind === 'event' ? row.trackedEntity : null),
};

type Lookup = (type: string, id: string) => MetadataObject | undefined;

/** Every item of an expression must name something that exists, and every function must be known. */
function check(node: Node, lookup: Lookup): string | undefined {
  switch (node.type) {
    case 'dataElement':
      if (!lookup('programStages', node.stage)) return `program stage ${node.stage} does not exist`;
      return lookup('dataElements', node.dataElement)
        ? undefined
        : `data element ${node.dataElement} does not exist`;
    case 'attribute':
      return lookup('trackedEntityAttributes', node.attribute)
        ? undefined
        : `tracked entity attribute ${node.attribute} does not exist`;
    case 'variable':
      return KNOWN_VARIABLES.has(node.name)
        ? undefined
        : `V{${node.name}} is not supported by the sandbox`;
    case 'constant':
      return lookup('constants', node.id) ? undefined : `constant ${node.id} does not exist`;
    case 'stageEventDate':
      return lookup('programStages', node.stage)
        ? undefined
        : `program stage ${node.stage} does not exist`;
    case 'call':
      if (!FUNCTIONS.has(node.name))
        return `the function ${node.name} is not supported by the sandbox`;
      if (node.name === 'd2:condition' && node.args[0]?.type === 'string') {
        try {
          const inner = check(parseExpression(node.args[0].value), lookup);
          if (inner) return inner;
        } catch (error) {
          return `d2:condition: ${(error as Error).message}`;
        }
      }
      for (const arg of node.args) {
        const problem = check(arg, lookup);
        if (problem) return problem;
      }
      return undefined;
    case 'unary':
      return check(node.operand, lookup);
    case 'binary':
      return check(node.left, lookup) ?? check(node.right, lookup);
    default:
      return undefined;
  }
}

function parse(
  label: string,
  source: string | undefined,
  lookup: Lookup,
): Node | string | undefined {
  if (source === undefined || source.trim() === '') return undefined;
  try {
    const node = parseExpression(source);
    const problem = check(node, lookup);
    return problem ? `${label}: ${problem}` : node;
  } catch (error) {
    return `${label} does not parse: ${(error as Error).message}`;
  }
}

function datesOf(row: AnalyticsRow, target: string, period: ReportingPeriod): string[] {
  const enrollment = enrollmentOf(row);
  if (target === 'EVENT_DATE')
    return row.kind === 'event'
      ? [row.occurredAt]
      : (enrollment?.events ?? []).map((event) => event.occurredAt);
  if (target === 'ENROLLMENT_DATE') return enrollment ? [enrollment.enrolledAt] : [];
  if (target === 'INCIDENT_DATE') return enrollment?.occurredAt ? [enrollment.occurredAt] : [];
  const stageDate = /^PS_EVENTDATE:\s*(\w{11})$/.exec(target);
  if (stageDate) {
    if (row.kind === 'event' && row.programStage === stageDate[1]) return [row.occurredAt];
    const event = latestEvent(enrollment, stageDate[1]!);
    return event ? [event.occurredAt] : [];
  }
  const element = /^#\{(\w{11})\.(\w{11})\}$/.exec(target.trim());
  if (element) {
    const event = row.kind === 'event' ? row : latestEvent(enrollment, element[1]!, undefined);
    const value = event?.dataValues[element[2]!];
    return value ? [value] : [];
  }
  void period;
  return [];
}

/** The indicator's own period boundaries, or the first one that cannot be read. */
function readBoundaries(pi: MetadataObject): Boundary[] | string {
  const rawBoundaries = Array.isArray(pi.analyticsPeriodBoundaries)
    ? (pi.analyticsPeriodBoundaries as Record<string, unknown>[])
    : [];
  const boundaries: Boundary[] = [];
  for (const raw of rawBoundaries) {
    const boundary = readBoundary(raw);
    if (typeof boundary === 'string') return boundary;
    boundaries.push(boundary);
  }
  return boundaries;
}

/** Row values as numbers: a boolean counts 0 or 1; a null, or text that is no number, drops out. */
function numericValues(values: readonly Value[]): number[] {
  return values
    .map((value) =>
      typeof value === 'number'
        ? value
        : typeof value === 'boolean'
          ? Number(value)
          : value === null
            ? null
            : Number(value),
    )
    .filter((value): value is number => value !== null && Number.isFinite(value));
}

/** SUM, NONE, CUSTOM and DEFAULT all add up the values. */
function aggregateValues(values: readonly number[], aggregationType: string): number {
  switch (aggregationType) {
    case 'COUNT':
      return values.length;
    case 'AVERAGE':
    case 'AVERAGE_SUM_ORG_UNIT':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'MIN':
      return Math.min(...values);
    case 'MAX':
      return Math.max(...values);
    default:
      return values.reduce((a, b) => a + b, 0);
  }
}

export const compileProgramIndicator: CompileProgramIndicator = (pi, lookup) => {
  const id = pi.id;
  const name = String(pi.name ?? id);
  const fail = (reason: string) => ({ ok: false as const, id, name, reason });
  const analyticsType = pi.analyticsType === 'ENROLLMENT' ? 'ENROLLMENT' : 'EVENT';
  const program = (pi.program as { id?: string } | undefined)?.id;
  if (!program) return fail('it names no program');
  const aggregationType = String(pi.aggregationType ?? 'SUM');
  if (!AGGREGATIONS.has(aggregationType))
    return fail(`aggregation type ${aggregationType} is not supported by the sandbox`);
  const expressionSource = String(pi.expression ?? '').trim();
  const expression = parse('expression', expressionSource, lookup);
  if (typeof expression === 'string') return fail(expression);
  if (!expression) return fail('it has no expression');
  const filter = parse('filter', typeof pi.filter === 'string' ? pi.filter : undefined, lookup);
  if (typeof filter === 'string') return fail(filter);
  const boundaries = readBoundaries(pi);
  if (typeof boundaries === 'string') return fail(boundaries);
  const effectiveBoundaries = boundaries.length > 0 ? boundaries : defaultBoundaries(analyticsType);
  const countKey = COUNTS[expressionSource.replace(/\s+/g, '')];
  const valueType = (kind: 'dataElement' | 'attribute', ref: string) =>
    lookup(kind === 'dataElement' ? 'dataElements' : 'trackedEntityAttributes', ref)?.valueType as
      | string
      | undefined;
  const constant = (ref: string) => lookup('constants', ref)?.value as number | undefined;

  const indicator: CompiledProgramIndicator = {
    id,
    name,
    program,
    analyticsType,
    decimals: typeof pi.decimals === 'number' ? pi.decimals : undefined,
    rows: (data) => (analyticsType === 'EVENT' ? data.events : data.enrollments),
    orgUnitOf: (row) => row.orgUnit,
    aggregate(rows, period, today) {
      const context: ScopeContext = {
        period,
        today: today.toISOString().slice(0, 10),
        valueType,
        constant,
      };
      const passing = rows.filter(
        (row) =>
          withinBoundaries(row, effectiveBoundaries, period, datesOf as DatesOf) &&
          (!filter || truthy(evaluate(filter, rowScope(row, context, false)))),
      );
      if (passing.length === 0) return undefined;
      if (countKey) return new Set(passing.map(countKey).filter((key) => key !== null)).size;
      const values = numericValues(
        passing.map((row) => evaluate(expression, rowScope(row, context, true))),
      );
      return values.length === 0 ? undefined : aggregateValues(values, aggregationType);
    },
  };
  return { ok: true, indicator };
};
