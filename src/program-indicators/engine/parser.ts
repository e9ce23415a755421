import { GRAMMAR, type PiDialect, piDialect } from './dialect.ts';
import { type Dhis2ParseError, syntaxError, type Token, tokenize } from './lexer.ts';

export { Dhis2ParseError } from './lexer.ts';

/**
 * A program indicator expression as DHIS2's ANTLR grammar reads it (`Expression.g4`), with the
 * grammar's own precedence: postfix `.stageOffset(n)`, then `^` (right-associative), then unary
 * `+ - ! not`, `* / %`, `+ -`, `< > <= >=`, `== !=`, `&& and`, `|| or`. Explicit parentheses are kept
 * (`paren`): DHIS2 emits SQL without adding any, so PostgreSQL re-reads the operators with its own
 * precedence (sql-parse.ts).
 */
export type Node =
  | { readonly type: 'number'; readonly text: string }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'null' }
  | { readonly type: 'paren'; readonly inner: Node }
  | { readonly type: 'unary'; readonly op: '-' | '+' | '!'; readonly operand: Node }
  | { readonly type: 'binary'; readonly op: string; readonly left: Node; readonly right: Node }
  | {
      readonly type: 'call';
      readonly name: string;
      readonly args: readonly Node[];
      readonly distinct?: boolean;
      readonly text: string;
    }
  | { readonly type: 'is'; readonly subject: Node; readonly candidates: readonly Node[] }
  | { readonly type: 'stageOffset'; readonly operand: Node; readonly offset: number }
  | { readonly type: 'dataElement'; readonly stage: string; readonly dataElement: string }
  | { readonly type: 'attribute'; readonly attribute: string }
  | { readonly type: 'variable'; readonly name: string }
  | { readonly type: 'constant'; readonly id: string }
  | { readonly type: 'stageEventDate'; readonly stage: string }
  /** An item the grammar parses that program indicators cannot render: DHIS2's message when visited. */
  | { readonly type: 'rejected'; readonly message: string };

const UID = '[A-Za-z][A-Za-z0-9]{10}';
const VARIABLES =
  'analytics_period_end analytics_period_start completed_date creation_date current_date due_date enrollment_count enrollment_date enrollment_id enrollment_status environment event_count event_date event_id event_status execution_date incident_date org_unit_count org_unit orgunit_code program_name program_stage_id program_stage_name sync_date tei_count value_count zero_pos_value_count';
/** Functions whose argument is an item written in place (`d2:count(#{s.d})`), not an expression. */
const ITEM_ARGUMENT = new Set([
  'd2:count',
  'd2:countIfCondition',
  'd2:countIfValue',
  'd2:countIfZeroPos',
  'd2:hasValue',
  'd2:maxValue',
  'd2:minValue',
]);

/** Argument counts the grammar allows per function: [min, max]. */
const ARITY: Record<string, [number, number]> = {
  contains: [2, 99],
  containsItems: [2, 99],
  firstNonNull: [1, 99],
  greatest: [1, 99],
  least: [1, 99],
  if: [3, 3],
  log: [1, 2],
  normDistCum: [1, 3],
  normDistDen: [1, 3],
  percentileCont: [2, 2],
  'd2:concatenate': [1, 99],
  'd2:condition': [3, 3],
  'd2:countIfCondition': [2, 2],
  'd2:countIfValue': [2, 2],
  'd2:relationshipCount': [0, 1],
  'd2:round': [1, 2],
  'd2:zpvc': [1, 99],
};
for (const name of ['d2:split', 'd2:substring', 'd2:zScoreHFA', 'd2:zScoreWFA', 'd2:zScoreWFH'])
  ARITY[name] = [3, 3];
for (const name of 'addDays daysBetween extractDataMatrixValue left minutesBetween modulus monthsBetween right validatePattern weeksBetween yearsBetween'.split(
  ' ',
))
  ARITY[`d2:${name}`] = [2, 2];

const notSupported = (token: string): Node => ({
  type: 'rejected',
  message: `Item ${token} not supported for this type of expression`,
});

