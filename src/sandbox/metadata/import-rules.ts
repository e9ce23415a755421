import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import type { ErrorReportJson } from './error-report.ts';
import type { MetadataObject } from './store.ts';

/** One object of an import, read into the shape the sandbox stores. */
export interface PreparedObject {
  readonly type: string;
  /** Its place in its type's list of the payload (`ObjectReport.index`). */
  readonly index: number;
  readonly object: MetadataObject;
  /** The stored object of the same UID: the import updates it. */
  readonly existing: MetadataObject | undefined;
  /** What the type keeps beside the object (a user's password). */
  readonly extra?: unknown;
}

/** What every check of one import sees. */
export interface ImportBundle {
  readonly ctx: SandboxContext;
  readonly actor: SandboxUser;
  /** The UIDs of the import, by type, for references between its objects. */
  readonly payloadIds: ReadonlyMap<string, ReadonlySet<string>>;
  /** `UniquenessCheck`'s map: by type and property, the values seen so far in the import. */
  readonly seen: Map<string, Map<string, MetadataObject>>;
}

/**
 * A type's part in the import, in the order `ServiceConfig` runs the checks: the bundle hook
 * (`ObjectBundleHook.validate`), then (after the security check, common to all types) the schema,
 * uniqueness and references. A type without rules is taken as it comes.
 */
export interface TypeRules {
  prepare?(
    ctx: SandboxContext,
    raw: Record<string, unknown>,
  ): { object: MetadataObject; extra?: unknown };
  hooks?(item: PreparedObject, bundle: ImportBundle): ErrorReportJson[];
  schema?(item: PreparedObject, bundle: ImportBundle): ErrorReportJson[];
  uniqueness?(item: PreparedObject, bundle: ImportBundle): ErrorReportJson[];
  references?(item: PreparedObject, bundle: ImportBundle): ErrorReportJson[];
  /** After the object is stored (a user's credentials). */
  committed?(item: PreparedObject, bundle: ImportBundle): void;
}
