/**
 * The mapping from program indicators to aggregate data values, as DHIS2's implementation guide sets
 * it up: a custom attribute on the indicator holds the target data element's code, and the indicator's
 * `aggregateExportCategoryOptionCombo` / `aggregateExportAttributeOptionCombo` hold the combo codes.
 */
export interface ProgramIndicatorMetadata {
  readonly id: string;
  readonly name: string;
  readonly code?: string | undefined;
  readonly decimals?: number | undefined;
  readonly aggregateExportCategoryOptionCombo?: string | undefined;
  readonly aggregateExportAttributeOptionCombo?: string | undefined;
  readonly attributeValues?: readonly {
    readonly attribute: { readonly id: string };
    readonly value: string;
  }[];
  /** The programme it counts in, and its expression and filter (for the reference checks). */
  readonly program?: { readonly id: string } | undefined;
  readonly expression?: string | undefined;
  readonly filter?: string | undefined;
  /**
   * 2.42+ disaggregation (core/disaggregation.ts): the target data element named by any identifier, the
   * category combos whose option combos the values come in, and the programme's mappings it uses.
   */
  readonly aggregateExportDataElement?: string | undefined;
  readonly categoryCombo?: { readonly id: string } | undefined;
  readonly attributeCombo?: { readonly id: string } | undefined;
  readonly categoryMappingIds?: readonly string[] | undefined;
}

/** A 2.42 disaggregated indicator: DHIS2 writes `aggregateExportDataElement` as its values' data element. */
export const isDisaggregated = (indicator: ProgramIndicatorMetadata) =>
  (indicator.aggregateExportDataElement ?? '').trim() !== '';

export interface IndicatorMapping {
  readonly programIndicator: string;
  readonly name: string;
  /** The target data element's code. */
  readonly dataElement: string;
  /** The category option combo code; undefined means the default combo. */
  readonly categoryOptionCombo: string | undefined;
  readonly attributeOptionCombo: string | undefined;
}

export interface UnmappedIndicator {
  readonly programIndicator: string;
  readonly name: string;
}

export interface MappingResolution {
  readonly mapped: readonly IndicatorMapping[];
  readonly unmapped: readonly UnmappedIndicator[];
}

const blankToUndefined = (value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

/**
 * Splits the job's indicators into mapped ones (with their codes) and those without the attribute.
 * Disaggregated indicators are neither: their cells depend on the target (core/disaggregation.ts).
 */
export function resolveMappings(
  indicators: readonly ProgramIndicatorMetadata[],
  mappingAttribute: string,
): MappingResolution {
  const mapped: IndicatorMapping[] = [];
  const unmapped: UnmappedIndicator[] = [];
  for (const indicator of indicators) {
    if (isDisaggregated(indicator)) continue;
    const code = blankToUndefined(
      indicator.attributeValues?.find((entry) => entry.attribute.id === mappingAttribute)?.value,
    );
    if (code === undefined) {
      unmapped.push({ programIndicator: indicator.id, name: indicator.name });
      continue;
    }
    mapped.push({
      programIndicator: indicator.id,
      name: indicator.name,
      dataElement: code,
      categoryOptionCombo: blankToUndefined(indicator.aggregateExportCategoryOptionCombo),
      attributeOptionCombo: blankToUndefined(indicator.aggregateExportAttributeOptionCombo),
    });
  }
  return { mapped, unmapped };
}

/** The key DHIS2 stores a data value under, with codes for the data element and combos. */
export function mappingKey(mapping: {
  readonly dataElement: string;
  readonly categoryOptionCombo?: string | undefined;
  readonly attributeOptionCombo?: string | undefined;
}): string {
  return `${mapping.dataElement}|${mapping.categoryOptionCombo ?? ''}|${mapping.attributeOptionCombo ?? ''}`;
}

/** Groups of two or more indicators that write the same data element and combos. */
export function duplicateMappings(mappings: readonly IndicatorMapping[]): IndicatorMapping[][] {
  const byKey = new Map<string, IndicatorMapping[]>();
  for (const mapping of mappings) {
    const key = mappingKey(mapping);
    byKey.set(key, [...(byKey.get(key) ?? []), mapping]);
  }
  return [...byKey.values()].filter((group) => group.length > 1);
}

/**
 * Parallel reporting: the same indicators delivered into shadow data elements, whose codes are the real
 * ones with a suffix (`IMM_BCG_DOSES` → `IMM_BCG_DOSES_TRACKER`), so both numbers live in the HMIS.
 */
export function withShadowCodes<T extends ProgramIndicatorMetadata>(
  indicators: readonly T[],
  mappingAttribute: string,
  suffix: string | undefined,
): T[] {
  if (!suffix) return [...indicators];
  return indicators.map((indicator) => ({
    ...indicator,
    attributeValues: indicator.attributeValues?.map((entry) =>
      entry.attribute.id === mappingAttribute && entry.value.trim() !== ''
        ? { ...entry, value: `${entry.value.trim()}${suffix}` }
        : entry,
    ),
  }));
}
