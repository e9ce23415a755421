import type { Finding } from './finding.ts';
import type { ProgramIndicatorMetadata } from './mapping.ts';
import type { SourceMetadata } from './source-metadata.ts';

/** A reference in a program indicator's expression or filter, as DHIS2's grammar writes them. */
type Reference =
  | { readonly kind: 'data-element'; readonly stage: string; readonly dataElement: string }
  | { readonly kind: 'stage'; readonly stage: string }
  | { readonly kind: 'attribute'; readonly attribute: string };

const UID = '[A-Za-z][A-Za-z0-9]{10}';
const PATTERNS: readonly [RegExp, (match: RegExpExecArray) => Reference][] = [
  [
    new RegExp(`#\\{(${UID})\\.(${UID})\\}`, 'g'),
    (m) => ({ kind: 'data-element', stage: m[1]!, dataElement: m[2]! }),
  ],
  [new RegExp(`#\\{(${UID})\\}`, 'g'), (m) => ({ kind: 'stage', stage: m[1]! })],
  [new RegExp(`PS_EVENTDATE:\\s*(${UID})`, 'g'), (m) => ({ kind: 'stage', stage: m[1]! })],
  [new RegExp(`A\\{(${UID})\\}`, 'g'), (m) => ({ kind: 'attribute', attribute: m[1]! })],
];

export function referencesOf(text: string | undefined): Reference[] {
  const found = new Map<string, Reference>();
  for (const [pattern, read] of PATTERNS) {
    for (const match of (text ?? '').matchAll(pattern)) {
      const reference = read(match as RegExpExecArray);
      found.set(JSON.stringify(reference), reference);
    }
  }
  return [...found.values()];
}

function problemOf(
  reference: Reference,
  program: string,
  source: SourceMetadata,
): string | undefined {
  if (reference.kind === 'attribute') {
    return source.programs.get(program)?.attributes.has(reference.attribute)
      ? undefined
      : `A{${reference.attribute}}: the attribute is not one of the programme's`;
  }
  const stage = source.stages.get(reference.stage);
  if (!stage) return `#{${reference.stage}…}: no such program stage`;
  if (stage.program !== program) return `#{${reference.stage}…}: a stage of another programme`;
  if (reference.kind === 'data-element' && !stage.dataElements.has(reference.dataElement))
    return `#{${reference.stage}.${reference.dataElement}}: the data element is not in that stage`;
  return undefined;
}

/**
 * References of an indicator's expression and filter that point at nothing in its programme: analytics
 * then exports nothing for it, or fails (`ProgramIndicatorService` validates them only when saved in the
 * Maintenance app). An indicator whose programme is not in the metadata given is not checked.
 */
export function brokenReferences(
  indicator: ProgramIndicatorMetadata,
  source: SourceMetadata,
): Finding[] {
  const program = indicator.program?.id;
  if (!program || !source.programs.has(program)) return [];
  const problems = [
    ...referencesOf(indicator.expression).map((r) => problemOf(r, program, source)),
    ...referencesOf(indicator.filter).map((r) => problemOf(r, program, source)),
  ].filter((problem): problem is string => problem !== undefined);
  return [...new Set(problems)].map((problem) => ({
    kind: 'broken-reference',
    severity: 'error',
    programIndicator: { id: indicator.id, name: indicator.name },
    message: `Program indicator "${indicator.name}" refers to something its programme does not have: ${problem}.`,
    fix: 'Correct the expression or filter in the Maintenance app (or import the missing stage or attribute); until then analytics exports nothing for it.',
  }));
}
