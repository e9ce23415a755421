import { columnType, enrollmentRowOf, eventDates, stageEvents, stored } from './columns.ts';
import { order } from './evaluate.ts';
import { Dhis2ParseError, type Node, parseExpression } from './parser.ts';
import { bareDataElement } from './render-items.ts';
import { type Render, type RenderState, requireColumn } from './render-state.ts';
import { agePart, cast, epochBetween } from './sql-functions.ts';
import { arithmetic, nullIf, searchedCase, variadic } from './sql-ops.ts';
import { atom, op, type SqlToken, sqlParse } from './sql-parse.ts';
import { constant, type EvalCtx, type Expr, SandboxGap, type SqlType } from './sql-types.ts';

/** The program indicator functions (`program/function/D2*.java`) as their `getSql` writes them. */
type Call = Extract<Node, { type: 'call' }>;

const int = (n: number) => () => constant('integer', n);
const allowingNulls = (state: RenderState): RenderState => ({ ...state, replaceNulls: false });

/** A fragment of the outer query inside a correlated sub-query: it reads the outer row. */
function outer(expr: Expr): Expr {
  return { ...expr, eval: (ctx) => expr.eval(ctx.outer ?? ctx) };
}
function outerTokens(tokens: readonly SqlToken[]): SqlToken[] {
  return tokens.map((token) =>
    token.t === 'atom'
      ? atom(() => outer(token.build()))
      : token.t === 'in'
        ? { t: 'in', list: token.list.map((build) => () => outer(build())) }
        : token,
  );
}

/** `ProgramExpressionItem.getProgramArgType` refusing what a d2:count… function cannot take. */
function stageElementArg(node: Call): Extract<Node, { type: 'dataElement' }> {
  const first = node.args[0]!;
  if (first.type === 'dataElement') return first;
  if (first.type === 'attribute' || first.type === 'variable' || first.type === 'stageEventDate')
    throw new Dhis2ParseError(
      `First argument not supported for d2:count... functions: ${node.text}`,
    );
  throw new Dhis2ParseError(`Illegal argument in program indicator expression: ${node.text}`);
}

/**
 * `ProgramCountFunction`: `(select count("d") from analytics_event_P where pi = ax.pi and "d" is not
 * null and "d"<condition> [event boundaries] and ps = 's')` — the enrollment's events of the stage (an
 * EVENT indicator's row's enrollment too), any status. `d2:countIfValue`: `"d" = V`;
 * `d2:countIfCondition`: `"d"` glued to the SQL of `"0" + condition` without its `0`, so `"d"::numeric`
 * once literals are cast (2.39.10/2.40.8/2.41.4/2.42.0; 2.43 casts it explicitly).
 */
function countFunction(node: Call, state: RenderState, render: Render): SqlToken[] {
  const { stage, dataElement } = stageElementArg(node);
  const pi = state.pi;
  let condition: SqlToken[] = [];
  if (node.name === 'd2:countIfValue') condition = [op('='), ...render(node.args[1]!, state)];
  if (node.name === 'd2:countIfCondition') {
    const text = (node.args[1] as { value: string }).value;
    const dummy = parseExpression(`0${text}`, pi.dialect);
    const fresh: RenderState = {
      pi,
      mode: 'BOOLEAN',
      replaceNulls: true,
      filterText: state.filterText,
    };
    const tokens = render(dummy, fresh);
    if (!startsWithZero(dummy)) throw new SandboxGap(`d2:countIfCondition('${text}')`);
    condition = tokens.slice(1);
  }
  return [
    atom(() => {
      requireColumn(state, 'dataElement', dataElement);
      const type = columnType(pi.valueType('dataElement', dataElement));
      const inner: Expr = {
        type,
        level: 'row',
        eval: (ctx) =>
          ctx.row?.kind === 'event' ? stored(ctx.row.dataValues[dataElement], type) : null,
      };
      const left =
        node.name === 'd2:countIfCondition' && pi.dialect.numericLiteralCast
          ? cast(inner, 'numeric')
          : inner;
      const test =
        condition.length > 0 ? sqlParse([atom(() => left), ...outerTokens(condition)]) : undefined;
      return {
        type: 'bigint',
        level: 'row',
        column: dataElement,
        eval: (ctx: EvalCtx) =>
          stageEvents(ctx, stage).filter((event) => {
            const eventCtx = { env: ctx.env, row: event, outer: ctx };
            return inner.eval(eventCtx) !== null && (!test || test.eval(eventCtx) === true);
          }).length,
      };
    }),
  ];
}

