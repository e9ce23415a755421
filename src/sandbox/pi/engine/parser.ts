/**
 * The program indicator expression language, as DHIS2's ANTLR grammar reads it
 * (dhis2/dhis2-antlr-expression-parser, `Expression.g4`): items (`#{stage.de}`, `A{tea}`, `V{var}`,
 * `PS_EVENTDATE:stage`), d2: functions, `if`, arithmetic, comparison and logic (`&&`/`and`, `||`/`or`,
 * `!`/`not`), single- or double-quoted strings. Expressions may span lines.
 */
export type Node =
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'dataElement'; readonly stage: string; readonly dataElement: string }
  | { readonly type: 'attribute'; readonly attribute: string }
  | { readonly type: 'variable'; readonly name: string }
  | { readonly type: 'constant'; readonly id: string }
  | { readonly type: 'stageEventDate'; readonly stage: string }
  | { readonly type: 'call'; readonly name: string; readonly args: readonly Node[] }
  | { readonly type: 'unary'; readonly op: '-' | '!'; readonly operand: Node }
  | { readonly type: 'binary'; readonly op: string; readonly left: Node; readonly right: Node };

export class ExpressionSyntaxError extends Error {
  readonly type = 'expression-syntax';
}

type Token = { kind: 'num' | 'str' | 'item' | 'name' | 'op' | 'end'; text: string; pos: number };

const OPERATORS = [
  '&&',
  '||',
  '==',
  '!=',
  '<=',
  '>=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '!',
  '(',
  ')',
  ',',
];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i]!;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    const item = /^([#AVCI])\{([^}]*)\}/.exec(source.slice(i));
    if (item) {
      tokens.push({ kind: 'item', text: item[0], pos: i });
      i += item[0].length;
      continue;
    }
    const stageDate = /^PS_EVENTDATE:\s*([A-Za-z][A-Za-z0-9]{10})/.exec(source.slice(i));
    if (stageDate) {
      tokens.push({ kind: 'item', text: `PS_EVENTDATE:${stageDate[1]}`, pos: i });
      i += stageDate[0].length;
      continue;
    }
    if (char === "'" || char === '"') {
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== char) {
        if (source[j] === '\\' && j + 1 < source.length) j++;
        text += source[j];
        j++;
      }
      if (j >= source.length)
        throw new ExpressionSyntaxError(`unterminated string starting at ${i}`);
      tokens.push({ kind: 'str', text, pos: i });
      i = j + 1;
      continue;
    }
    const num = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i));
    if (num) {
      tokens.push({ kind: 'num', text: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z_][A-Za-z0-9_]*)?/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: 'name', text: name[0], pos: i });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (!op) throw new ExpressionSyntaxError(`unexpected "${char}" at ${i}`);
    tokens.push({ kind: 'op', text: op, pos: i });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: '', pos: source.length });
  return tokens;
}

const BINARY_LEVELS: readonly (readonly string[])[] = [
  ['||', 'or'],
  ['&&', 'and'],
  ['==', '!='],
  ['<', '<=', '>', '>='],
  ['+', '-'],
  ['*', '/', '%'],
];

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.binary(0);
    if (this.peek().kind !== 'end')
      throw new ExpressionSyntaxError(`unexpected "${this.peek().text}" at ${this.peek().pos}`);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    return this.tokens[this.index++]!;
  }

  private accept(text: string): boolean {
    const token = this.peek();
    if ((token.kind === 'op' || token.kind === 'name') && token.text === text) {
      this.index++;
      return true;
    }
    return false;
  }

  private binary(level: number): Node {
    if (level >= BINARY_LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const op = BINARY_LEVELS[level]!.find((candidate) => this.accept(candidate));
      if (!op) return left;
      const normalised = op === 'or' ? '||' : op === 'and' ? '&&' : op;
      left = { type: 'binary', op: normalised, left, right: this.binary(level + 1) };
    }
  }

  private unary(): Node {
    if (this.accept('-')) return { type: 'unary', op: '-', operand: this.unary() };
    if (this.accept('+')) return this.unary();
    if (this.accept('!') || this.accept('not'))
      return { type: 'unary', op: '!', operand: this.unary() };
    return this.power();
  }

  private power(): Node {
    const base = this.primary();
    if (this.accept('^')) return { type: 'binary', op: '^', left: base, right: this.unary() };
    return base;
  }

  private primary(): Node {
    const token = this.next();
    if (token.kind === 'num') return { type: 'number', value: Number(token.text) };
    if (token.kind === 'str') return { type: 'string', value: token.text };
    if (token.kind === 'item') return item(token.text);
    if (token.kind === 'op' && token.text === '(') {
      const inner = this.binary(0);
      if (!this.accept(')')) throw new ExpressionSyntaxError(`missing ")" at ${this.peek().pos}`);
      return inner;
    }
    if (token.kind === 'name') {
      if (token.text === 'true' || token.text === 'false')
        return { type: 'boolean', value: token.text === 'true' };
      if (!this.accept('('))
        throw new ExpressionSyntaxError(`unknown name "${token.text}" at ${token.pos}`);
      const args: Node[] = [];
      if (!this.accept(')')) {
        do args.push(this.binary(0));
        while (this.accept(','));
        if (!this.accept(')'))
          throw new ExpressionSyntaxError(`missing ")" after the arguments of ${token.text}`);
      }
      return { type: 'call', name: token.text, args };
    }
    throw new ExpressionSyntaxError(
      `unexpected "${token.text || 'end of expression'}" at ${token.pos}`,
    );
  }
}

function item(text: string): Node {
  if (text.startsWith('PS_EVENTDATE:'))
    return { type: 'stageEventDate', stage: text.slice('PS_EVENTDATE:'.length) };
  const kind = text[0];
  const body = text.slice(2, -1).trim();
  if (kind === '#') {
    const [stage, dataElement, extra] = body.split('.');
    if (!stage || !dataElement || extra !== undefined)
      throw new ExpressionSyntaxError(`#{${body}} is not #{stage.dataElement}`);
    return { type: 'dataElement', stage, dataElement };
  }
  if (kind === 'A') {
    // A{program.attribute} is accepted too; the program part is implied by the indicator.
    return { type: 'attribute', attribute: body.includes('.') ? body.split('.').pop()! : body };
  }
  if (kind === 'V') return { type: 'variable', name: body };
  if (kind === 'C') return { type: 'constant', id: body };
  throw new ExpressionSyntaxError(`${kind}{} items are not supported in program indicators`);
}

export function parseExpression(source: string): Node {
  return new Parser(tokenize(source)).parse();
}
