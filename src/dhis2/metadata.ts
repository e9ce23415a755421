import type { TargetDataElement } from '../core/export-check.ts';
import type { ProgramIndicatorMetadata } from '../core/mapping.ts';
import type { TargetMetadata } from '../core/mapping-metadata.ts';
import type { SourceMetadata, SourceProgram, SourceStage } from '../core/source-metadata.ts';
import type { Dhis2Client, Query } from './client.ts';

interface Pager {
  page: number;
  pageCount: number;
}

/** Reads a whole collection page by page (DHIS2 pages at 50 by default). */
export async function getAllPages<T>(
  client: Dhis2Client,
  collection: string,
  query: Query,
  pageSize = 200,
): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const body = await client.get<Record<string, unknown> & { pager?: Pager }>(collection, {
      ...query,
      paging: true,
      page,
      pageSize,
    });
    items.push(...((body[collection] as T[] | undefined) ?? []));
    if (!body.pager || page >= body.pager.pageCount) return items;
  }
}

export type IndicatorSelection = { readonly group: string } | { readonly ids: readonly string[] };

const INDICATOR_FIELDS =
  'id,name,code,decimals,aggregationType,analyticsType,aggregateExportCategoryOptionCombo,aggregateExportAttributeOptionCombo,attributeValues[value,attribute[id]],program[id],expression,filter';

const DISAGGREGATION_FIELDS =
  ',aggregateExportDataElement,categoryCombo[id],attributeCombo[id],categoryMappingIds';

/** The job's program indicators with what the mapping needs (and, from 2.42, their disaggregation). */
export async function fetchProgramIndicators(
  client: Dhis2Client,
  selection: IndicatorSelection,
  disaggregation = false,
): Promise<ProgramIndicatorMetadata[]> {
  const fields = INDICATOR_FIELDS + (disaggregation ? DISAGGREGATION_FIELDS : '');
  if ('group' in selection) {
    return getAllPages(client, 'programIndicators', {
      fields,
      filter: `programIndicatorGroups.id:eq:${selection.group}`,
    });
  }
  const found: ProgramIndicatorMetadata[] = [];
  for (const ids of batches(selection.ids, 50)) {
    found.push(
      ...(await getAllPages<ProgramIndicatorMetadata>(client, 'programIndicators', {
        fields,
        filter: `id:in:[${ids.join(',')}]`,
      })),
    );
  }
  return found;
}

interface ProgramResponse {
  id: string;
  programStages?: {
    id: string;
    programStageDataElements?: { dataElement?: { id?: string } }[];
  }[];
  programTrackedEntityAttributes?: { trackedEntityAttribute?: { id?: string } }[];
}

/** The indicators' programmes with their stages, stage data elements and attributes (reference checks). */
export async function fetchSourcePrograms(
  client: Dhis2Client,
  programIds: readonly string[],
): Promise<SourceMetadata> {
  const programs = new Map<string, SourceProgram>();
  const stages = new Map<string, SourceStage>();
  for (const ids of batches([...new Set(programIds)], 50)) {
    for (const program of await getAllPages<ProgramResponse>(client, 'programs', {
      fields:
        'id,programStages[id,programStageDataElements[dataElement[id]]],programTrackedEntityAttributes[trackedEntityAttribute[id]]',
      filter: `id:in:[${ids.join(',')}]`,
    })) {
      const ownStages = program.programStages ?? [];
      programs.set(program.id, {
        id: program.id,
        stages: new Set(ownStages.map((stage) => stage.id)),
        attributes: new Set(
          (program.programTrackedEntityAttributes ?? []).flatMap(
            (entry) => entry.trackedEntityAttribute?.id ?? [],
          ),
        ),
      });
      for (const stage of ownStages) {
        stages.set(stage.id, {
          id: stage.id,
          program: program.id,
          dataElements: new Set(
            (stage.programStageDataElements ?? []).flatMap((entry) => entry.dataElement?.id ?? []),
          ),
        });
      }
    }
  }
  return { programs, stages, exchanges: [] };
}

interface ComboResponse {
  id: string;
  categoryOptionCombos?: { id: string; code?: string; name: string }[];
}

interface DataElementResponse {
  id: string;
  code?: string;
  name: string;
  valueType: string;
  aggregationType?: string;
  zeroIsSignificant?: boolean;
  categoryCombo?: ComboResponse;
  dataSetElements?: {
    dataSet?: {
      id: string;
      name: string;
      periodType: string;
      expiryDays?: number;
      openFuturePeriods?: number;
      dataInputPeriods?: {
        period?: { id?: string } | string;
        openingDate?: string;
        closingDate?: string;
      }[];
      categoryCombo?: ComboResponse;
    };
  }[];
}

export interface TargetMapping {
  /** Data elements by code, for the checks on every exported value. */
  readonly dataElements: Map<string, TargetDataElement>;
  /** The same, shaped for the mapping validation. */
  readonly metadata: TargetMetadata;
}

const TARGET_FIELDS =
  'id,code,name,valueType,aggregationType,zeroIsSignificant,categoryCombo[id,categoryOptionCombos[id,code,name]],dataSetElements[dataSet[id,name,periodType,expiryDays,openFuturePeriods,dataInputPeriods[period[id],openingDate,closingDate],categoryCombo[id,categoryOptionCombos[id,code,name]]]]';