/** The leftmost leaf of `"0" + condition` is that `0` (what `substring(1)` cuts). */
function startsWithZero(node: Node): boolean {
  if (node.type === 'number') return node.text === '0';
  if (node.type === 'binary') return startsWithZero(node.left);
  return false;
}

/**
 * `ProgramMinMaxFunction`: EVENT, the bare column (`"d"` or `"occurreddate"`, no stage check);
 * ENROLLMENT, `(select max|min(col) from analytics_event_P where pi = ax.pi [boundaries] and ps = 's')`.
 */
function minMax(node: Call, state: RenderState): SqlToken[] {
  const arg = node.args[0]!;
  if (arg.type !== 'dataElement' && arg.type !== 'stageEventDate')
    throw new SandboxGap(`${node.name} of ${arg.type}`);
  const max = node.name === 'd2:maxValue';
  return [
    atom(() => {
      const dataElement = arg.type === 'dataElement' ? arg.dataElement : undefined;
      if (state.pi.analyticsType === 'EVENT')
        return dataElement
          ? bareDataElement(dataElement, state)
          : {
              type: 'timestamp',
              level: 'row',
              column: 'occurreddate',
              eval: (ctx) => (ctx.row?.kind === 'event' ? eventDates.occurreddate(ctx.row) : null),
            };
      if (dataElement) requireColumn(state, 'dataElement', dataElement);
      const type: SqlType = dataElement
        ? columnType(state.pi.valueType('dataElement', dataElement))
        : 'timestamp';
      return {
        type,
        level: 'row',
        column: dataElement ?? 'occurreddate',
        eval: (ctx) => {
          const values = stageEvents(ctx, arg.stage)
            .map((e) =>
              dataElement ? stored(e.dataValues[dataElement], type) : eventDates.occurreddate(e),
            )
            .filter((v) => v !== null);
          if (values.length === 0) return null;
          return values.reduce((a, b) => ((max ? order(b, a) > 0 : order(b, a) < 0) ? b : a));
        },
      };
    }),
  ];
}

/** `ProgramBetweenFunction`: both dates visited allowing nulls; end minus start. */
function between(node: Call, state: RenderState, render: Render): SqlToken[] {
  const [start, end] = node.args.map((arg) => render(arg, allowingNulls(state)));
  const as = (tokens: SqlToken[], type: 'date' | 'timestamp') => cast(sqlParse(tokens), type);
  return [
    atom(() => {
      const [a, b] = [start!, end!];
      switch (node.name) {
        case 'd2:daysBetween':
          return arithmetic('-', as(b, 'date'), as(a, 'date'));
        case 'd2:weeksBetween':
          return arithmetic('/', arithmetic('-', as(b, 'date'), as(a, 'date')), int(7)());
        case 'd2:monthsBetween':
          return arithmetic(
            '+',
            arithmetic('*', agePart('year', as(b, 'date'), as(a, 'date')), int(12)()),
            agePart('month', as(b, 'date'), as(a, 'date')),
          );
        case 'd2:yearsBetween':
          return agePart('year', as(b, 'date'), as(a, 'date'));
        default:
          return arithmetic('/', epochBetween(as(b, 'timestamp'), as(a, 'timestamp')), int(60)());
      }
    }),
  ];
}

