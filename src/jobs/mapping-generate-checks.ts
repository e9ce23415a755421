import type { JobConfig } from '../config/schema.ts';
import type { Finding } from '../core/finding.ts';
import type { IndicatorForValidation } from '../core/mapping-metadata.ts';
import type { IndicatorBase, MappingSpec } from '../core/mapping-spec.ts';
import type { SourceMetadata } from '../core/source-metadata.ts';
import { validateMapping } from '../core/validation.ts';
import type { Dhis2Client } from '../dhis2/client.ts';
import { describeExpression } from '../dhis2/expression-description.ts';
import { fetchIndicatorBases } from '../dhis2/generate-metadata.ts';
import {
  fetchProgramIndicators,
  fetchSourcePrograms,
  fetchTargetMapping,
} from '../dhis2/metadata.ts';

/*
 * What `t2a mapping generate` checks before it writes: the bases exist, their programmes too, the
 * source's own parser takes every expression and filter, and the generated indicators pass the checks
 * of `t2a validate` against the target (core/validation.ts), the stages, data elements and attributes
 * they name included (core/references.ts).
 */

const error = (kind: string, message: string, fix: string): Finding => ({
  kind,
  severity: 'error',
  message,
  fix,
});

/** Each family's base: written in the file, or copied from an indicator of the source. */
export async function resolveBases(
  source: Dhis2Client,
  spec: MappingSpec,
): Promise<{ bases: Map<string, IndicatorBase>; findings: Finding[] }> {
  const named = spec.families.flatMap((family) =>
    'programIndicator' in family.base ? [family.base.programIndicator] : [],
  );
  const found = await fetchIndicatorBases(source, named);
  const bases = new Map<string, IndicatorBase>();
  const findings: Finding[] = [];
  for (const family of spec.families) {
    if (!('programIndicator' in family.base)) {
      bases.set(family.key, family.base);
      continue;
    }
    const base = found.get(family.base.programIndicator);
    if (base) bases.set(family.key, base);
    else
      findings.push(
        error(
          'generate-unknown-base',
          `Family "${family.key}": the source has no program indicator ${family.base.programIndicator} to copy.`,
          'Correct the UID under base.programIndicator, or write the base in the file (program, expression, filter…).',
        ),
      );
  }
  return { bases, findings };
}

/** The texts the source's parser must take, each with where the file has it and the data elements it feeds. */
function parsePieces(spec: MappingSpec, bases: ReadonlyMap<string, IndicatorBase>) {
  const pieces = new Map<
    string,
    { kind: 'expression' | 'filter'; text: string; where: string[]; elements: Set<string> }
  >();
  const add = (
    kind: 'expression' | 'filter',
    text: string | undefined,
    where: string,
    elements: readonly string[],
  ) => {
    if (!text?.trim()) return;
    const key = `${kind}\u0000${text}`;
    const piece = pieces.get(key) ?? { kind, text, where: [], elements: new Set<string>() };
    piece.where.push(where);
    for (const element of elements) piece.elements.add(element);
    pieces.set(key, piece);
  };
  for (const family of spec.families) {
    const base = bases.get(family.key);
    add('expression', base?.expression, `family "${family.key}" (expression)`, [
      family.dataElement,
    ]);
    add('filter', base?.filter, `family "${family.key}" (filter)`, [family.dataElement]);
  }
  for (const mapping of spec.categoryMappings.values()) {
    const elements = spec.families
      .filter((family) => family.categories.includes(mapping.key))
      .map((family) => family.dataElement);
    if (elements.length > 0)
      for (const option of mapping.options)
        add('filter', option.filter, `mapping "${mapping.key}", option ${option.code}`, elements);
  }
  return [...pieces.values()];
}

/**
 * The source side: the programmes exist, and its parser (`/api/programIndicators/…/description`) takes
 * each base expression and filter and each option filter alone — `(a) && (b)` parses when each part
 * does, so the parts are asked once each rather than every combination.
 */
