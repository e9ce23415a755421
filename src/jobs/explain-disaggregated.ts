import type { IndicatorMapping } from '../core/mapping.ts';
import { fetchCategoryMappings, fetchSourceCombos } from '../dhis2/disaggregation-metadata.ts';
import type { ResolvedJob } from './resolve-job.ts';

/**
 * One category of a 2.42 disaggregated cell: the programme's option filters for it (its category
 * mapping) and the option the cell is. DHIS2 gives a record the option whose filter holds, and none
 * when several or none hold (`PiDisagQueryGenerator.getCategoryColumnSql`, 2.42.0–2.43.1).
 */
export interface CellCategory {
  readonly name: string;
  readonly options: readonly { readonly optionId: string; readonly filter: string | undefined }[];
  readonly wanted: string;
}

/**
 * The categories a disaggregated indicator's cell is made of: its source option combos (the exported
 * row's UIDs, `JobDisaggregation.fromExport`), each category's option in them, and the mapping that
 * tells records apart. Undefined where the cell cannot be traced back (a default combo has none).
 */
export async function cellCategories(
  resolved: ResolvedJob,
  mapping: IndicatorMapping,
): Promise<CellCategory[] | undefined> {
  const exportKey = [...resolved.disaggregation.fromExport].find(
    ([, cell]) => cell === mapping,
  )?.[0];
  const pi = resolved.indicators.find((indicator) => indicator.id === mapping.programIndicator);
  if (!exportKey || !pi?.program) return undefined;
  const [, coc, aoc] = exportKey.split('|');
  const client = resolved.source.client;
  const pairs = [
    [pi.categoryCombo?.id, coc],
    [pi.attributeCombo?.id, aoc],
  ] as const;
  const combos = await fetchSourceCombos(
    client,
    pairs.flatMap(([combo]) => (combo ? [combo] : [])),
  );
  const ofProgram = (await fetchCategoryMappings(client, [pi.program.id])).get(pi.program.id) ?? [];
  const mappings = ofProgram.filter((m) => (pi.categoryMappingIds ?? []).includes(m.id));
  const categories: CellCategory[] = [];
  for (const [comboId, optionCombo] of pairs) {
    const combo = comboId ? combos.get(comboId) : undefined;
    if (!combo || combo.isDefault) continue;
    const options = combo.optionCombos.find((oc) => oc.id === optionCombo)?.options ?? [];
    for (const category of combo.categories) {
      const wanted = options.find((id) => category.options.some((option) => option.id === id));
      const categoryMapping = mappings.find((m) => m.categoryId === category.id);
      if (!wanted || !categoryMapping) return undefined;
      categories.push({
        name: category.name,
        options: categoryMapping.optionMappings.map((o) => ({
          optionId: o.optionId,
          filter: o.filter,
        })),
        wanted,
      });
    }
  }
  return categories;
}