/** `case when X >= 0 then 1 else 0 end`, X allowing nulls (`D2Oizp`, `D2Zpvc`). */
function zeroOrPositive(arg: Node, state: RenderState, render: Render): () => Expr {
  const x = render(arg, allowingNulls(state));
  return () => searchedCase([[sqlParse([...x, op('>='), atom(int(0))]), int(1)()]], int(0)());
}

/** `d2:condition`: `case when (<test rendered anew as a condition, nulls replaced>) then A else B end`. */
function condition(node: Call, state: RenderState, render: Render): SqlToken[] {
  const source = (node.args[0] as { value: string }).value;
  const fresh: RenderState = {
    pi: state.pi,
    mode: 'BOOLEAN',
    replaceNulls: true,
    filterText: state.filterText,
  };
  const test = render(parseExpression(source, state.pi.dialect), fresh);
  const [a, b] = node.args.slice(1).map((arg) => render(arg, state));
  return [atom(() => searchedCase([[sqlParse(test), sqlParse(a!)]], sqlParse(b!)))];
}

/**
 * `D2RelationshipCount`: the tracked entity's relationships (of a type): a correlated `count(*)` up to
 * 2.41 (0 without), the resource table's `relationship_count` / `sum(…)` from 2.42 (NULL without).
 */
function relationshipCount(node: Call, state: RenderState): SqlToken[] {
  const type = (node.args[0] as { value: string } | undefined)?.value;
  const table = state.pi.dialect.relationshipCountFromResourceTable;
  return [
    atom(() => ({
      type: table && !type ? 'numeric' : 'bigint',
      level: 'row',
      column: 'tei',
      eval: (ctx) => {
        const row = ctx.row;
        const te = row
          ? (enrollmentRowOf(row)?.trackedEntity ??
            (row.kind === 'event' ? row.trackedEntity : null))
          : null;
        const n = te && ctx.env.relationshipCount ? ctx.env.relationshipCount(te, type) : 0;
        return table && n === 0 ? null : n;
      },
    })),
  ];
}

export function programFunction(
  node: Call,
  state: RenderState,
  render: Render,
): SqlToken[] | undefined {
  switch (node.name) {
    case 'd2:condition':
      return condition(node, state, render);
    case 'd2:count':
    case 'd2:countIfValue':
    case 'd2:countIfCondition':
      return countFunction(node, state, render);
    case 'd2:hasValue': {
      const arg = node.args[0]!;
      if (arg.type === 'string' || arg.type === 'rejected')
        throw new Dhis2ParseError(`Illegal argument in program indicator expression: ${node.text}`);
      const x = render(arg, allowingNulls(state));
      return [atom(() => sqlParse([...x, { t: 'is', negated: true }]))];
    }
    case 'd2:maxValue':
    case 'd2:minValue':
      return minMax(node, state);
    case 'd2:daysBetween':
    case 'd2:weeksBetween':
    case 'd2:monthsBetween':
    case 'd2:yearsBetween':
    case 'd2:minutesBetween':
      return between(node, state, render);
    case 'd2:oizp': {
      const test = zeroOrPositive(node.args[0]!, state, render);
      return [atom(() => variadic('coalesce', [test(), int(0)()]))];
    }
    case 'd2:zing': {
      const x = render(node.args[0]!, state);
      return [atom(() => variadic('greatest', [int(0)(), sqlParse(x)]))];
    }
    case 'd2:zpvc': {
      const tests = node.args.map((arg) => zeroOrPositive(arg, state, render));
      const sum = tests.flatMap((test, i) => [...(i > 0 ? [op('+')] : []), atom(test)]);
      return [atom(() => nullIf(cast(sqlParse(sum), 'double precision'), int(0)()))];
    }
    case 'd2:relationshipCount':
      return relationshipCount(node, state);
    default:
      return undefined;
  }
}
