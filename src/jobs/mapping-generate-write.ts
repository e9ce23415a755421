import { groupImportForm } from '../core/generated-groups.ts';
import { importForm, type Json } from '../core/generated-plan.ts';
import type { Dhis2Client } from '../dhis2/client.ts';
import { importMetadata, type MetadataImportReport } from '../dhis2/metadata-import.ts';
import type { ServerProfile } from '../dhis2/server-profile.ts';
import type { GenerateResult, NativeForm } from './mapping-generate-types.ts';

/**
 * The changes of a generation as metadata imports: one atomic import of everything that changes
 * (`atomicMode=ALL`: one refused object and nothing is written), nothing at all when nothing changes.
 * On 2.42.0 only, categories and options t2a creates for the native form go first in an import of
 * their own: that version's program hook looks the mapped ones up among stored objects (E4072/E4073).
 */
export async function writeGenerated(
  source: Dhis2Client,
  profile: ServerProfile,
  result: GenerateResult,
  context: {
    readonly stored: ReadonlyMap<string, Json>;
    readonly native: NativeForm | undefined;
    readonly mappingAttribute: string;
  },
): Promise<MetadataImportReport[]> {
  const changed = (plan: GenerateResult['indicators']) => [
    ...plan.create,
    ...plan.update.map((change) => change.desired),
  ];
  const indicators = changed(result.indicators).map((desired) =>
    importForm(desired, context.stored.get(desired.id), context.mappingAttribute),
  );
  const programs = changed(result.programs).map((desired) =>
    importForm(desired, context.native?.storedPrograms.get(desired.id), context.mappingAttribute),
  );
  const prerequisites: Json = Object.fromEntries(
    result.created.map((entry) => [entry.type, entry.objects]),
  );
  const rest: Json = Object.fromEntries(
    [
      ['programs', programs],
      ['programIndicators', indicators],
      ['programIndicatorGroups', result.groups.map(groupImportForm)],
    ].filter(([, objects]) => (objects as unknown[]).length > 0),
  );
  const reports: MetadataImportReport[] = [];
  if (profile.categoryMappingsNeedStoredCategories && result.created.length > 0) {
    reports.push(await importMetadata(source, prerequisites));
    if (reports[0]!.status !== 'OK' || Object.keys(rest).length === 0) return reports;
    reports.push(await importMetadata(source, rest));
    return reports;
  }
  const payload = { ...prerequisites, ...rest };
  if (Object.keys(payload).length > 0) reports.push(await importMetadata(source, payload));
  return reports;
}
