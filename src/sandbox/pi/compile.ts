import type { MetadataObject } from '../metadata/store.ts';
import {
  type Boundary,
  type DatesOf,
  enrollmentOf,
  eventWindow,
  latestEvent,
  readBoundary,
} from './engine/boundaries.ts';
import { evaluate, truthy, type Value } from './engine/evaluate.ts';
import { type Node, parseExpression } from './engine/parser.ts';
import { anyValueExists, inPeriod, itemsOf } from './engine/rows.ts';
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
const AGGREGATIONS = new Set(['COUNT', 'SUM', 'AVERAGE', 'MIN', 'MAX', 'NONE', 'CUSTOM']);
/**
 * The count variables, as their SQL counts them: `V{event_count}` only ACTIVE and COMPLETED events
 * (`vEventCount`), the others distinct enrollments and tracked entities.
 */
const COUNTS: Record<string, (row: AnalyticsRow) => string | null> = {
  'V{event_count}': (row) =>
    row.kind === 'event' && (row.status === 'ACTIVE' || row.status === 'COMPLETED') ? row.id : null,
  'V{enrollment_count}': (row) => enrollmentOf(row)?.id ?? null,
  'V{tei_count}': (row) =>
    enrollmentOf(row)?.trackedEntity ?? (row.kind === 'event' ? row.trackedEntity : null),
};

/** `ProgramIndicator.getAggregationTypeFallback`: none or DEFAULT average; the *_ORG_UNIT kinds sum. */
export function aggregationFallback(type: unknown): string {
  switch (type) {
    case undefined:
    case null:
    case 'DEFAULT':
    case 'LAST_IN_PERIOD_AVERAGE_ORG_UNIT':
      return 'AVERAGE';
    case 'AVERAGE_SUM_ORG_UNIT':
    case 'LAST_IN_PERIOD':
    case 'MAX_SUM_ORG_UNIT':
    case 'MIN_SUM_ORG_UNIT':
      return 'SUM';
    default:
      return String(type);
  }
}

type Lookup = (type: string, id: string) => MetadataObject | undefined;

type Failure = {
  reason: string;
  dhis2Error?: { code: 'E7132' | 'E7145'; sqlState: string; dbMessage: string };
};

/** A name that is not in the metadata is a column the analytics table lacks: DHIS2's SQL fails (42703). */
const missing = (what: string, column: string): Failure => ({
  reason: `${what} does not exist`,
  dhis2Error: {
    code: 'E7145',
    sqlState: '42703',
    dbMessage: `ERROR: column "${column}" does not exist`,
  },
});

