import { stableUid } from './generated-names.ts';
import type { Json } from './generated-plan.ts';
import type { GroupSpec } from './mapping-spec.ts';

/*
 * The program indicator groups of `t2a mapping generate`: a job reads its indicators by group, so each
 * family's indicators join the group the file names (created when the source has none by that name),
 * leave groups the file moved them out of, and orphans leave theirs when they are removed.
 */

export interface StoredGroup {
  readonly id: string;
  readonly name: string;
  /** Its program indicators' UIDs (those that exist). */
  readonly members: readonly string[];
  /** The group as stored (`:owner`), sent back whole with its new members. */
  readonly whole: Json;
}

export interface GroupPlan {
  readonly id: string;
  readonly name: string;
  readonly create: boolean;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Every member after the change, in the order sent. */
  readonly members: readonly string[];
  readonly stored: StoredGroup | undefined;
}

/** The source's group the file means (by UID if it gives one, else by name), or the UID to create it with. */
export function resolveGroup(
  fileKey: string,
  group: GroupSpec,
  stored: readonly StoredGroup[],
): { id: string; stored: StoredGroup | undefined } {
  const found = group.id
    ? stored.find((candidate) => candidate.id === group.id)
    : stored.find((candidate) => candidate.name === group.name);
  return { id: found?.id ?? group.id ?? stableUid(fileKey, 'group', group.name), stored: found };
}

/**
 * The groups whose members change: those the file names, and those holding an indicator of the file
 * elsewhere (moved to another group) or an orphan being removed. A member t2a did not make stays.
 */
export function planGroups(
  fileKey: string,
  generated: readonly { readonly id: string; readonly group: GroupSpec }[],
  stored: readonly StoredGroup[],
  removing: ReadonlySet<string>,
): GroupPlan[] {
  const ours = new Set(generated.map((indicator) => indicator.id));
  const wanted = new Map<
    string,
    { name: string; stored: StoredGroup | undefined; ids: string[] }
  >();
  for (const indicator of generated) {
    const { id, stored: found } = resolveGroup(fileKey, indicator.group, stored);
    const entry = wanted.get(id) ?? {
      name: found?.name ?? indicator.group.name,
      stored: found,
      ids: [],
    };
    entry.ids.push(indicator.id);
    wanted.set(id, entry);
  }
  for (const group of stored)
    if (!wanted.has(group.id) && group.members.some((id) => ours.has(id) || removing.has(id)))
      wanted.set(group.id, { name: group.name, stored: group, ids: [] });
  const plans: GroupPlan[] = [];
  for (const [id, entry] of wanted) {
    const own = new Set(entry.ids);
    const before = entry.stored?.members ?? [];
    const kept = before.filter(
      (member) => !removing.has(member) && (!ours.has(member) || own.has(member)),
    );
    const members = [...kept, ...entry.ids.filter((member) => !kept.includes(member))];
    const added = members.filter((member) => !before.includes(member));
    const removed = before.filter((member) => !members.includes(member));
    if (entry.stored && added.length === 0 && removed.length === 0) continue;
    plans.push({
      id,
      name: entry.name,
      create: !entry.stored,
      added,
      removed,
      members,
      stored: entry.stored,
    });
  }
  return plans;
}

/** The group as the metadata import is sent it: whole, with its new members. */
export function groupImportForm(plan: GroupPlan): Json {
  return {
    ...(plan.stored?.whole ?? { name: plan.name }),
    id: plan.id,
    programIndicators: plan.members.map((id) => ({ id })),
  };
}
