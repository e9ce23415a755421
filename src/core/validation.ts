import { INTEGER_TYPES, NUMERIC_TYPES } from './data-value.ts';
import type { Finding, Severity } from './finding.ts';
import { type IndicatorMapping, mappingKey, resolveMappings } from './mapping.ts';
import type { IndicatorForValidation, TargetMetadata } from './mapping-metadata.ts';
import { periodTypeOfItem } from './periods.ts';
import { brokenReferences } from './references.ts';
import { closest } from './similar.ts';
import { EMPTY_SOURCE, type SourceMetadata } from './source-metadata.ts';

export type { Finding, Severity };

export interface ValidationOptions {
  readonly mappingAttribute: string;
  /** The job's period type; data elements must be in a data set of that type. */
  readonly periodType?: string | undefined;
  /**
   * In a job every indicator should be mapped; in a package, those its aggregate data exchanges export
   * (the others may be there for dashboards).
   */
  readonly requireMapping?: boolean;
  /** The source's programmes and exchanges, for reference and period checks. */
  readonly source?: SourceMetadata | undefined;
  /**
   * Mappings the indicators do not carry in the attribute: 2.42 disaggregated indicators' cells
   * (core/disaggregation.ts), checked like the others and counted in duplicates and gaps.
   */
  readonly extraMappings?: readonly IndicatorMapping[] | undefined;
}

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

/**
 * The period types each indicator is exported in by the package's exchanges: one per source request
 * whose periods agree on one (each request has its own periods, so a monthly and a yearly request of
 * one exchange are two checks, not one merged away).
 */
function exchangePeriodTypes(source: SourceMetadata): Map<string, Set<string>> {
  const byIndicator = new Map<string, Set<string>>();
  for (const exchange of source.exchanges)
    for (const request of exchange.requests) {
      const types = new Set(request.periods.map(periodTypeOfItem));
      const [type] = types;
      if (types.size !== 1 || !type) continue;
      for (const item of request.items)
        byIndicator.set(item, new Set([...(byIndicator.get(item) ?? []), type]));
    }
  return byIndicator;
}

function unmappedFindings(
  unmapped: readonly { programIndicator: string; name: string }[],
  options: ValidationOptions,
  source: SourceMetadata,
): Finding[] {
  const exported = (id: string) => source.exchanges.find((exchange) => exchange.items.includes(id));
  return unmapped.flatMap((indicator) => {
    const exchange = exported(indicator.programIndicator);
    if (!options.requireMapping && !exchange) return [];
    return [
      {
        kind: 'unmapped-indicator',
        severity: 'error' as const,
        programIndicator: { id: indicator.programIndicator, name: indicator.name },
        message: `Program indicator "${indicator.name}" has no data element code in attribute ${options.mappingAttribute}${exchange ? `, yet the aggregate data exchange "${exchange.name}" exports it` : ''}.`,
        fix: 'Fill the attribute with the target data element’s code (t2a mapping apply), or take the indicator out of the job.',
      },
    ];
  });
}

/**
 * Checks the mapping of program indicators onto the target's data elements and combos, and the
 * indicators' references into their programmes. Every finding of an indicator is reported, so fixing
 * one does not reveal the next a day later.
 */
export function validateMapping(
  indicators: readonly IndicatorForValidation[],
  target: TargetMetadata,
  options: ValidationOptions,
): Finding[] {
  const source = options.source ?? EMPTY_SOURCE;
  const resolved = resolveMappings(indicators, options.mappingAttribute);
  const mapped = [...resolved.mapped, ...(options.extraMappings ?? [])];
  const unmapped = resolved.unmapped;
  const findings: Finding[] = unmappedFindings(unmapped, options, source);
  const idx = index(target);
  const byId = new Map(indicators.map((indicator) => [indicator.id, indicator]));
  const periodTypes = exchangePeriodTypes(source);
  for (const mapping of mapped) {
    const types = options.periodType
      ? [options.periodType]
      : [...(periodTypes.get(mapping.programIndicator) ?? [])];
    const checks = types.length > 0 ? types : [undefined];
    const indicator = byId.get(mapping.programIndicator)!;
    // Every period type the indicator goes out in; what does not depend on it is said once.
    const all = checks.flatMap((type) => checkOne(mapping, indicator, idx, type));
    findings.push(...all.filter((f, i) => all.findIndex((g) => g.message === f.message) === i));
  }
  for (const indicator of indicators) findings.push(...brokenReferences(indicator, source));
  findings.push(...duplicates(mapped), ...gaps(mapped, idx));
  return findings;
}