/** Every item of an expression must name something that exists, and every function must be known. */
function check(node: Node, lookup: Lookup): Failure | undefined {
  switch (node.type) {
    case 'dataElement':
      if (!lookup('programStages', node.stage))
        return missing(`program stage ${node.stage}`, node.dataElement);
      return lookup('dataElements', node.dataElement)
        ? undefined
        : missing(`data element ${node.dataElement}`, node.dataElement);
    case 'attribute':
      return lookup('trackedEntityAttributes', node.attribute)
        ? undefined
        : missing(`tracked entity attribute ${node.attribute}`, node.attribute);
    case 'variable':
      return KNOWN_VARIABLES.has(node.name)
        ? undefined
        : { reason: `V{${node.name}} is not supported by the sandbox` };
    case 'constant':
      return lookup('constants', node.id)
        ? undefined
        : { reason: `constant ${node.id} does not exist` };
    case 'stageEventDate':
      return lookup('programStages', node.stage)
        ? undefined
        : missing(`program stage ${node.stage}`, node.stage);
    case 'call':
      if (!FUNCTIONS.has(node.name))
        return { reason: `the function ${node.name} is not supported by the sandbox` };
      if (node.name === 'd2:condition' && node.args[0]?.type === 'string') {
        try {
          const inner = check(parseExpression(node.args[0].value), lookup);
          if (inner) return inner;
        } catch (error) {
          return { reason: `d2:condition: ${(error as Error).message}` };
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
): Node | Failure | undefined {
  if (source === undefined || source.trim() === '') return undefined;
  try {
    const node = parseExpression(source);
    const problem = check(node, lookup);
    return problem ? { ...problem, reason: `${label}: ${problem.reason}` } : node;
  } catch (error) {
    return { reason: `${label} does not parse: ${(error as Error).message}` };
  }
}

const failed = (parsed: Node | Failure | undefined): parsed is Failure =>
  parsed !== undefined && 'reason' in parsed;

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

/** SUM, NONE and CUSTOM add up the values (after the fallback). */
function aggregateValues(values: readonly number[], aggregationType: string): number {
  switch (aggregationType) {
    case 'COUNT':
      return values.length;
    case 'AVERAGE':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'MIN':
      return Math.min(...values);
    case 'MAX':
      return Math.max(...values);
    default:
      return values.reduce((a, b) => a + b, 0);
  }
}

/** Every node of an expression, d2:condition's quoted tests included. */
function* nodesOf(node: Node): Generator<Node> {
  yield node;
  if (node.type === 'call') {
    for (const arg of node.args) yield* nodesOf(arg);
    const test = node.args[0];
    if (node.name === 'd2:condition' && test?.type === 'string') {
      try {
        yield* nodesOf(parseExpression(test.value));
      } catch {
        // reported by check()
      }
    }
  } else if (node.type === 'unary') yield* nodesOf(node.operand);
  else if (node.type === 'binary') {
    yield* nodesOf(node.left);
    yield* nodesOf(node.right);
  }
}

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

/**
 * What makes DHIS2's own SQL fail for an indicator the sandbox could otherwise evaluate: a yes/no data
 * element (an integer column in the analytics tables) compared with a code (22P02, answered E7132), or
 * a text-valued expression under an average or a sum (`avg(text)`: 42883, answered E7145).
 */
function sqlFailure(
  expression: Node,
  filter: Node | undefined,
  aggregationType: string,
  lookup: Lookup,
): Failure | undefined {
  for (const node of [...nodesOf(expression), ...(filter ? nodesOf(filter) : [])]) {
    if (node.type !== 'binary' || !COMPARISONS.has(node.op)) continue;
    const [element, literal] =
      node.left.type === 'dataElement' ? [node.left, node.right] : [node.right, node.left];
    if (element.type !== 'dataElement' || literal.type !== 'string') continue;
    const type = lookup('dataElements', element.dataElement)?.valueType;
    if ((type === 'BOOLEAN' || type === 'TRUE_ONLY') && !/^-?\d+$/.test(literal.value))
      return {
        reason: `DHIS2 cannot run it either: the yes/no data element ${element.dataElement} is compared with '${literal.value}' (invalid input syntax for type integer)`,
        dhis2Error: {
          code: 'E7132',
          sqlState: '22P02',
          dbMessage: `ERROR: invalid input syntax for type integer: "${literal.value}"`,
        },
      };
  }
  const texty = (node: Node): boolean =>
    node.type === 'string' ||
    (node.type === 'call' &&
      (node.name === 'd2:condition' || node.name === 'if') &&
      node.args.slice(1).some(texty));
  if ((aggregationType === 'AVERAGE' || aggregationType === 'SUM') && texty(expression))
    return {
      reason: `DHIS2 cannot run it either: its expression gives text, which ${aggregationType === 'AVERAGE' ? 'avg' : 'sum'}() does not take`,
      dhis2Error: {
        code: 'E7145',
        sqlState: '42883',
        dbMessage: `ERROR: function ${aggregationType === 'AVERAGE' ? 'avg' : 'sum'}(text) does not exist`,
      },
    };
  return undefined;
}

/** The count variable an expression is, if it is only that, with its aggregate over passing rows. */
function countOf(
  expressionSource: string,
  aggregationType: string,
): ((rows: readonly AnalyticsRow[]) => number | undefined) | undefined {
  const key = COUNTS[expressionSource.replace(/\s+/g, '')];
  if (!key) return undefined;
  return (rows) => {
    const counted = new Set(rows.map(key).filter((k) => k !== null)).size;
    // `avg(case when … then 1 end)`: 1 when anything counts, no value when nothing does.
    if (aggregationType === 'AVERAGE') return counted > 0 ? 1 : undefined;
    return counted;
  };
}

export const compileProgramIndicator: CompileProgramIndicator = (pi, lookup, options = {}) => {
  const id = pi.id;
  const name = String(pi.name ?? id);
  const fail = ({ reason, dhis2Error }: Failure) => ({
    ok: false as const,
    id,
    name,
    reason,
    ...(dhis2Error && { dhis2Error }),
  });
  const analyticsType = pi.analyticsType === 'ENROLLMENT' ? 'ENROLLMENT' : 'EVENT';
  const program = (pi.program as { id?: string } | undefined)?.id;
  if (!program) return fail({ reason: 'it names no program' });
  const aggregationType = aggregationFallback(pi.aggregationType);
  if (!AGGREGATIONS.has(aggregationType))
    return fail({ reason: `aggregation type ${aggregationType} is not supported by the sandbox` });
  const expressionSource = String(pi.expression ?? '').trim();
  const expression = parse('expression', expressionSource, lookup);
  if (failed(expression)) return fail(expression);
  if (!expression) return fail({ reason: 'it has no expression' });
  const filter = parse('filter', typeof pi.filter === 'string' ? pi.filter : undefined, lookup);
  if (failed(filter)) return fail(filter);
  const failure = sqlFailure(expression, filter, aggregationType, lookup);
  if (failure) return fail(failure);
  const boundaries = readBoundaries(pi);
  if (typeof boundaries === 'string') return fail({ reason: boundaries });
  const count = countOf(expressionSource, aggregationType);
  const items = itemsOf(expression);
  // The event-stage check of PS_EVENTDATE cohort boundaries came with 2.43.
  const stageChecked = (options.dhis2Minor ?? 41) >= 43;
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
        eventWindow: eventWindow(boundaries, period),
      };
      const passing = rows.filter(
        (row) =>
          inPeriod(row, boundaries, period, datesOf as DatesOf, stageChecked) &&
          anyValueExists(row, items) &&
          (!filter || truthy(evaluate(filter, rowScope(row, context, false)))),
      );
      if (passing.length === 0) return undefined;
      if (count) return count(passing);
      const values = numericValues(
        passing.map((row) => evaluate(expression, rowScope(row, context, true))),
      );
      return values.length === 0 ? undefined : aggregateValues(values, aggregationType);
    },
  };
  return { ok: true, indicator };
};