/** An item token (`#{…}`, `A{…}`, `V{…}`, `PS_EVENTDATE:…`, `[days]` …) as a node. */
function itemNode(text: string, grammar: number): Node | undefined {
  if (text.startsWith('PS_EVENTDATE:'))
    return { type: 'stageEventDate', stage: text.slice(13).trim() };
  if (text.startsWith('[')) return notSupported(text);
  const open = text.indexOf('{');
  const kind = text.slice(0, open + 1);
  const body = text.slice(open + 1, -1);
  const uids = new RegExp(`^${UID}(\\.${UID})?$`).test(body) ? body.split('.') : undefined;
  switch (kind) {
    case '#{':
      // ProgramItemStageElement.getSql → ParserUtils.assumeStageElementSyntax.
      return uids?.length === 2
        ? { type: 'dataElement', stage: uids[0]!, dataElement: uids[1]! }
        : { type: 'rejected', message: `Invalid Program Stage / DataElement syntax: ${text}` };
    case 'A{':
      // ProgramItemAttribute.getProgramAttributeId.
      if (uids?.length === 1) return { type: 'attribute', attribute: body };
      return { type: 'rejected', message: `Program attribute must have one UID: ${text}` };
    case 'V{': {
      const known = VARIABLES.split(' ');
      if (grammar >= GRAMMAR.scheduledVariables)
        known.push('scheduled_date', 'scheduled_event_count');
      return known.includes(body) ? { type: 'variable', name: body } : undefined;
    }
    case 'C{':
      return uids?.length === 1 ? { type: 'constant', id: body } : undefined;
    case 'X{':
      return undefined;
    default:
      return notSupported(kind);
  }
}

