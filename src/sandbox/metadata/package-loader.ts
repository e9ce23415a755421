import type { MetadataObject, MetadataStore } from './store.ts';

/** How many objects of each type a package held, and what was created or updated. */
export interface PackageLoad {
  readonly created: number;
  readonly updated: number;
  readonly ignored: number;
  readonly byType: Record<string, number>;
}

/**
 * Loads a metadata export as DHIS2's `/api/metadata` takes it: every array at the top level is a
 * collection (`dataElements`, `programIndicators`…), objects are created or updated by UID
 * (CREATE_AND_UPDATE); other keys (`package`, `system`) are not metadata and are skipped.
 */
export function loadMetadataPackage(
  store: MetadataStore,
  pkg: Record<string, unknown>,
  dryRun = false,
): PackageLoad {
  let created = 0;
  let updated = 0;
  let ignored = 0;
  const byType: Record<string, number> = {};
  for (const [type, value] of Object.entries(pkg)) {
    if (!Array.isArray(value)) continue;
    const objects = value.filter(
      (object): object is MetadataObject =>
        typeof object === 'object' &&
        object !== null &&
        typeof (object as { id?: unknown }).id === 'string',
    );
    ignored += value.length - objects.length;
    for (const object of objects) {
      if (store.get(type, object.id)) updated += 1;
      else created += 1;
    }
    byType[type] = objects.length;
    if (!dryRun && objects.length > 0) store.putMany(type, objects);
  }
  return { created, updated, ignored, byType };
}
