import { type PiVersion, piDialect } from '../../program-indicators/engine/dialect.ts';
import {
  Dhis2ParseError,
  type Node,
  parseExpression,
} from '../../program-indicators/engine/parser.ts';
import type { MetadataObject } from '../metadata/store.ts';

/*
 * `ProgramIndicatorService.getExpressionDescription` / `getFilterDescription` (2.36–2.43,
 * `DefaultProgramIndicatorService.getDescription`): the text parsed by the version's grammar and visited
 * with ITEM_GET_DESCRIPTIONS — each item looked up (`ProgramItemStageElement`, `ProgramItemAttribute`,
 * `ProgramItemPsEventdate`, `ItemConstant`), any item outside the PI item map refused — then the result
 * cast to the type asked (`AntlrParserUtils.castClass`: Double for an expression, Boolean for a filter),
 * and every item's text replaced by its description. No programme is known here: a data element of
 * another programme's stage describes fine, as in DHIS2.
 */

type Lookup = (type: string, id: string) => MetadataObject | undefined;
type Kind = 'number' | 'boolean' | 'text' | 'unknown';

export type Description = { ok: true; description: string } | { ok: false; message: string };

const NUMERIC =
  /^(NUMBER|INTEGER|INTEGER_POSITIVE|INTEGER_NEGATIVE|INTEGER_ZERO_OR_POSITIVE|PERCENTAGE|UNIT_INTERVAL)$/;
const BOOLEAN_FUNCTIONS = new Set([
  'd2:hasValue',
  'd2:validatePattern',
  'd2:inOrgUnitGroup',
  'd2:hasUserRole',
  'contains',
  'containsItems',
  'isNull',
  'isNotNull',
]);
const TEXT_FUNCTIONS = new Set([
  'd2:concatenate',
  'd2:left',
  'd2:right',
  'd2:substring',
  'd2:split',
]);
const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=', '&&', '||', 'and', 'or']);

/** What each item is called in descriptions, or DHIS2's refusal of it. */
function describeItem(node: Node, lookup: Lookup, items: ReadonlySet<string>): [string, string][] {
  const name = (object: MetadataObject | undefined) => String(object?.displayName ?? object?.name);
  switch (node.type) {
    case 'dataElement': {
      const stage = lookup('programStages', node.stage);
      if (!stage) throw new Dhis2ParseError(`Program stage ${node.stage} not found`);
      const element = lookup('dataElements', node.dataElement);
      if (!element) throw new Dhis2ParseError(`Data element ${node.dataElement} not found`);
      return [[`#{${node.stage}.${node.dataElement}}`, `${name(stage)}.${name(element)}`]];
    }
    case 'attribute': {
      const attribute = lookup('trackedEntityAttributes', node.attribute);
      if (!attribute)
        throw new Dhis2ParseError(`Tracked entity attribute ${node.attribute} not found.`);
      return [[`A{${node.attribute}}`, name(attribute)]];
    }
    case 'stageEventDate': {
      const stage = lookup('programStages', node.stage);
      if (!stage) throw new Dhis2ParseError(`Program stage ${node.stage} not found`);
      return [[node.stage, name(stage)]];
    }
    case 'constant': {
      const constant = lookup('constants', node.id);
      if (!constant) throw new Dhis2ParseError(`No constant defined for ${node.id}`);
      return [[`C{${node.id}}`, name(constant)]];
    }
    case 'variable':
      return [[`V{${node.name}}`, node.name.replace(/_/g, ' ')]];
    case 'rejected':
      throw new Dhis2ParseError(node.message);
    case 'call':
      if (!items.has(node.name))
        throw new Dhis2ParseError(`Item ${node.name}( not supported for this type of expression`);
      return [];
    case 'is':
      if (!items.has('is'))
        throw new Dhis2ParseError('Item is( not supported for this type of expression');
      return [];
    default:
      return [];
  }
}

function children(node: Node): readonly Node[] {
  switch (node.type) {
    case 'paren':
      return [node.inner];
    case 'unary':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    case 'call':
      return node.args;
    case 'is':
      return [node.subject, ...node.candidates];
    case 'stageOffset':
      return [node.operand];
    default:
      return [];
  }
}

/** The type of the value the description visit yields (null replacement values for items). */
function kindOf(node: Node, lookup: Lookup): Kind {
  switch (node.type) {
    case 'number':
    case 'constant':
      return 'number';
    case 'boolean':
    case 'is':
      return 'boolean';
    case 'string':
      return 'text';
    case 'paren':
      return kindOf(node.inner, lookup);
    case 'stageOffset':
      return kindOf(node.operand, lookup);
    case 'unary':
      return node.op === '!' ? 'boolean' : 'number';
    case 'binary':
      return COMPARISONS.has(node.op) ? 'boolean' : 'number';
    case 'call':
      if (BOOLEAN_FUNCTIONS.has(node.name)) return 'boolean';
      if (TEXT_FUNCTIONS.has(node.name)) return 'text';
      if (node.name === 'if' || node.name === 'd2:condition')
        return node.args[1] ? kindOf(node.args[1], lookup) : 'unknown';
      return node.name.startsWith('d2:') ? 'number' : 'unknown';
    case 'dataElement':
    case 'attribute': {
      const object =
        node.type === 'dataElement'
          ? lookup('dataElements', node.dataElement)
          : lookup('trackedEntityAttributes', node.attribute);
      const valueType = String(object?.valueType ?? 'TEXT');
      if (NUMERIC.test(valueType)) return 'number';
      return valueType === 'BOOLEAN' || valueType === 'TRUE_ONLY' ? 'boolean' : 'text';
    }
    case 'variable':
      return /count$/.test(node.name) ? 'number' : 'unknown';
    default:
      return 'unknown';
  }
}

/** `castClass`: a number where a Boolean is asked, or a boolean where a Double is, fails. */
function castRefusal(kind: Kind, asked: 'expression' | 'filter'): string | undefined {
  if (asked === 'expression' && kind === 'boolean')
    return 'Found boolean value when expecting Double';
  if (asked === 'filter' && kind === 'number') return 'Found number when expecting Boolean';
  return undefined;
}

export function describeProgramIndicatorText(
  text: string,
  asked: 'expression' | 'filter',
  lookup: Lookup,
  version: PiVersion,
): Description {
  const dialect = piDialect(version);
  try {
    const root = parseExpression(text, dialect);
    const descriptions = new Map<string, string>();
    const visit = (node: Node) => {
      for (const [item, description] of describeItem(node, lookup, dialect.items))
        descriptions.set(item, description);
      children(node).forEach(visit);
    };
    visit(root);
    const refusal = castRefusal(kindOf(root, lookup), asked);
    if (refusal) return { ok: false, message: refusal };
    let description = text;
    for (const [item, said] of descriptions) description = description.replaceAll(item, said);
    return { ok: true, description };
  } catch (error) {
    if (error instanceof Dhis2ParseError) return { ok: false, message: error.message };
    throw error;
  }
}
