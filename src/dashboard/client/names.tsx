import type { Names } from '../api-types.ts';

/** A period as DHIS2 names it, beside its id: "September 2026 (202609)"; the id alone when unnamed. */
export const periodLabel = (id: string, names: Readonly<Record<string, string>>): string => {
  const name = names[id];
  return name ? `${name} (${id})` : id;
};

/** Several periods: each named, or first and last where there are more than two. */
export function periodsLabel(
  ids: readonly string[],
  names: Readonly<Record<string, string>>,
): string {
  if (ids.length === 0) return '—';
  if (ids.length <= 2) return ids.map((id) => periodLabel(id, names)).join(', ');
  return `${periodLabel(ids[0]!, names)} … ${periodLabel(ids[ids.length - 1]!, names)}`;
}

/** An org unit or data element by its name, its id on hover (the id alone when the name is unknown). */
export function Named({
  id,
  of,
  names,
}: {
  readonly id: string;
  readonly of: 'orgUnits' | 'dataElements';
  readonly names: Names;
}) {
  const name = names[of][id];
  return name ? (
    <span title={id} data-id={id}>
      {name}
    </span>
  ) : (
    <span data-id={id}>{id}</span>
  );
}
