import type {
  CategoryOption,
  ProgramCategoryMapping,
  SourceCategoryCombo,
  TargetCombos,
} from '../core/disaggregation.ts';
import type { Dhis2Client } from './client.ts';
import { batches, getAllPages } from './metadata.ts';

/*
 * What t2a reads for 2.42+ program indicator disaggregation (core/disaggregation.ts): on the source, the
 * indicators' category combos with their categories, options and option combos, and the programmes'
 * category mappings (`Program.categoryMappings`, jsonb, 2.42.0+: migration V2_42_37); on the target, the
 * data elements an `aggregateExportDataElement` may name (by UID, code or name) and their combos with the
 * options, to match combos of another instance by what they mean.
 */

interface OptionResponse {
  id: string;
  code?: string;
  name: string;
}

interface ComboResponse {
  id: string;
  name: string;
  isDefault?: boolean;
  categories?: { id: string; name: string; categoryOptions?: OptionResponse[] }[];
  categoryOptionCombos?: {
    id: string;
    code?: string;
    name: string;
    categoryOptions?: { id: string }[];
  }[];
}

const COMBO_FIELDS =
  'id,name,isDefault,categories[id,name,categoryOptions[id,code,name]],categoryOptionCombos[id,code,name,categoryOptions[id]]';

const option = (o: OptionResponse): CategoryOption => ({ id: o.id, code: o.code, name: o.name });

/** The source's category combos, by UID. */
export async function fetchSourceCombos(
  client: Dhis2Client,
  ids: readonly string[],
): Promise<Map<string, SourceCategoryCombo>> {
  const combos = new Map<string, SourceCategoryCombo>();
  for (const batch of batches([...new Set(ids)], 50))
    for (const combo of await getAllPages<ComboResponse>(client, 'categoryCombos', {
      fields: COMBO_FIELDS,
      filter: `id:in:[${batch.join(',')}]`,
    }))
      combos.set(combo.id, {
        id: combo.id,
        name: combo.name,
        isDefault: combo.isDefault === true || combo.name === 'default',
        categories: (combo.categories ?? []).map((category) => ({
          id: category.id,
          name: category.name,
          options: (category.categoryOptions ?? []).map(option),
        })),
        optionCombos: (combo.categoryOptionCombos ?? []).map((coc) => ({
          id: coc.id,
          code: coc.code,
          name: coc.name,
          options: (coc.categoryOptions ?? []).map((o) => o.id),
        })),
      });
  return combos;
}

/** Each programme's category mappings, by programme UID. */
export async function fetchCategoryMappings(
  client: Dhis2Client,
  programIds: readonly string[],
): Promise<Map<string, ProgramCategoryMapping[]>> {
  const mappings = new Map<string, ProgramCategoryMapping[]>();
  for (const batch of batches([...new Set(programIds)], 50))
    for (const program of await getAllPages<{
      id: string;
      categoryMappings?: ProgramCategoryMapping[];
    }>(client, 'programs', {
      fields: 'id,categoryMappings',
      filter: `id:in:[${batch.join(',')}]`,
    }))
      mappings.set(program.id, program.categoryMappings ?? []);
  return mappings;
}

interface TargetElementResponse {
  id: string;
  code?: string;
  name: string;
  categoryCombo?: {
    id: string;
    categoryOptionCombos?: {
      id: string;
      code?: string;
      name: string;
      categoryOptions?: OptionResponse[];
    }[];
  };
}

type TargetOptionCombo = TargetCombos['optionCombos'][number];

const targetCombo = (
  coc: NonNullable<
    NonNullable<TargetElementResponse['categoryCombo']>['categoryOptionCombos']
  >[number],
  categoryCombo: string,
): TargetOptionCombo => ({
  id: coc.id,
  code: coc.code,
  name: coc.name,
  categoryCombo,
  options: (coc.categoryOptions ?? []).map(option),
});

/**
 * The target's data elements an `aggregateExportDataElement` may name — by UID, code or name, as DHIS2
 * writes the string verbatim — with their combos; and, when an indicator has an attribute combo, every
 * option combo of the target (the data set's attribute combo is not known from the indicator).
 */
export async function fetchTargetCombos(
  client: Dhis2Client,
  identifiers: readonly string[],
  withAttributeCombos: boolean,
): Promise<TargetCombos> {
  const fields = `id,code,name,categoryCombo[id,categoryOptionCombos[id,code,name,categoryOptions[id,code,name]]]`;
  const elements = new Map<string, TargetElementResponse>();
  for (const property of ['id', 'code', 'name'] as const)
    for (const batch of batches([...new Set(identifiers)], 50))
      for (const element of await getAllPages<TargetElementResponse>(client, 'dataElements', {
        fields,
        filter: `${property}:in:[${batch.join(',')}]`,
      }))
        elements.set(element.id, element);
  const optionCombos = [...elements.values()].flatMap((element) =>
    (element.categoryCombo?.categoryOptionCombos ?? []).map((coc) =>
      targetCombo(coc, element.categoryCombo!.id),
    ),
  );
  if (withAttributeCombos)
    for (const coc of await getAllPages<{
      id: string;
      code?: string;
      name: string;
      categoryCombo?: { id: string };
      categoryOptions?: OptionResponse[];
    }>(client, 'categoryOptionCombos', {
      fields: 'id,code,name,categoryCombo[id],categoryOptions[id,code,name]',
    }))
      if (!optionCombos.some((known) => known.id === coc.id))
        optionCombos.push(targetCombo(coc, coc.categoryCombo?.id ?? ''));
  const defaultCombo = optionCombos.find((coc) => coc.name === 'default');
  return {
    dataElements: [...elements.values()].map((element) => ({
      id: element.id,
      code: element.code,
      name: element.name,
      categoryCombo: element.categoryCombo?.id ?? '',
    })),
    optionCombos,
    defaultCode: defaultCombo?.code ?? 'default',
  };
}
