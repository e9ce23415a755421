import type { Finding } from './finding.ts';
import { fitCode, fitWithin, generatedCodePrefix, LIMITS, stableUid } from './generated-names.ts';
import type { IndicatorForValidation } from './mapping-metadata.ts';
import type {
  CategoryMappingSpec,
  FamilySpec,
  GroupSpec,
  IndicatorBase,
  MappingSpec,
  NamedOption,
  PeriodBoundary,
  TargetElementCombo,
} from './mapping-spec.ts';
import { closest } from './similar.ts';

/*
 * `t2a mapping generate`, per-combo form (every DHIS2 version): one program indicator per combination of
 * a family's options, its filter the base filter AND the options' filters, its data element code in the
 * mapping attribute and its target combo's code in `aggregateExportCategoryOptionCombo`, as DHIS2's
 * implementation guide sets the mapping up. Pure: the bases and the target's combos are read before.
 */

export interface ChosenOption {
  readonly mapping: CategoryMappingSpec;
  readonly code: string;
  readonly filter: string;
  /** The target option's name, or its code where the target has none by that code. */
  readonly name: string;
}

export interface Combination {
  readonly options: readonly ChosenOption[];
  /** The target's option combo of these options, where it has one. */
  readonly combo: NamedOption | undefined;
}

export interface GeneratedIndicator {
  readonly id: string;
  readonly family: string;
  readonly name: string;
  readonly shortName: string;
  readonly code: string;
  readonly description: string;
  readonly program: string;
  readonly analyticsType: string;
  readonly aggregationType: string;
  readonly expression: string;
  readonly filter: string | undefined;
  readonly decimals: number | undefined;
  readonly boundaries: readonly (PeriodBoundary & { readonly id: string })[];
  /** The target data element's code (the mapping attribute's value). */
  readonly dataElement: string;
  /** The target combo's code (`aggregateExportCategoryOptionCombo`); undefined where none was found. */
  readonly categoryOptionCombo: string | undefined;
  readonly group: GroupSpec;
  /** The option codes of its combination, in the family's category order. */
  readonly options: readonly string[];
}

export interface Generation {
  readonly indicators: readonly GeneratedIndicator[];
  readonly findings: readonly Finding[];
}

const finding = (kind: string, message: string, fix: string, extra: Partial<Finding> = {}) =>
  ({ kind, severity: 'error', message, fix, ...extra }) as Finding;

/** `(base) && (option) && (option)`: each part in parentheses, so no operator of one binds into another. */
export function combinedFilter(base: string | undefined, parts: readonly string[]): string {
  return [base, ...parts]
    .filter((part): part is string => part !== undefined && part.trim() !== '')
    .map((part) => `(${part.trim()})`)
    .join(' && ');
}

/** Every combination of the options, the first category varying slowest. */
function product<T>(lists: readonly (readonly T[])[]): T[][] {
  return lists.reduce<T[][]>(
    (combinations, list) => combinations.flatMap((done) => list.map((item) => [...done, item])),
    [[]],
  );
}

type TargetCategory = TargetElementCombo['categoryCombo']['categories'][number];

/** The family's categories in the target's combo: each must be one of it, and all of it be mapped. */
function matchCategories(
  family: FamilySpec,
  mappings: readonly CategoryMappingSpec[],
  target: TargetElementCombo,
): { matched: Map<string, TargetCategory>; findings: Finding[] } {
  const combo = target.categoryCombo;
  const codes = combo.categories.map((category) => category.code ?? category.name);
  const matched = new Map<string, TargetCategory>();
  const findings: Finding[] = [];
  for (const mapping of mappings) {
    const category = combo.categories.find((candidate) => candidate.code === mapping.category);
    if (category) matched.set(mapping.key, category);
    else
      findings.push(
        finding(
          'generate-unknown-category',
          `Family "${family.key}": the category combo "${combo.name}" of ${target.code} in the target has no category with code "${mapping.category}" (it has ${codes.join(', ')}).`,
          'Name the target’s category by its code in the mapping file (category:), or give the category that code in the target.',
          { dataElement: target.code, suggestions: closest(mapping.category, codes) },
        ),
      );
  }
  const mapped = new Set([...matched.values()].map((category) => category.id));
  for (const category of combo.categories.filter((candidate) => !mapped.has(candidate.id)))
    findings.push(
      finding(
        'generate-unmapped-category',
        `Family "${family.key}": ${target.code} is split by "${category.name}" (${category.code ?? 'no code'}) in the target, and the family maps no filter to it: its combos cannot be told apart.`,
        'Add a category mapping for it to the mapping file and list it under the family’s categories.',
        { dataElement: target.code },
      ),
    );
  return { matched, findings };
}

