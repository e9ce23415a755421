import type { Finding } from './finding.ts';
import type { IndicatorMapping } from './mapping.ts';

/*
 * DHIS2 2.42+ program indicator disaggregation, as t2a reads it. One indicator with a category combo
 * (and attribute combo) and the programme's category mappings gives one value per resolved combo:
 * analytics writes `dataElement` = the indicator's `aggregateExportDataElement` verbatim (any identifier)
 * and the combos as the source's UIDs (`AnalyticsUtils.handleGridForDataValueSet`, 2.42.1 l.605–679;
 * `PiDisagDataHandler`). t2a turns each such row into the target's data element and combo codes, and
 * checks before any value moves that every combo the indicator can produce has a home in the target.
 */

export interface CategoryOption {
  readonly id: string;
  readonly code?: string | undefined;
  readonly name: string;
}

export interface SourceCategoryCombo {
  readonly id: string;
  readonly name: string;
  readonly isDefault: boolean;
  readonly categories: readonly {
    readonly id: string;
    readonly name: string;
    readonly options: readonly CategoryOption[];
  }[];
  readonly optionCombos: readonly {
    readonly id: string;
    readonly code?: string | undefined;
    readonly name: string;
    /** Option UIDs. */
    readonly options: readonly string[];
  }[];
}

export interface ProgramCategoryMapping {
  readonly id: string;
  readonly categoryId: string;
  readonly mappingName: string;
  readonly optionMappings: readonly { readonly optionId: string; readonly filter?: string }[];
}

export interface DisaggregatedIndicator {
  readonly id: string;
  readonly name: string;
  readonly aggregateExportDataElement: string;
  readonly categoryCombo: string | undefined;
  readonly attributeCombo: string | undefined;
  readonly categoryMappingIds: readonly string[];
  /** The programme's category mappings. */
  readonly mappings: readonly ProgramCategoryMapping[];
}

/** The target side: its data elements, and each combo with its options (codes and names). */
export interface TargetCombos {
  readonly dataElements: readonly {
    readonly id: string;
    readonly code?: string | undefined;
    readonly name: string;
    readonly categoryCombo: string;
  }[];
  readonly optionCombos: readonly {
    readonly id: string;
    readonly code?: string | undefined;
    readonly name: string;
    readonly categoryCombo: string;
    readonly options: readonly CategoryOption[];
  }[];
  /** The target's default attribute option combo's code ("default" unless renamed). */
  readonly defaultCode: string;
}

/** An exported row's key as analytics writes it, and the mapping it becomes. */
export interface DisaggregatedCell {
  /** `aggregateExportDataElement|coc UID|aoc UID` (empty for a default combo). */
  readonly exportKey: string;
  readonly mapping: IndicatorMapping;
}

export interface Disaggregation {
  readonly cells: readonly DisaggregatedCell[];
  readonly findings: readonly Finding[];
}

export const exportKey = (dataElement: string, coc: string | undefined, aoc: string | undefined) =>
  `${dataElement}|${coc ?? ''}|${aoc ?? ''}`;

/** The target data element an `aggregateExportDataElement` names: by UID, code or name, in that order. */
function targetElement(value: string, target: TargetCombos) {
  return (
    target.dataElements.find((de) => de.id === value) ??
    target.dataElements.find((de) => de.code === value) ??
    target.dataElements.find((de) => de.name === value)
  );
}

/** How an option reads on either side: its code where it has one, else its name. */
const optionKey = (option: CategoryOption) => (option.code ?? option.name).trim().toLowerCase();

/**
 * The target combo a source combo means: the same UID in the data element's combo (one instance, or
 * harmonised metadata), else the same code, else the same options (by code, else name).
 */
function targetCombo(
  source: SourceCategoryCombo['optionCombos'][number],
  options: ReadonlyMap<string, CategoryOption>,
  candidates: TargetCombos['optionCombos'],
) {
  const byId = candidates.find((coc) => coc.id === source.id);
  if (byId) return byId;
  if (source.code) {
    const byCode = candidates.find((coc) => coc.code === source.code);
    if (byCode) return byCode;
  }
  const wanted = source.options
    .map((id) => options.get(id))
    .map((option) => (option ? optionKey(option) : '?'))
    .sort()
    .join('|');
  return candidates.find(
    (coc) => coc.options.map(optionKey).sort().join('|') === wanted && coc.options.length > 0,
  );
}

const finding = (
  indicator: DisaggregatedIndicator,
  kind: string,
  message: string,
  fix: string,
): Finding => ({
  kind,
  severity: 'error',
  programIndicator: { id: indicator.id, name: indicator.name },
  message,
  fix,
});

/**
 * What a combo of the indicator can produce, checked: each non-default category needs one of the
 * indicator's mappings (else DHIS2 refuses the query, E4074), and every option of it a filter (else its
 * values are dropped without a word: `PiDisagDataHandler` drops a row no option matched).
 */
