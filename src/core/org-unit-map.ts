/**
 * Org units between two instances: the same UIDs (harmonised), the same codes or attribute values,
 * or an explicit mapping file for instances that are not harmonised.
 */
export interface SourceOrgUnit {
  readonly id: string;
  readonly code?: string | undefined;
  readonly name: string;
  readonly path: string;
  readonly attributeValues?:
    | readonly { readonly attribute: { readonly id: string }; readonly value: string }[]
    | undefined;
}

export type OrgUnitTranslation = (sourceId: string) => string | undefined;

export function orgUnitTranslation(
  scheme: string,
  units: readonly SourceOrgUnit[],
  mapping?: ReadonlyMap<string, string>,
): OrgUnitTranslation {
  if (mapping) return (id) => mapping.get(id);
  if (scheme === 'UID') return (id) => id;
  const byId = new Map(units.map((unit) => [unit.id, unit]));
  if (scheme === 'CODE') return (id) => byId.get(id)?.code || undefined;
  const attribute = scheme.slice('ATTRIBUTE:'.length);
  return (id) =>
    byId.get(id)?.attributeValues?.find((entry) => entry.attribute.id === attribute)?.value ||
    undefined;
}

/** Parses an org unit mapping CSV: a header, then `source,target` per line (UIDs, codes…). */
export function parseOrgUnitMap(text: string): Map<string, string> {
  const mapping = new Map<string, string>();
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  for (const [index, line] of lines.entries()) {
    const [source, target] = line.split(',').map((cell) => cell.trim().replace(/^"|"$/g, ''));
    if (index === 0 && /^source/i.test(source ?? '')) continue;
    if (source && target) mapping.set(source, target);
  }
  return mapping;
}