/** Options of the file that the target's category lacks (an error), and target options left out (a warning). */
function matchOptions(
  family: FamilySpec,
  mapping: CategoryMappingSpec,
  category: TargetCategory,
  target: TargetElementCombo,
): Finding[] {
  const codes = category.options.flatMap((option) => (option.code ? [option.code] : []));
  const findings: Finding[] = mapping.options
    .filter((option) => !codes.includes(option.code))
    .map((option) =>
      finding(
        'generate-unknown-option',
        `Family "${family.key}": the target's category "${category.name}" has no option with code "${option.code}" (mapping "${mapping.key}").`,
        'Use the code of the target’s category option, or give the option that code in the target.',
        { dataElement: target.code, suggestions: closest(option.code, codes) },
      ),
    );
  const given = new Set(mapping.options.map((option) => option.code));
  const left = category.options.filter((option) => !option.code || !given.has(option.code));
  if (left.length > 0)
    findings.push({
      kind: 'generate-option-not-mapped',
      severity: 'warning',
      dataElement: target.code,
      message: `Family "${family.key}": no filter selects ${left.map((option) => `"${option.name}" (${option.code ?? 'no code'})`).join(', ')} of "${category.name}"; the combos with ${left.length === 1 ? 'it' : 'them'} stay empty in the target.`,
      fix: 'Add a filter for each option to the mapping, or accept that those combos are not filled from the tracker.',
    });
  return findings;
}

/** The target combo of a combination: the one whose options are exactly the chosen options. */
function comboOf(
  chosen: readonly ChosenOption[],
  matched: ReadonlyMap<string, TargetCategory>,
  target: TargetElementCombo,
): NamedOption | undefined {
  const ids = chosen.map(
    (option) =>
      matched.get(option.mapping.key)?.options.find((candidate) => candidate.code === option.code)
        ?.id,
  );
  if (ids.some((id) => id === undefined)) return undefined;
  const wanted = [...ids].sort().join('|');
  return target.categoryCombo.optionCombos.find(
    (coc) => [...coc.options].sort().join('|') === wanted,
  );
}

function comboFindings(
  family: FamilySpec,
  combination: Combination,
  target: TargetElementCombo,
): Finding[] {
  const which = combination.options.map((option) => option.code).join(' + ');
  if (!combination.combo)
    return [
      finding(
        'generate-no-combo',
        `Family "${family.key}": the target has no category option combo of "${target.categoryCombo.name}" for ${which}.`,
        'Create the missing option combos in the target (Data administration → Maintenance → Update category option combos), then generate again.',
        { dataElement: target.code },
      ),
    ];
  if (!combination.combo.code)
    return [
      finding(
        'generate-combo-without-code',
        `Family "${family.key}": the target's option combo "${combination.combo.name}" (${combination.combo.id}) for ${which} has no code, and the indicators name combos by code.`,
        `Give the option combo ${combination.combo.id} a code in the target (Maintenance app), then generate again.`,
        { dataElement: target.code },
      ),
    ];
  return [];
}

/** A family's combinations, each with its target combo, and what stops them from mapping. */
export function familyCombinations(
  family: FamilySpec,
  spec: MappingSpec,
  target: TargetElementCombo | undefined,
): { combinations: Combination[]; findings: Finding[] } {
  const mappings = family.categories.flatMap((key) => spec.categoryMappings.get(key) ?? []);
  if (!target) {
    // The data element's absence is validation's finding (unknown-data-element): name by code.
    const lists = mappings.map((mapping) =>
      mapping.options.map((option) => ({ mapping, ...option, name: option.code })),
    );
    return {
      combinations: product(lists).map((options) => ({ options, combo: undefined })),
      findings: [],
    };
  }
  const { matched, findings } = matchCategories(family, mappings, target);
  for (const mapping of mappings) {
    const category = matched.get(mapping.key);
    if (category) findings.push(...matchOptions(family, mapping, category, target));
  }
  const lists = mappings.map((mapping) =>
    mapping.options.map((option) => ({
      mapping,
      ...option,
      name:
        matched.get(mapping.key)?.options.find((candidate) => candidate.code === option.code)
          ?.name ?? option.code,
    })),
  );
  const combinations = product(lists).map((options) => ({
    options,
    combo: comboOf(options, matched, target),
  }));
  if (findings.length === 0)
    for (const combination of combinations)
      findings.push(...comboFindings(family, combination, target));
  return { combinations, findings };
}

