import { INTEGER_TYPES, NUMERIC_TYPES } from './data-value.ts';
import { type IndicatorMapping, mappingKey, resolveMappings } from './mapping.ts';
import type { IndicatorForValidation, TargetMetadata } from './mapping-metadata.ts';
import { closest } from './similar.ts';

export type Severity = 'error' | 'warning' | 'info';

/** One thing wrong (or worth knowing) about the mapping, with the fix in words. */
export interface Finding {
  readonly kind: string;
  readonly severity: Severity;
  readonly programIndicator?: { readonly id: string; readonly name: string } | undefined;
  readonly dataElement?: string | undefined;
  readonly categoryOptionCombo?: string | undefined;
  readonly attributeOptionCombo?: string | undefined;
  readonly message: string;
  readonly fix: string;
  /** For an unknown code: the closest existing codes. */
  readonly suggestions?: readonly string[] | undefined;
}

export interface ValidationOptions {
  readonly mappingAttribute: string;
  /** The job's period type; data elements must be in a data set of that type. */
  readonly periodType?: string | undefined;
  /** In a job every indicator should be mapped; offline only mapped ones are checked. */
  readonly requireMapping?: boolean;
}

/** Program indicator aggregation types that add up across org units and periods as SUM does. */
const SUMMING = new Set(['SUM', 'COUNT']);

interface Indexes {
  readonly elements: Map<string, TargetMetadata['dataElements'][number]>;
  readonly combosByCode: Map<string, TargetMetadata['categoryOptionCombos'][number][]>;
  readonly combosOf: Map<string, TargetMetadata['categoryOptionCombos'][number][]>;
  readonly dataSetsOf: Map<string, TargetMetadata['dataSets'][number][]>;
}

function index(target: TargetMetadata): Indexes {
  const elements = new Map(target.dataElements.filter((de) => de.code).map((de) => [de.code!, de]));
  const combosByCode = new Map<string, TargetMetadata['categoryOptionCombos'][number][]>();
  const combosOf = new Map<string, TargetMetadata['categoryOptionCombos'][number][]>();
  for (const coc of target.categoryOptionCombos) {
    if (coc.code) combosByCode.set(coc.code, [...(combosByCode.get(coc.code) ?? []), coc]);
    combosOf.set(coc.categoryCombo, [...(combosOf.get(coc.categoryCombo) ?? []), coc]);
  }
  const dataSetsOf = new Map<string, TargetMetadata['dataSets'][number][]>();
  for (const ds of target.dataSets)
    for (const de of ds.dataElements) dataSetsOf.set(de, [...(dataSetsOf.get(de) ?? []), ds]);
  return { elements, combosByCode, combosOf, dataSetsOf };
}

const who = (mapping: IndicatorMapping) => ({ id: mapping.programIndicator, name: mapping.name });

/** Checks the mapping of program indicators onto the target's data elements and combos. */
export function validateMapping(
  indicators: readonly IndicatorForValidation[],
  target: TargetMetadata,
  options: ValidationOptions,
): Finding[] {
  const findings: Finding[] = [];
  const { mapped, unmapped } = resolveMappings(indicators, options.mappingAttribute);
  if (options.requireMapping) {
    for (const indicator of unmapped) {
      findings.push({
        kind: 'unmapped-indicator',
        severity: 'error',
        programIndicator: { id: indicator.programIndicator, name: indicator.name },
        message: `Program indicator "${indicator.name}" has no data element code in attribute ${options.mappingAttribute}.`,
        fix: 'Fill the attribute with the target data element’s code (t2a mapping apply), or take the indicator out of the job.',
      });
    }
  }
  const idx = index(target);
  const byId = new Map(indicators.map((indicator) => [indicator.id, indicator]));
  for (const mapping of mapped)
    findings.push(...checkOne(mapping, byId.get(mapping.programIndicator)!, idx, options));
  findings.push(...duplicates(mapped), ...gaps(mapped, idx));
  return findings;
}