export async function sourceFindings(
  source: Dhis2Client,
  spec: MappingSpec,
  bases: ReadonlyMap<string, IndicatorBase>,
): Promise<{ findings: Finding[]; sourceMetadata: SourceMetadata; refused: Set<string> }> {
  const programs = [...new Set([...bases.values()].map((base) => base.program))];
  const sourceMetadata = await fetchSourcePrograms(source, programs);
  const findings: Finding[] = programs
    .filter((program) => !sourceMetadata.programs.has(program))
    .map((program) =>
      error(
        'generate-unknown-program',
        `The source has no programme ${program} (the programme of ${spec.families
          .filter((family) => bases.get(family.key)?.program === program)
          .map((family) => `family "${family.key}"`)
          .join(', ')}).`,
        'Correct base.program in the mapping file (the tracker programme’s UID on the source).',
      ),
    );
  // The data elements whose indicators would not parse: validation leaves them out (said once here).
  const refused = new Set<string>();
  for (const piece of parsePieces(spec, bases)) {
    const check = await describeExpression(source, piece.kind, piece.text);
    if (check.valid) continue;
    for (const element of piece.elements) refused.add(element);
    findings.push(
      error(
        'generate-invalid-expression',
        `${source.name} does not take the ${piece.kind} of ${piece.where.join(', ')}: ${check.description || 'not valid'} (${piece.text.trim()}).`,
        'Correct it in the mapping file; the Maintenance app’s program indicator editor checks expressions the same way.',
      ),
    );
  }
  return { findings, sourceMetadata, refused };
}

const IN_THE_FILE =
  'Correct the expression or filter in the mapping file (each item must be of the base’s programme: its stages, their data elements, its attributes), then generate again.';

/**
 * The generated indicators against the target, as `t2a validate` checks a job: together with the
 * other indicators of the job's group when the file writes into that group (a duplicate across them is
 * an error), reporting only what concerns a generated indicator.
 */
export async function targetFindings(
  target: Dhis2Client,
  source: Dhis2Client,
  job: JobConfig,
  generated: readonly IndicatorForValidation[],
  context: {
    groups: ReadonlySet<string>;
    leaving: ReadonlySet<string>;
    sourceMetadata: SourceMetadata;
  },
): Promise<Finding[]> {
  const ours = new Set(generated.map((indicator) => indicator.id));
  const selection = job.programIndicators;
  const companions =
    'group' in selection && context.groups.has(selection.group)
      ? (await fetchProgramIndicators(source, selection)).filter(
          (indicator) => !ours.has(indicator.id) && !context.leaving.has(indicator.id),
        )
      : [];
  const all = [...companions, ...generated];
  const codeOf = (indicator: IndicatorForValidation) =>
    (indicator.attributeValues ?? [])
      .filter((entry) => entry.attribute.id === job.mappingAttribute)
      .map((entry) => entry.value);
  const combos = all.flatMap((indicator) => indicator.aggregateExportCategoryOptionCombo ?? []);
  const { metadata } = await fetchTargetMapping(target, all.flatMap(codeOf), combos);
  const elements = new Set(generated.flatMap(codeOf));
  return validateMapping(all, metadata, {
    mappingAttribute: job.mappingAttribute,
    periodType: job.periodType,
    requireMapping: true,
    source: context.sourceMetadata,
  })
    .filter((finding) =>
      finding.programIndicator
        ? ours.has(finding.programIndicator.id) ||
          [...ours].some((id) => finding.message.includes(id))
        : finding.dataElement === undefined || elements.has(finding.dataElement),
    )
    .map((finding) =>
      finding.kind === 'broken-reference' ? { ...finding, fix: IN_THE_FILE } : finding,
    );
}

/** The checks against every target of the job; with several, each finding names its target. */
export async function everyTargetFindings(
  targets: readonly Dhis2Client[],
  ...rest: Parameters<typeof targetFindings> extends [unknown, ...infer R] ? R : never
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const target of targets)
    for (const finding of await targetFindings(target, ...rest))
      findings.push(
        targets.length > 1
          ? { ...finding, message: `${target.name}: ${finding.message}` }
          : finding,
      );
  return findings;
}
