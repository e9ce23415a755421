import type { ProgramIndicatorMetadata } from './mapping.ts';
import type { SourceMetadata, SourceProgram, SourceStage } from './source-metadata.ts';

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
  // A package and its add-on (a T2A package) may ship the same indicator: the later one counts.
  const byId = new Map<string, IndicatorForValidation>();
  for (const indicator of allIndicators(packages)) byId.set(indicator.id, indicator);
  return [...byId.values()];
}

function allIndicators(packages: readonly Json[]): IndicatorForValidation[] {
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
      program: ref(pi.program) ? { id: ref(pi.program) } : undefined,
      expression: text(pi.expression),
      filter: text(pi.filter),
    })),
  );
}

const ids = (items: unknown, key: string): Set<string> =>
  new Set(
    (Array.isArray(items) ? (items as Json[]) : []).map((item) => ref(item[key])).filter(Boolean),
  );

/** The source side of metadata exports: programmes, stages, and aggregate data exchanges. */
export function sourceFromExport(packages: readonly Json[]): SourceMetadata {
  const programs = new Map<string, SourceProgram>();
  const stages = new Map<string, SourceStage>();
  for (const pkg of packages) {
    for (const program of list(pkg, 'programs')) {
      programs.set(String(program.id), {
        id: String(program.id),
        stages: new Set(
          (Array.isArray(program.programStages) ? (program.programStages as Json[]) : []).map(
            (stage) => String(stage.id),
          ),
        ),
        attributes: ids(program.programTrackedEntityAttributes, 'trackedEntityAttribute'),
      });
    }
    for (const stage of list(pkg, 'programStages')) {
      stages.set(String(stage.id), {
        id: String(stage.id),
        program: ref(stage.program),
        dataElements: ids(stage.programStageDataElements, 'dataElement'),
      });
    }
  }
  const exchanges = packages.flatMap((pkg) =>
    list(pkg, 'aggregateDataExchanges').map((exchange) => {
      const requests = (((exchange.source as Json | undefined)?.requests ?? []) as Json[]).map(
        (request, index) => {
          const strings = (key: string) =>
            (Array.isArray(request[key]) ? (request[key] as unknown[]) : []).map(String);
          return {
            name: String(request.name ?? `request ${index + 1}`),
            periods: strings('pe'),
            items: strings('dx'),
          };
        },
      );
      return {
        id: String(exchange.id),
        name: String(exchange.name ?? exchange.id),
        requests,
        items: requests.flatMap((request) => request.items),
      };
    }),
  );
  return { programs, stages, exchanges };
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