function checkOne(
  mapping: IndicatorMapping,
  indicator: IndicatorForValidation,
  idx: Indexes,
  periodType: string | undefined,
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
      ...combosExist(mapping, idx),
    ];
  }
  const dataSets = idx.dataSetsOf.get(element.id) ?? [];
  return [
    ...checkCombo(mapping, element, idx),
    ...checkAttributeCombo(mapping, dataSets, idx),
    ...checkDataSets(mapping, element, dataSets, periodType),
    ...checkValueType(mapping, indicator, element),
  ];
}

/** Behind an unknown data element the combo codes can still be checked: do they exist at all? */
function combosExist(mapping: IndicatorMapping, idx: Indexes): Finding[] {
  const findings: Finding[] = [];
  const base = { programIndicator: who(mapping), dataElement: mapping.dataElement };
  const coc = mapping.categoryOptionCombo;
  if (coc !== undefined && !idx.combosByCode.has(coc)) {
    findings.push({
      ...base,
      categoryOptionCombo: coc,
      kind: 'unknown-category-option-combo',
      severity: 'error',
      message: `Category option combo code "${coc}" (indicator "${mapping.name}") does not exist in the target either.`,
      fix: 'Correct aggregateExportCategoryOptionCombo on the indicator, or give the target combo this code.',
      suggestions: closest(coc, [...idx.combosByCode.keys()]),
    });
  }
  const aoc = mapping.attributeOptionCombo;
  if (aoc !== undefined && !idx.combosByCode.has(aoc)) {
    findings.push({
      ...base,
      attributeOptionCombo: aoc,
      kind: 'unknown-attribute-option-combo',
      severity: 'error',
      message: `Attribute option combo code "${aoc}" (indicator "${mapping.name}") does not exist in the target.`,
      fix: 'Correct aggregateExportAttributeOptionCombo, or leave it empty for the default.',
      suggestions: closest(aoc, [...idx.combosByCode.keys()]),
    });
  }
  return findings;
}

/**
 * A data element must be in a data set (the 2.43 engine refuses others, E8020, and t2a reads what the
 * target holds by data set), and in one of the period type the values come in (E8021).
 */
function checkDataSets(
  mapping: IndicatorMapping,
  element: TargetMetadata['dataElements'][number],
  dataSets: TargetMetadata['dataSets'],
  periodType: string | undefined,
): Finding[] {
  const base = { programIndicator: who(mapping), dataElement: mapping.dataElement };
  if (dataSets.length === 0) {
    return [
      {
        ...base,
        kind: 'no-data-set',
        severity: 'error',
        message: `Data element "${element.name}" is in no data set of the target.`,
        fix: 'Add it to the data set it is reported in: DHIS2 2.43 refuses values of data elements without one, and t2a reads what the target holds by data set.',
      },
    ];
  }
  if (!periodType || dataSets.some((ds) => ds.periodType === periodType)) return [];
  return [
    {
      ...base,
      kind: 'period-type',
      severity: 'error',
      message: `Data element "${element.name}" is reported in ${dataSets.map((ds) => `${ds.name} (${ds.periodType})`).join(', ')}, not in a ${periodType} data set.`,
      fix: `Set the job’s periodType to ${dataSets[0]!.periodType}, or add the data element to a ${periodType} data set.`,
    },
  ];
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
