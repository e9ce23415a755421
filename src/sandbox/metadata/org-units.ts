import { type MetadataObject, type MetadataStore, refIds } from './store.ts';

/**
 * The org unit hierarchy, read from each unit's `path` (`/root/region/district/facility`, as DHIS2
 * stores it). Rebuilt when metadata changes.
 */
export class OrgUnitHierarchy {
  private generation = -1;
  private byId = new Map<string, MetadataObject>();
  private children = new Map<string, string[]>();

  constructor(private readonly metadata: MetadataStore) {}

  get(id: string): MetadataObject | undefined {
    this.refresh();
    return this.byId.get(id);
  }

  path(id: string): string | undefined {
    const unit = this.get(id);
    return typeof unit?.path === 'string' ? unit.path : undefined;
  }

  level(id: string): number | undefined {
    const path = this.path(id);
    return path ? path.split('/').length - 1 : undefined;
  }

  /** True when `id` is one of `roots` or below one of them. */
  isWithin(id: string, roots: readonly string[]): boolean {
    const path = this.path(id);
    if (!path) return false;
    const ancestors = path.split('/');
    return roots.some((root) => ancestors.includes(root));
  }

  /** The unit and everything below it. */
  subtree(id: string): string[] {
    this.refresh();
    const result: string[] = [];
    const stack = [id];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (!this.byId.has(next)) continue;
      result.push(next);
      stack.push(...(this.children.get(next) ?? []));
    }
    return result;
  }

  /** Units at an absolute level (1 = root) within the given roots (all roots when empty). */
  atLevel(level: number, roots: readonly string[] = []): string[] {
    this.refresh();
    return [...this.byId.values()]
      .filter((unit) => this.level(unit.id) === level)
      .filter((unit) => roots.length === 0 || this.isWithin(unit.id, roots))
      .map((unit) => unit.id);
  }

  inGroup(groupId: string): string[] {
    return refIds(this.metadata.get('organisationUnitGroups', groupId)?.organisationUnits);
  }

  roots(): string[] {
    this.refresh();
    return [...this.byId.values()]
      .filter((unit) => this.level(unit.id) === 1)
      .map((unit) => unit.id);
  }

  all(): MetadataObject[] {
    this.refresh();
    return [...this.byId.values()];
  }

  private refresh(): void {
    if (this.generation === this.metadata.generation) return;
    this.generation = this.metadata.generation;
    this.byId = new Map(this.metadata.list('organisationUnits').map((unit) => [unit.id, unit]));
    this.children = new Map();
    for (const unit of this.byId.values()) {
      const parent = (unit.parent as { id?: string } | undefined)?.id;
      if (!parent) continue;
      const siblings = this.children.get(parent) ?? [];
      siblings.push(unit.id);
      this.children.set(parent, siblings);
    }
  }
}