class Parser {
  private index = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
    private readonly grammar: number,
  ) {}

  parse(): Node {
    const node = this.or();
    if (this.peek().kind !== 'end') throw this.error();
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private error(token = this.peek()): Dhis2ParseError {
    return syntaxError(this.source, token.pos, token.text);
  }

  private accept(...texts: string[]): string | undefined {
    const token = this.peek();
    if ((token.kind === 'op' || token.kind === 'word') && texts.includes(token.text)) {
      this.index++;
      return token.text;
    }
    return undefined;
  }

  private expect(text: string): void {
    if (!this.accept(text)) throw this.error();
  }

  private left(next: () => Node, ops: string[], normal: Record<string, string> = {}): Node {
    let node = next();
    for (let op = this.accept(...ops); op; op = this.accept(...ops))
      node = { type: 'binary', op: normal[op] ?? op, left: node, right: next() };
    return node;
  }

  private or = (): Node => this.left(this.and, ['||', 'or'], { or: '||' });
  private and = (): Node => this.left(this.equality, ['&&', 'and'], { and: '&&' });
  private equality = (): Node => this.left(this.relational, ['==', '!=']);
  private relational = (): Node => this.left(this.additive, ['<=', '>=', '<', '>']);
  private additive = (): Node => this.left(this.multiplicative, ['+', '-']);
  private multiplicative = (): Node => this.left(this.unary, ['*', '/', '%']);

  private unary = (): Node => {
    const op = this.accept('+', '-', '!', 'not');
    if (!op) return this.power();
    return {
      type: 'unary',
      op: op === 'not' ? '!' : (op as '+' | '-' | '!'),
      operand: this.unary(),
    };
  };

  private power(): Node {
    const base = this.postfix();
    if (!this.accept('^')) return base;
    return { type: 'binary', op: '^', left: base, right: this.unary() };
  }

  private postfix(): Node {
    let node = this.primary();
    while (this.peek().kind === 'dot') {
      const dot = this.tokens[this.index++]!;
      if (dot.text === '.stageOffset(') {
        const sign = this.accept('+', '-') === '-' ? -1 : 1;
        const number = this.tokens[this.index++]!;
        if (number.kind !== 'num' || !/^\d+$/.test(number.text)) throw this.error(number);
        this.expect(')');
        node = { type: 'stageOffset', operand: node, offset: sign * Number(number.text) };
        continue;
      }
      // .periodOffset( .aggregationType( .maxDate( .minDate( .yearToDate(): not in the PI map.
      if (dot.text !== '.yearToDate()') {
        while (this.peek().kind !== 'end' && !this.accept(')')) this.index++;
      }
      node = notSupported(dot.text);
    }
    return node;
  }

  private primary(): Node {
    const token = this.tokens[this.index++]!;
    switch (token.kind) {
      case 'num':
        return { type: 'number', text: token.text };
      case 'str':
        return { type: 'string', value: token.value };
      case 'item': {
        const node = itemNode(token.text, this.grammar);
        if (!node) throw this.error(token);
        return node;
      }
      case 'func':
        return this.call(token.text);
      case 'word':
        if (token.text === 'true' || token.text === 'false')
          return { type: 'boolean', value: token.text === 'true' };
        if (token.text === 'null' && this.grammar >= GRAMMAR.nullAndRemoveZeros)
          return { type: 'null' };
        throw this.error(token);
      case 'op':
        if (token.text === '(') {
          const inner = this.or();
          this.expect(')');
          return { type: 'paren', inner };
        }
        throw this.error(token);
      default:
        throw this.error(token);
    }
  }

  private call(name: string): Node {
    const start = this.tokens[this.index - 1]!.pos;
    const text = () => this.source.slice(start, this.tokens[this.index - 1]!.pos + 1);
    if (name === 'is') {
      const subject = this.or();
      this.expect('in');
      const candidates = this.list();
      return { type: 'is', subject, candidates };
    }
    if (name.startsWith('orgUnit.')) {
      // Its arguments are bare UIDs; not in the PI map anyway.
      while (this.peek().kind !== 'end' && !this.accept(')')) this.index++;
      return notSupported(`${name}(`);
    }
    if (ITEM_ARGUMENT.has(name)) {
      const item = this.tokens[this.index++]!;
      if (item.kind !== 'item' && item.kind !== 'str') throw this.error(item);
      const first: Node =
        item.kind === 'str'
          ? { type: 'string', value: item.value }
          : (itemNode(item.text, this.grammar) ?? notSupported(item.text));
      let rest: Node[] = [];
      if (this.accept(',')) rest = this.list();
      else this.expect(')');
      const [min, max] = ARITY[name] ?? [1, 1];
      if (1 + rest.length < min || 1 + rest.length > max)
        throw this.error(this.tokens[this.index - 1]);
      if (name === 'd2:countIfCondition' && rest[0]?.type !== 'string')
        throw this.error(this.tokens[this.index - 1]);
      return { type: 'call', name, args: [first, ...rest], text: text() };
    }
    const distinct =
      name === 'count' && this.grammar >= GRAMMAR.countDistinct && this.accept('distinct');
    if (name === 'd2:condition' && this.peek().kind !== 'str') throw this.error();
    const args = this.accept(')') ? [] : this.list();
    const [min, max] = ARITY[name] ?? [1, 1];
    if (args.length < min || args.length > max) throw this.error(this.tokens[this.index - 1]);
    const quotedUid = (n: Node) => n.type === 'string' && new RegExp(`^${UID}$`).test(n.value);
    if (name === 'd2:relationshipCount' && args[0] && !quotedUid(args[0]))
      throw this.error(this.tokens[this.index - 1]);
    return { type: 'call', name, args, text: text(), ...(distinct ? { distinct: true } : {}) };
  }

  /** Comma-separated expressions up to the closing parenthesis. */
  private list(): Node[] {
    const args: Node[] = [];
    do args.push(this.or());
    while (this.accept(','));
    this.expect(')');
    return args;
  }
}

/**
 * Parses an expression as the given version's grammar does (the newest when not said); throws
 * Dhis2ParseError with `ParserErrorListener`'s words for what does not parse.
 */
export function parseExpression(source: string, dialect?: PiDialect): Node {
  const grammar = (dialect ?? piDialect({ minor: 43, patch: 1 })).grammar;
  return new Parser(source, tokenize(source, grammar), grammar).parse();
}
