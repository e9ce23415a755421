import type { ProgramIndicatorMetadata } from './mapping.ts';

/** What the mapping checks read of the source's indicators and the target's aggregate metadata. */
export interface IndicatorForValidation extends ProgramIndicatorMetadata {
  readonly aggregationType?: string | undefined;
  readonly analyticsType?: string | undefined;
}

export interface TargetMetadata {
  readonly dataElements: readonly {
    readonly id: string;
    readonly code?: string | undefined;
    readonly name: string;
    readonly valueType: string;
    readonly aggregationType?: string | undefined;
    readonly categoryCombo: string;
  }[];
  readonly categoryOptionCombos: readonly {
    readonly id: string;
    readonly code?: string | undefined;
    readonly name: string;
    readonly categoryCombo: string;
  }[];
  readonly categoryCombos: readonly { readonly id: string; readonly name: string }[];
  readonly dataSets: readonly {
    readonly id: string;
    readonly name: string;
    readonly periodType: string;
    readonly categoryCombo: string;
    readonly dataElements: readonly string[];
  }[];
}

type Json = Record<string, unknown>;
const list = (pkg: Json, key: string): Json[] =>
  Array.isArray(pkg[key]) ? (pkg[key] as Json[]) : [];
const ref = (value: unknown): string => (value as { id?: string } | undefined)?.id ?? '';
const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** The program indicators of metadata exports (DHIS2's `/api/metadata` JSON). */
export function indicatorsFromExport(packages: readonly Json[]): IndicatorForValidation[] {
  return packages.flatMap((pkg) =>
    list(pkg, 'programIndicators').map((pi) => ({
      id: String(pi.id),
      name: String(pi.name ?? pi.id),
      code: text(pi.code),
      decimals: typeof pi.decimals === 'number' ? pi.decimals : undefined,
      aggregateExportCategoryOptionCombo: text(pi.aggregateExportCategoryOptionCombo),
      aggregateExportAttributeOptionCombo: text(pi.aggregateExportAttributeOptionCombo),
      attributeValues: (Array.isArray(pi.attributeValues)
        ? (pi.attributeValues as Json[])
        : []
      ).map((entry) => ({
        attribute: { id: ref(entry.attribute) },
        value: String(entry.value ?? ''),
      })),
      aggregationType: text(pi.aggregationType),
      analyticsType: text(pi.analyticsType),
    })),
  );
}

/** The aggregate side of metadata exports: data elements, combos and data sets. */
export function targetFromExport(packages: readonly Json[]): TargetMetadata {
  const all = (key: string) => {
    const byId = new Map<string, Json>();
    for (const pkg of packages)
      for (const object of list(pkg, key)) byId.set(String(object.id), object);
    return [...byId.values()];
  };
  return {
    dataElements: all('dataElements').map((de) => ({
      id: String(de.id),
      code: text(de.code),
      name: String(de.name ?? de.id),
      valueType: String(de.valueType ?? 'NUMBER'),
      aggregationType: text(de.aggregationType),
      categoryCombo: ref(de.categoryCombo),
    })),
    categoryOptionCombos: all('categoryOptionCombos').map((coc) => ({
      id: String(coc.id),
      code: text(coc.code),
      name: String(coc.name ?? coc.id),
      categoryCombo: ref(coc.categoryCombo),
    })),
    categoryCombos: all('categoryCombos').map((cc) => ({
      id: String(cc.id),
      name: String(cc.name ?? cc.id),
    })),
    dataSets: all('dataSets').map((ds) => ({
      id: String(ds.id),
      name: String(ds.name ?? ds.id),
      periodType: String(ds.periodType ?? ''),
      categoryCombo: ref(ds.categoryCombo),
      dataElements: (Array.isArray(ds.dataSetElements) ? (ds.dataSetElements as Json[]) : []).map(
        (dse) => ref(dse.dataElement),
      ),
    })),
  };
}
