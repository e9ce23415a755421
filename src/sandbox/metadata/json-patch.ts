import type { MetadataObject } from './store.ts';

export interface JsonPatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/**
 * RFC 6902 as DHIS2's `JsonPatchManager` applies it (2.37+): an array index removes or inserts that
 * element (the array shrinks or grows), `-` appends, and a path that leads nowhere does nothing.
 */
export function applyJsonPatch(
  object: MetadataObject,
  operations: readonly JsonPatchOperation[],
): MetadataObject {
  const copy = structuredClone(object) as Record<string, unknown>;
  for (const operation of operations) {
    const keys = operation.path
      .split('/')
      .slice(1)
      .map((key) => key.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = keys.pop();
    if (last === undefined) continue;
    let target: unknown = copy;
    for (const key of keys) {
      const container = target as Record<string, unknown>;
      if (operation.op === 'add' && container[key] === undefined) container[key] = {};
      target = container[key];
      if (typeof target !== 'object' || target === null) break;
    }
    if (typeof target !== 'object' || target === null) continue;
    if (Array.isArray(target)) {
      const index = last === '-' ? target.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > target.length) continue;
      if (operation.op === 'remove') target.splice(index, 1);
      else if (operation.op === 'add') target.splice(index, 0, operation.value);
      else if (index < target.length) target[index] = operation.value;
      continue;
    }
    const container = target as Record<string, unknown>;
    if (operation.op === 'remove') delete container[last];
    else container[last] = operation.value;
  }
  return copy as MetadataObject;
}
