import { arithmetic, comparison, inList, isNull, logical, negate, not } from './sql-ops.ts';
import { type Expr, SqlStaticError } from './sql-types.ts';

/**
 * The SQL text DHIS2 generates, as PostgreSQL re-reads it. DHIS2's visitor renders each operator with
 * no parentheses of its own (`OperatorMathPower`: `a^b`, `OperatorMathMinus`: `- a`,
 * `OperatorLogicalNot`: `not a`, `FunctionIsNull`: `a is null`, `FunctionIs`: `a in (…)`), so the
 * precedence that counts is PostgreSQL's, not the expression grammar's: unary minus binds tighter than
 * `^` (`-2^2` is 4), `^` is left-associative (`2^3^2` is 64), `not` is looser than comparisons
 * (`!a == b` is `not (a = b)`), `is null` looser than them, and comparisons do not chain.
 * Atoms are fragments DHIS2 renders whole (functions, `case … end`, parentheses, columns); their
 * types are only resolved here, after DHIS2 built its SQL (`build`), so its parser errors come first.
 */
export type SqlToken =
  | { readonly t: 'atom'; readonly build: () => Expr }
  | { readonly t: 'op'; readonly op: string }
  | { readonly t: 'is'; readonly negated: boolean }
  | { readonly t: 'in'; readonly list: readonly (() => Expr)[] };

/** PostgreSQL's operator precedence (higher binds tighter), `gram.y`. */
const BINARY: Record<string, number> = {
  or: 10,
  and: 20,
  '=': 50,
  '<>': 50,
  '!=': 50,
  '<': 50,
  '>': 50,
  '<=': 50,
  '>=': 50,
  '+': 80,
  '-': 80,
  '*': 90,
  '/': 90,
  '%': 90,
  '^': 100,
};
const NOT = 30;
const IS = 40;
const IN = 60;
const UNARY = 110;
const COMPARISONS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);

const syntax = (near: string | undefined) =>
  new SqlStaticError(
    '42601',
    near === undefined ? 'syntax error at end of input' : `syntax error at or near "${near}"`,
  );

export const atom = (build: () => Expr): SqlToken => ({ t: 'atom', build });
export const op = (text: string): SqlToken => ({ t: 'op', op: text });

function apply(operator: string, left: Expr, right: Expr): Expr {
  if (operator === 'and' || operator === 'or') return logical(operator, left, right);
  if (COMPARISONS.has(operator))
    return comparison(operator === '!=' ? '<>' : operator, left, right);
  return arithmetic(operator, left, right);
}

class SqlParser {
  private index = 0;
  constructor(private readonly tokens: readonly SqlToken[]) {}

  parse(): Expr {
    const expr = this.expr(0);
    const rest = this.tokens[this.index];
    if (rest) throw syntax(rest.t === 'op' ? rest.op : rest.t === 'atom' ? '(' : rest.t);
    return expr;
  }

  private prefix(): Expr {
    const token = this.tokens[this.index++];
    if (!token) throw syntax(undefined);
    if (token.t === 'atom') {
      const expr = token.build();
      // `distinct pi` stands only as the whole argument of an aggregate (`count(distinct pi)`).
      if (expr.distinct && this.tokens.length !== 1) throw syntax('distinct');
      return expr;
    }
    if (token.t === 'op' && (token.op === '-' || token.op === '+'))
      return negate(token.op, this.expr(UNARY));
    if (token.t === 'op' && token.op === 'not') return not(this.expr(NOT));
    throw syntax(token.t === 'op' ? token.op : token.t);
  }

  private expr(min: number): Expr {
    let left = this.prefix();
    let chained = false;
    for (;;) {
      const token = this.tokens[this.index];
      if (!token) return left;
      if (token.t === 'is' || token.t === 'in') {
        if ((token.t === 'is' ? IS : IN) <= min) return left;
        this.index++;
        left =
          token.t === 'is'
            ? isNull(left, token.negated)
            : inList(
                left,
                token.list.map((build) => build()),
              );
        chained = false;
        continue;
      }
      if (token.t !== 'op') throw syntax('(');
      const power = BINARY[token.op];
      if (power === undefined) throw syntax(token.op);
      if (power <= min) return left;
      // Comparison operators are non-associative: `a = b = c` does not parse.
      if (chained && COMPARISONS.has(token.op)) throw syntax(token.op);
      this.index++;
      left = apply(token.op, left, this.expr(power));
      chained = COMPARISONS.has(token.op);
    }
  }
}

/** Reads DHIS2's SQL tokens with PostgreSQL's precedence and types the result. */
export function sqlParse(tokens: readonly SqlToken[]): Expr {
  return new SqlParser(tokens).parse();
}