function checkOne(
  mapping: IndicatorMapping,
  indicator: IndicatorForValidation,
  idx: Indexes,
  options: ValidationOptions,
): Finding[] {
  const element = idx.elements.get(mapping.dataElement);
  const base = { programIndicator: who(mapping), dataElement: mapping.dataElement };
  if (!element) {
    return [
      {
        ...base,
        kind: 'unknown-data-element',
        severity: 'error',
        message: `Data element code "${mapping.dataElement}" (indicator "${mapping.name}") does not exist in the target.`,
        fix: 'Correct the code in the indicator’s mapping attribute, or give the target data element this code.',
        suggestions: closest(mapping.dataElement, candidateElements(mapping, idx)),
      },
    ];
  }
  const findings: Finding[] = [];
  findings.push(...checkCombo(mapping, element, idx));
  const dataSets = idx.dataSetsOf.get(element.id) ?? [];
  findings.push(...checkAttributeCombo(mapping, dataSets, idx));
  if (dataSets.length === 0) {
    findings.push({
      ...base,
      kind: 'no-data-set',
      severity: 'warning',
      message: `Data element "${element.name}" is in no data set of the target.`,
      fix: 'Add it to the data set it is reported in: DHIS2 2.43 refuses values of data elements without one, and completeness needs it.',
    });
  } else if (options.periodType && !dataSets.some((ds) => ds.periodType === options.periodType)) {
    findings.push({
      ...base,
      kind: 'period-type',
      severity: 'error',
      message: `Data element "${element.name}" is reported in ${dataSets.map((ds) => `${ds.name} (${ds.periodType})`).join(', ')}, not in a ${options.periodType} data set.`,
      fix: `Set the job’s periodType to ${dataSets[0]!.periodType}, or add the data element to a ${options.periodType} data set.`,
    });
  }
  findings.push(...checkValueType(mapping, indicator, element));
  return findings;
}

/** Data elements a mistyped code may have meant: those whose combos include the indicator's combo code, if any. */
function candidateElements(mapping: IndicatorMapping, idx: Indexes): string[] {
  const all = [...idx.elements.keys()];
  const combo = mapping.categoryOptionCombo;
  if (combo === undefined) return all;
  const fitting = all.filter((code) =>
    (idx.combosOf.get(idx.elements.get(code)!.categoryCombo) ?? []).some(
      (coc) => coc.code === combo,
    ),
  );
  return fitting.length > 0 ? fitting : all;
}

function checkCombo(
  mapping: IndicatorMapping,
  element: TargetMetadata['dataElements'][number],
  idx: Indexes,
): Finding[] {
  const base = {
    programIndicator: who(mapping),
    dataElement: mapping.dataElement,
    categoryOptionCombo: mapping.categoryOptionCombo,
  };
  const own = idx.combosOf.get(element.categoryCombo) ?? [];
  const code = mapping.categoryOptionCombo;
  if (code === undefined) {
    if (own.length > 1) {
      return [
        {
          ...base,
          kind: 'missing-category-option-combo',
          severity: 'error',
          message: `Indicator "${mapping.name}" has no category option combo, but "${element.name}" is disaggregated (${own.length} combos).`,
          fix: 'Set aggregateExportCategoryOptionCombo to one of the data element’s combo codes.',
          suggestions: own.flatMap((coc) => (coc.code ? [coc.code] : [])).slice(0, 5),
        },
      ];
    }
    return [];
  }
  if (own.some((coc) => coc.code === code)) return [];
  const elsewhere = idx.combosByCode.get(code);
  if (elsewhere) {
    return [
      {
        ...base,
        kind: 'category-option-combo-not-in-combo',
        severity: 'error',
        message: `Category option combo "${code}" exists, but not in the category combo of "${element.name}".`,
        fix: 'Use a combo code of the data element’s own category combo.',
        suggestions: closest(
          code,
          own.flatMap((coc) => (coc.code ? [coc.code] : [])),
        ),
      },
    ];
  }
  const uncoded = own.filter((coc) => !coc.code);
  return [
    {
      ...base,
      kind: 'unknown-category-option-combo',
      severity: 'error',
      message: `Category option combo code "${code}" does not exist in the target${uncoded.length ? ` (${uncoded.length} combos of "${element.name}" have no code at all)` : ''}.`,
      fix: uncoded.length
        ? 'Give the data element’s category option combos codes in the target, matching the indicators.'
        : 'Correct aggregateExportCategoryOptionCombo on the indicator.',
      suggestions: closest(
        code,
        own.flatMap((coc) => (coc.code ? [coc.code] : [])),
      ),
    },
  ];
}

