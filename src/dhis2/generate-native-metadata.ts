import type { SourceCategoryModel } from '../core/generated-native.ts';
import type { Dhis2Client } from './client.ts';
import { getAllPages } from './metadata.ts';

/*
 * The source's categories for `t2a mapping generate --native`: every category option, category and
 * category combo (with its option combos), to find by code what the target's combos are made of and to
 * create the rest under UIDs and names the source does not use yet.
 */

interface Named {
  id: string;
  code?: string;
  name: string;
}

const named = (object: Named) => ({ id: object.id, code: object.code, name: object.name });
const ids = (refs: { id: string }[] | undefined) => (refs ?? []).map((ref) => ref.id);

export async function fetchSourceCategoryModel(client: Dhis2Client): Promise<SourceCategoryModel> {
  const [options, categories, combos] = await Promise.all([
    getAllPages<Named>(client, 'categoryOptions', { fields: 'id,code,name' }),
    getAllPages<Named & { categoryOptions?: { id: string }[] }>(client, 'categories', {
      fields: 'id,code,name,categoryOptions[id]',
    }),
    getAllPages<
      Named & {
        categories?: { id: string }[];
        categoryOptionCombos?: (Named & { categoryOptions?: { id: string }[] })[];
      }
    >(client, 'categoryCombos', {
      fields: 'id,code,name,categories[id],categoryOptionCombos[id,code,name,categoryOptions[id]]',
    }),
  ]);
  return {
    options: options.map(named),
    categories: categories.map((category) => ({
      ...named(category),
      options: ids(category.categoryOptions),
    })),
    combos: combos.map((combo) => ({
      ...named(combo),
      categories: ids(combo.categories),
      optionCombos: (combo.categoryOptionCombos ?? []).map((coc) => ({
        ...named(coc),
        options: ids(coc.categoryOptions),
      })),
    })),
  };
}
