import { GRAMMAR } from './dialect.ts';

/**
 * The tokens of DHIS2's expression grammar (`dhis2-antlr-expression-parser`, `Expression.g4`): a
 * function is one token with its parenthesis (`if(`, `d2:zing(`), items keep their braces (`#{…}`),
 * literals are Java's. A token the grammar of the version does not have is a syntax error, reported as
 * `ParserErrorListener` words it.
 */
export type Token =
  | { readonly kind: 'num'; readonly text: string; readonly pos: number }
  | { readonly kind: 'str'; readonly text: string; readonly value: string; readonly pos: number }
  | { readonly kind: 'func'; readonly text: string; readonly pos: number }
  | { readonly kind: 'dot'; readonly text: string; readonly pos: number }
  | { readonly kind: 'item'; readonly text: string; readonly pos: number }
  | { readonly kind: 'word'; readonly text: string; readonly pos: number }
  | { readonly kind: 'op'; readonly text: string; readonly pos: number }
  | { readonly kind: 'end'; readonly text: ''; readonly pos: number };

/**
 * DHIS2's ParserException (an IllegalStateException): the expression does not parse, or an item is not
 * in the PI item map. Analytics answers 409 without an error code and with this message.
 */
export class Dhis2ParseError extends Error {
  readonly type = 'dhis2-parse';
}

/** Function tokens of the grammar, with the parser release that brought them (0: always there). */
const FUNCTIONS: Record<string, number> = {
  contains: GRAMMAR.contains,
  containsItems: GRAMMAR.contains,
  firstNonNull: 0,
  greatest: 0,
  if: 0,
  is: GRAMMAR.is,
  isNotNull: 0,
  isNull: 0,
  least: 0,
  log: 0,
  log10: 0,
  normDistCum: 33,
  normDistDen: 33,
  'orgUnit.ancestor': 18,
  'orgUnit.dataSet': 25,
  'orgUnit.group': 18,
  'orgUnit.program': 25,
  removeZeros: GRAMMAR.nullAndRemoveZeros,
  subExpression: 26,
  avg: 0,
  count: 0,
  max: 0,
  median: 0,
  min: 0,
  percentileCont: 0,
  stddev: 0,
  stddevPop: 0,
  stddevSamp: 0,
  sum: 0,
  variance: 0,
};
const D2_FUNCTIONS =
  'addDays ceil concatenate condition count countIfCondition countIfValue countIfZeroPos daysBetween extractDataMatrixValue floor hasUserRole hasValue inOrgUnitGroup lastEventDate left length maxValue minutesBetween minValue modulus monthsBetween oizp relationshipCount right round split substring validatePattern weeksBetween yearsBetween zing zpvc zScoreHFA zScoreWFA zScoreWFH';
for (const name of D2_FUNCTIONS.split(' ')) FUNCTIONS[`d2:${name}`] = 0;

const DOT_FUNCTIONS: Record<string, number> = {
  '.aggregationType(': 25,
  '.maxDate(': 24,
  '.minDate(': 24,
  '.periodOffset(': 0,
  '.stageOffset(': GRAMMAR.stageOffset,
  '.yearToDate()': 29,
};
const OPERATORS = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '^', '!'];
const PUNCTUATION = ['(', ')', ','];

export function syntaxError(source: string, pos: number, text: string): Dhis2ParseError {
  const before = source.slice(0, pos);
  const line = before.split(/\r\n|\r|\n/).length;
  const column = pos - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) - 1;
  return new Dhis2ParseError(
    `Invalid string token '${text || '<EOF>'}' at line:${line} character:${column}`,
  );
}

/** Java's `StringEscapeUtils.unescapeJava`, as `SqlLiteral` applies it to a string literal. */
function unescapeJava(body: string): string {
  return body.replace(
    /\\(u+[0-9a-fA-F]{4}|[0-3]?[0-7]{1,2}|[btnfr"'\\])/g,
    (_, sequence: string) => {
      if (sequence.startsWith('u'))
        return String.fromCharCode(Number.parseInt(sequence.slice(-4), 16));
      if (/^[0-7]/.test(sequence)) return String.fromCharCode(Number.parseInt(sequence, 8));
      return { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r' }[sequence] ?? sequence;
    },
  );
}

const ITEM = /^(#\{|A\{|C\{|D\{|I\{|N\{|OUG\{|R\{|V\{|X\{)([^}]*)\}/;
const STRING = /^(?:'((?:[^'\\\r\n]|\\.)*)'|"((?:[^"\\\r\n]|\\.)*)")/;
const NUMBER = /^(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/;

/** One token at `i` (whitespace and, from parser 1.0.34, comments already skipped). */
function tokenAt(source: string, i: number, grammar: number): Token {
  const rest = source.slice(i);
  const item = ITEM.exec(rest);
  if (item) return { kind: 'item', text: item[0], pos: i };
  const psDate = /^PS_EVENTDATE:[ \t\r\n]*[A-Za-z][A-Za-z0-9]{10}/.exec(rest);
  if (psDate) return { kind: 'item', text: psDate[0], pos: i };
  const bracket = /^\[(days|periodInYear|yearlyPeriodCount)\]/.exec(rest);
  if (bracket) return { kind: 'item', text: bracket[0], pos: i };
  const string = STRING.exec(rest);
  if (string) {
    const body = string[1] ?? string[2] ?? '';
    return { kind: 'str', text: string[0], value: unescapeJava(body), pos: i };
  }
  const dot = Object.keys(DOT_FUNCTIONS).find((name) => rest.startsWith(name));
  if (dot && (DOT_FUNCTIONS[dot] ?? 0) <= grammar) return { kind: 'dot', text: dot, pos: i };
  const number = NUMBER.exec(rest);
  if (number) return { kind: 'num', text: number[0], pos: i };
  const func = /^(orgUnit\.[A-Za-z]+|d2:[A-Za-z]+|[A-Za-z][A-Za-z0-9]*)\(/.exec(rest);
  if (func && (FUNCTIONS[func[1]!] ?? Number.POSITIVE_INFINITY) <= grammar)
    return { kind: 'func', text: func[1]!, pos: i };
  const word = /^[A-Za-z_]+/.exec(rest);
  if (word) return { kind: 'word', text: word[0], pos: i };
  const op = [...OPERATORS, ...PUNCTUATION].find((candidate) => rest.startsWith(candidate));
  if (op) return { kind: 'op', text: op, pos: i };
  throw syntaxError(source, i, rest[0]!);
}

export function tokenize(source: string, grammar: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const space = /^[ \t\r\n]+/.exec(source.slice(i));
    if (space) {
      i += space[0].length;
      continue;
    }
    if (grammar >= GRAMMAR.comments && source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end >= 0) {
        i = end + 2;
        continue;
      }
    }
    const token = tokenAt(source, i, grammar);
    tokens.push(token);
    i += token.text.length + (token.kind === 'func' ? 1 : 0);
  }
  tokens.push({ kind: 'end', text: '', pos: source.length });
  return tokens;
}