type DataSetResponse = NonNullable<
  NonNullable<DataElementResponse['dataSetElements']>[number]['dataSet']
>;

/** A data element as the export checks need it: its combos' codes and its data sets' locks. */
function targetDataElement(
  element: DataElementResponse & { code: string },
  sets: readonly DataSetResponse[],
): TargetDataElement {
  return {
    id: element.id,
    code: element.code,
    name: element.name,
    valueType: element.valueType,
    zeroIsSignificant: element.zeroIsSignificant,
    aggregationType: element.aggregationType,
    categoryOptionCombos: new Set(
      (element.categoryCombo?.categoryOptionCombos ?? []).flatMap((coc) =>
        coc.code ? [coc.code] : [],
      ),
    ),
    dataSets: sets.map((set) => ({
      id: set.id,
      name: set.name,
      periodType: set.periodType,
      expiryDays: Number(set.expiryDays ?? 0),
      openFuturePeriods: Number(set.openFuturePeriods ?? 0),
      dataInputPeriods: (set.dataInputPeriods ?? []).map((input) => ({
        period: typeof input.period === 'string' ? input.period : (input.period?.id ?? ''),
        openingDate: input.openingDate,
        closingDate: input.closingDate,
      })),
    })),
  };
}

/** The combos and data sets the data elements name, shaped for the mapping validation. */
function targetMetadata(elements: readonly DataElementResponse[]): TargetMetadata {
  const combos = new Map<
    string,
    { id: string; code?: string | undefined; name: string; categoryCombo: string }
  >();
  const dataSets = new Map<
    string,
    TargetMetadata['dataSets'][number] & { dataElements: string[] }
  >();
  const addCombos = (combo: ComboResponse | undefined) => {
    for (const coc of combo?.categoryOptionCombos ?? [])
      combos.set(coc.id, { id: coc.id, code: coc.code, name: coc.name, categoryCombo: combo!.id });
  };
  for (const element of elements) {
    addCombos(element.categoryCombo);
    for (const set of dataSetsOf(element)) {
      addCombos(set.categoryCombo);
      const known = dataSets.get(set.id) ?? {
        id: set.id,
        name: set.name,
        periodType: set.periodType,
        categoryCombo: set.categoryCombo?.id ?? '',
        dataElements: [],
      };
      known.dataElements.push(element.id);
      dataSets.set(set.id, known);
    }
  }
  return {
    dataElements: elements.map((element) => ({
      id: element.id,
      code: element.code,
      name: element.name,
      valueType: element.valueType,
      aggregationType: element.aggregationType,
      categoryCombo: element.categoryCombo?.id ?? '',
    })),
    categoryOptionCombos: [...combos.values()],
    categoryCombos: [],
    dataSets: [...dataSets.values()],
  };
}

const dataSetsOf = (element: DataElementResponse): DataSetResponse[] =>
  (element.dataSetElements ?? []).flatMap((entry) => (entry.dataSet ? [entry.dataSet] : []));

interface CodedComboResponse {
  id: string;
  code?: string;
  name: string;
  categoryCombo?: { id?: string };
}

/**
 * Category option combos by code, wherever they belong: a code that exists in another category combo
 * than the data element's is a different mistake from a code that exists nowhere.
 */
async function fetchCombosByCode(client: Dhis2Client, codes: readonly string[]) {
  const combos: TargetMetadata['categoryOptionCombos'][number][] = [];
  for (const batch of batches([...new Set(codes)], 50)) {
    for (const coc of await getAllPages<CodedComboResponse>(client, 'categoryOptionCombos', {
      fields: 'id,code,name,categoryCombo[id]',
      filter: `code:in:[${batch.join(',')}]`,
    })) {
      combos.push({
        id: coc.id,
        code: coc.code,
        name: coc.name,
        categoryCombo: coc.categoryCombo?.id ?? '',
      });
    }
  }
  return combos;
}

/**
 * The target's data elements for the mapped codes, with their combos and data sets, and the combos the
 * indicators name by code.
 */
export async function fetchTargetMapping(
  client: Dhis2Client,
  codes: readonly string[],
  comboCodes: readonly string[] = [],
): Promise<TargetMapping> {
  const elements: DataElementResponse[] = [];
  for (const batch of batches([...new Set(codes)], 50)) {
    elements.push(
      ...(await getAllPages<DataElementResponse>(client, 'dataElements', {
        fields: TARGET_FIELDS,
        filter: `code:in:[${batch.join(',')}]`,
      })),
    );
  }
  const dataElements = new Map<string, TargetDataElement>();
  for (const element of elements) {
    if (element.code)
      dataElements.set(
        element.code,
        targetDataElement({ ...element, code: element.code }, dataSetsOf(element)),
      );
  }
  const metadata = targetMetadata(elements);
  const known = new Set(metadata.categoryOptionCombos.map((coc) => coc.id));
  const named = (await fetchCombosByCode(client, comboCodes)).filter((coc) => !known.has(coc.id));
  return {
    dataElements,
    metadata: { ...metadata, categoryOptionCombos: [...metadata.categoryOptionCombos, ...named] },
  };
}

export function batches<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
