import type { SandboxContext } from '../context.ts';
import { since } from '../version.ts';

/** What an import of data values (or registrations) answers, as `ImportSummary.java` holds it. */
export interface Conflict {
  /** Absent in 2.43's conflicts (null fields are not written). */
  object?: string;
  objects: Record<string, string>;
  value: string;
  errorCode: string;
  property?: string;
  indexes: number[];
}

export interface Counts {
  imported: number;
  updated: number;
  ignored: number;
  deleted: number;
}

export interface ImportOutcome {
  status: 'SUCCESS' | 'WARNING' | 'ERROR';
  description: string;
  counts: Counts;
  conflicts: Conflict[];
  /** Absent before 2.39.2 / 2.40.1. */
  rejectedIndexes?: number[];
  dataSetComplete: string;
}

/** Conflicts grouped by (errorCode, objects), indexes accumulated (`ImportSummary.addConflict`, 2.37+). */
export class Conflicts {
  private readonly byKey = new Map<string, Conflict>();

  add(
    errorCode: string,
    property: string | undefined,
    objects: Record<string, string>,
    message: string,
    index: number,
  ): void {
    const key = `${errorCode}|${JSON.stringify(objects)}`;
    const existing = this.byKey.get(key);
    if (existing) {
      existing.indexes.push(index);
      return;
    }
    this.byKey.set(key, {
      object: Object.values(objects)[0] ?? '',
      objects,
      value: message,
      errorCode,
      ...(property ? { property } : {}),
      indexes: [index],
    });
  }

  list(): Conflict[] {
    return [...this.byKey.values()];
  }
}

/** `ImportSummary.rejectedIndexes` came with 2.39.2, 2.40.1 and 2.41.0 (DHIS2-4678). */
export const listsRejected = (ctx: SandboxContext) =>
  since(ctx.version, '2.39.2', '2.40.1', '2.41.0');