/** The indicator of one combination of a family. */
export function generatedIndicator(
  spec: MappingSpec,
  family: FamilySpec,
  base: IndicatorBase,
  combination: Combination,
): GeneratedIndicator {
  const codes = combination.options.map((option) => option.code);
  // By category and option code, in no order: listing a family's categories otherwise keeps its UIDs.
  const identity = combination.options
    .map((option) => `${option.mapping.category}=${option.code}`)
    .sort();
  const id = stableUid(spec.key, family.key, ...identity);
  return {
    id,
    family: family.key,
    name: fitWithin(
      family.name,
      combination.options.map((option) => option.name).join(', '),
      LIMITS.name,
      ', ',
    ),
    shortName: fitWithin(family.shortName ?? family.name, codes.join(' '), LIMITS.shortName),
    code: fitCode(`${generatedCodePrefix(spec.key)}${family.key}_${codes.join('_')}`),
    description: `Made by t2a mapping generate (file ${spec.key}, family ${family.key}: ${codes.join(', ')}). Change the mapping file, not this indicator: the next run puts it back.`,
    program: base.program,
    analyticsType: base.analyticsType,
    aggregationType: base.aggregationType,
    expression: base.expression,
    filter: combinedFilter(
      base.filter,
      combination.options.map((option) => option.filter),
    ),
    decimals: base.decimals,
    boundaries: base.boundaries.map((boundary, index) => ({
      ...boundary,
      id: stableUid(spec.key, family.key, ...identity, `boundary ${index}`),
    })),
    dataElement: family.dataElement,
    categoryOptionCombo: combination.combo?.code,
    group: family.group,
    options: codes,
  };
}

/** Names, short names, codes and UIDs must each be unique (DHIS2's columns are). */
export function duplicateNames(indicators: readonly GeneratedIndicator[]): Finding[] {
  const findings: Finding[] = [];
  for (const field of ['id', 'name', 'shortName', 'code'] as const) {
    const seen = new Map<string, GeneratedIndicator[]>();
    for (const indicator of indicators)
      seen.set(indicator[field], [...(seen.get(indicator[field]) ?? []), indicator]);
    for (const [value, same] of seen)
      if (same.length > 1)
        findings.push(
          finding(
            'generate-duplicate',
            `${same.length} generated indicators would have the ${field} "${value}": ${same.map((indicator) => `${indicator.family} ${indicator.options.join('+')}`).join(', ')}.`,
            field === 'shortName'
              ? 'Give the families shorter or distinct shortName values in the mapping file (a short name has at most 50 characters).'
              : 'Give the families distinct names and keys in the mapping file.',
          ),
        );
  }
  return findings;
}

/**
 * Every indicator of the file, and what keeps it from mapping onto the target. Families without a base
 * (one named by a UID the source lacks) are left out: that is the caller's finding.
 */
export function generateIndicators(
  spec: MappingSpec,
  bases: ReadonlyMap<string, IndicatorBase>,
  targets: ReadonlyMap<string, TargetElementCombo>,
): Generation {
  const indicators: GeneratedIndicator[] = [];
  const findings: Finding[] = [];
  for (const family of spec.families) {
    const base = bases.get(family.key);
    if (!base) continue;
    const found = familyCombinations(family, spec, targets.get(family.dataElement));
    findings.push(...found.findings);
    for (const combination of found.combinations)
      indicators.push(generatedIndicator(spec, family, base, combination));
  }
  return { indicators, findings: [...findings, ...duplicateNames(indicators)] };
}

/** A generated indicator as validation reads an indicator of the source (core/validation.ts). */
export function forValidation(
  indicator: GeneratedIndicator,
  mappingAttribute: string,
): IndicatorForValidation {
  return {
    id: indicator.id,
    name: indicator.name,
    code: indicator.code,
    decimals: indicator.decimals,
    aggregateExportCategoryOptionCombo: indicator.categoryOptionCombo,
    attributeValues: [{ attribute: { id: mappingAttribute }, value: indicator.dataElement }],
    aggregationType: indicator.aggregationType,
    analyticsType: indicator.analyticsType,
    program: { id: indicator.program },
    expression: indicator.expression,
    filter: indicator.filter,
  };
}
