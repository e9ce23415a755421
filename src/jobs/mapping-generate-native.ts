import type { Finding } from '../core/finding.ts';
import { type NativeFamily, nativeDraft } from '../core/generated-native.ts';
import { type Json, planObjects } from '../core/generated-plan.ts';
import { familyCombinations, forValidation, type Generation } from '../core/mapping-generate.ts';
import type { IndicatorBase, MappingSpec, TargetElementCombo } from '../core/mapping-spec.ts';
import type { Dhis2Client } from '../dhis2/client.ts';
import { fetchWhole } from '../dhis2/generate-metadata.ts';
import { fetchSourceCategoryModel } from '../dhis2/generate-native-metadata.ts';
import type { Form } from './mapping-generate-types.ts';

/**
 * The native form (2.42+): the families whose every combination maps onto the target, drafted against
 * the source's categories and programmes (core/generated-native.ts). Validation reads the per-combo
 * indicators all the same: the one indicator gives exactly their values.
 */
export async function nativeForm(
  source: Dhis2Client,
  spec: MappingSpec,
  input: {
    readonly bases: ReadonlyMap<string, IndicatorBase>;
    readonly targets: ReadonlyMap<string, TargetElementCombo>;
    readonly generation: Generation;
    readonly mappingAttribute: string;
  },
): Promise<Form> {
  const items: NativeFamily[] = [];
  for (const family of spec.families) {
    const base = input.bases.get(family.key);
    const target = input.targets.get(family.dataElement);
    if (!base || !target) continue;
    const { combinations, findings } = familyCombinations(family, spec, target);
    // Its errors are the generation's findings already: the run is refused, nothing drafted for it.
    if (findings.some((finding: Finding) => finding.severity === 'error')) continue;
    items.push({ family, base, target, combinations });
  }
  const model = await fetchSourceCategoryModel(source);
  const programs = await fetchWhole(source, 'programs', [
    ...new Set(items.map((item) => item.base.program)),
  ]);
  const mappings = new Map(
    [...programs].map(([id, program]) => [id, (program.categoryMappings as Json[]) ?? []]),
  );
  const draft = nativeDraft(spec, items, model, mappings);
  return {
    indicators: draft.indicators,
    validated: input.generation.indicators.map((pi) => forValidation(pi, input.mappingAttribute)),
    members: draft.indicators.map((indicator, i) => ({
      id: indicator.id,
      group: items[i]!.family.group,
    })),
    native: {
      created: draft.create.filter((entry) => entry.objects.length > 0),
      programs: planObjects(draft.programs, programs, input.mappingAttribute),
      storedPrograms: programs,
    },
    findings: draft.findings,
  };
}