function mappingFindings(
  indicator: DisaggregatedIndicator,
  combo: SourceCategoryCombo,
  role: 'disaggregation' | 'attribute',
): Finding[] {
  if (combo.isDefault) return [];
  const referenced = indicator.mappings.filter((m) => indicator.categoryMappingIds.includes(m.id));
  return combo.categories.flatMap((category) => {
    const mapping = referenced.find((m) => m.categoryId === category.id);
    if (!mapping)
      return [
        finding(
          indicator,
          'missing-category-mapping',
          `Program indicator "${indicator.name}" has the ${role} category "${category.name}" (${category.id}) but none of its category mappings is for it: DHIS2 refuses every request for it (E4074).`,
          `In the program's category mappings (Maintenance → Program → Category mappings), add one for "${category.name}" and select it on the indicator.`,
        ),
      ];
    const unmapped = category.options.filter(
      (option) => !mapping.optionMappings.some((o) => o.optionId === option.id && o.filter?.trim()),
    );
    if (unmapped.length === 0) return [];
    return [
      finding(
        indicator,
        'option-without-filter',
        `The mapping "${mapping.mappingName}" of "${category.name}" has no filter for ${unmapped.map((o) => `"${o.name}"`).join(', ')}: DHIS2 drops the values of those options without a word.`,
        `Give each option a filter in the mapping "${mapping.mappingName}" (Maintenance → Program → Category mappings).`,
      ),
    ];
  });
}

type OptionCombo = SourceCategoryCombo['optionCombos'][number];

/** What the target makes of a source combo: its code there, or the finding why there is none. */
function comboCode(
  indicator: DisaggregatedIndicator,
  source: OptionCombo,
  found: TargetCombos['optionCombos'][number] | undefined,
  where: string,
): string | Finding {
  if (!found)
    return finding(
      indicator,
      'combo-not-in-target',
      `"${indicator.name}" can give values for "${source.name}", which has no counterpart in ${where} in the target (matched by UID, code, then options).`,
      'Give the target the combo with these options (the data element’s category combo, or the data set’s attribute combo), or align the options’ codes on both sides.',
    );
  if (!found.code)
    return finding(
      indicator,
      'combo-without-code',
      `The target combo "${found.name}" (${found.id}) has no code, and t2a imports combos by code.`,
      'Give the category option combo a code in the target (Maintenance → Category option combination).',
    );
  return found.code;
}

/** The target codes of each combo of a source category combo (one `undefined` for the default). */
function comboCodes(
  indicator: DisaggregatedIndicator,
  combo: SourceCategoryCombo | undefined,
  candidates: TargetCombos['optionCombos'],
  options: ReadonlyMap<string, CategoryOption>,
  where: string,
  findings: Finding[],
): { source: OptionCombo | undefined; code: string | undefined }[] {
  if (!combo || combo.isDefault) return [{ source: undefined, code: undefined }];
  return combo.optionCombos.flatMap((source) => {
    const code = comboCode(indicator, source, targetCombo(source, options, candidates), where);
    if (typeof code !== 'string') {
      findings.push(code);
      return [];
    }
    return [{ source, code }];
  });
}

/**
 * The cells one disaggregated indicator can write in the target, each with the exported key it comes
 * as, and what stands in the way: an `aggregateExportDataElement` the target does not have, a combo
 * with no counterpart in the data element's category combo, one without a code (t2a imports by code).
 */
export function disaggregate(
  indicator: DisaggregatedIndicator,
  combos: ReadonlyMap<string, SourceCategoryCombo>,
  target: TargetCombos,
): Disaggregation {
  const element = targetElement(indicator.aggregateExportDataElement, target);
  const coc = indicator.categoryCombo ? combos.get(indicator.categoryCombo) : undefined;
  const aoc = indicator.attributeCombo ? combos.get(indicator.attributeCombo) : undefined;
  const findings = [
    ...(coc ? mappingFindings(indicator, coc, 'disaggregation') : []),
    ...(aoc ? mappingFindings(indicator, aoc, 'attribute') : []),
  ];
  if (!element?.code) {
    findings.push(
      finding(
        indicator,
        'unknown-data-element',
        element
          ? `The target data element "${element.name}" (${element.id}) has no code, and t2a imports data elements by code.`
          : `Program indicator "${indicator.name}" exports to "${indicator.aggregateExportDataElement}" (aggregateExportDataElement), which is no data element's UID, code or name in the target.`,
        element
          ? 'Give the data element a code in the target.'
          : 'Set aggregateExportDataElement to the target data element’s UID or code.',
      ),
    );
    return { cells: [], findings };
  }
  const options = new Map(
    [...combos.values()].flatMap((c) =>
      c.categories.flatMap((cat) => cat.options.map((o) => [o.id, o] as const)),
    ),
  );
  const dataElementCombos = target.optionCombos.filter(
    (c) => c.categoryCombo === element.categoryCombo,
  );
  const where = `the category combo of "${element.name}"`;
  const cocs = comboCodes(indicator, coc, dataElementCombos, options, where, findings);
  // Attribute combos belong to the data set's combo, which the indicator does not name: any will do.
  const aocs = comboCodes(
    indicator,
    aoc,
    target.optionCombos,
    options,
    'any attribute combo',
    findings,
  );
  const cells = cocs.flatMap((c) =>
    aocs.map((a) => ({
      exportKey: exportKey(indicator.aggregateExportDataElement, c.source?.id, a.source?.id),
      mapping: {
        programIndicator: indicator.id,
        name: indicator.name,
        dataElement: element.code!,
        categoryOptionCombo: c.code,
        attributeOptionCombo: a.code && a.code !== target.defaultCode ? a.code : undefined,
      },
    })),
  );
  return { cells, findings };
}