function checkAttributeCombo(
  mapping: IndicatorMapping,
  dataSets: TargetMetadata['dataSets'],
  idx: Indexes,
): Finding[] {
  const code = mapping.attributeOptionCombo;
  if (code === undefined || dataSets.length === 0) return [];
  const allowed = dataSets.flatMap((ds) => idx.combosOf.get(ds.categoryCombo) ?? []);
  if (allowed.some((coc) => coc.code === code)) return [];
  return [
    {
      programIndicator: who(mapping),
      dataElement: mapping.dataElement,
      attributeOptionCombo: code,
      kind: 'unknown-attribute-option-combo',
      severity: 'error',
      message: `Attribute option combo "${code}" is not in the attribute category combo of the data set(s) ${dataSets.map((ds) => ds.name).join(', ')}.`,
      fix: 'Correct aggregateExportAttributeOptionCombo, or leave it empty for the default.',
      suggestions: closest(
        code,
        allowed.flatMap((coc) => (coc.code ? [coc.code] : [])),
      ),
    },
  ];
}

function checkValueType(
  mapping: IndicatorMapping,
  indicator: IndicatorForValidation,
  element: TargetMetadata['dataElements'][number],
): Finding[] {
  const base = { programIndicator: who(mapping), dataElement: mapping.dataElement };
  const findings: Finding[] = [];
  if (!NUMERIC_TYPES.has(element.valueType)) {
    findings.push({
      ...base,
      kind: 'value-type',
      severity: 'warning',
      message: `"${element.name}" stores ${element.valueType}, but a program indicator yields a number.`,
      fix: 'Map the indicator to a numeric data element.',
    });
  } else if (INTEGER_TYPES.has(element.valueType) && indicator.decimals !== 0) {
    findings.push({
      ...base,
      kind: 'decimals',
      severity: 'info',
      message: `Indicator "${mapping.name}" has no decimals: 0, so analytics writes "5.0" for "${element.name}" (${element.valueType}); t2a sends "5".`,
      fix: 'Set decimals to 0 on the indicator to make the export exact.',
    });
  }
  const piSums = SUMMING.has(indicator.aggregationType ?? 'COUNT');
  const deSums = SUMMING.has(element.aggregationType ?? 'SUM');
  if (piSums !== deSums) {
    findings.push({
      ...base,
      kind: 'aggregation',
      severity: 'warning',
      message: `Indicator "${mapping.name}" aggregates by ${indicator.aggregationType ?? 'COUNT'} but "${element.name}" by ${element.aggregationType ?? 'SUM'}: totals above the facility will differ.`,
      fix: 'Align the aggregation types, or accept that higher levels are recomputed by the HMIS.',
    });
  }
  return findings;
}

function duplicates(mapped: readonly IndicatorMapping[]): Finding[] {
  const byKey = new Map<string, IndicatorMapping[]>();
  for (const mapping of mapped)
    byKey.set(mappingKey(mapping), [...(byKey.get(mappingKey(mapping)) ?? []), mapping]);
  return [...byKey.values()]
    .filter((group) => group.length > 1)
    .map((group) => ({
      kind: 'duplicate',
      severity: 'error' as const,
      programIndicator: who(group[0]!),
      dataElement: group[0]!.dataElement,
      categoryOptionCombo: group[0]!.categoryOptionCombo,
      attributeOptionCombo: group[0]!.attributeOptionCombo,
      message: `${group.length} indicators write ${group[0]!.dataElement} / ${group[0]!.categoryOptionCombo ?? 'default'}: ${group.map((m) => `"${m.name}" (${m.programIndicator})`).join(', ')}.`,
      fix: 'Give each indicator its own data element + category option combo; t2a withholds such values.',
    }));
}

function gaps(mapped: readonly IndicatorMapping[], idx: Indexes): Finding[] {
  const filled = new Map<string, Set<string>>();
  for (const mapping of mapped) {
    filled.set(
      mapping.dataElement,
      (filled.get(mapping.dataElement) ?? new Set()).add(mapping.categoryOptionCombo ?? ''),
    );
  }
  const findings: Finding[] = [];
  for (const [code, combos] of filled) {
    const element = idx.elements.get(code);
    if (!element) continue;
    const own = idx.combosOf.get(element.categoryCombo) ?? [];
    if (own.length <= 1) continue;
    const missing = own.filter((coc) => !combos.has(coc.code ?? '\u0000'));
    if (missing.length > 0 && missing.length < own.length) {
      findings.push({
        kind: 'combo-gap',
        severity: 'warning',
        dataElement: code,
        message: `No indicator fills ${missing.map((coc) => coc.code ?? coc.name).join(', ')} of "${element.name}".`,
        fix: 'Map an indicator to each of these combos, or accept that they stay empty in the HMIS.',
      });
    }
  }
  return findings;
}
