import type { Finding } from '../core/finding.ts';
import type { GroupPlan } from '../core/generated-groups.ts';
import type { DesiredObject, Json, ObjectPlan, SourceIndicator } from '../core/generated-plan.ts';
import type { IndicatorForValidation } from '../core/mapping-metadata.ts';
import type { GroupSpec } from '../core/mapping-spec.ts';
import type { MetadataImportReport } from '../dhis2/metadata-import.ts';

/** What `t2a mapping generate` is asked to do. */
export interface GenerateOptions {
  readonly job?: string | undefined;
  readonly dryRun: boolean;
  readonly removeOrphans: boolean;
  readonly native: boolean;
}

/** What it found, would do or did: one result, rendered for people or as JSON. */
export interface GenerateResult {
  readonly file: string;
  readonly job: string;
  readonly source: { readonly name: string; readonly version: string };
  readonly form: 'per-combo' | 'native';
  readonly dryRun: boolean;
  readonly indicators: ObjectPlan;
  /** Native form: what the source lacks and t2a creates, per type. */
  readonly created: readonly { readonly type: string; readonly objects: readonly Json[] }[];
  /** Native form: the programmes whose category mappings change. */
  readonly programs: ObjectPlan;
  readonly groups: readonly GroupPlan[];
  readonly orphans: readonly SourceIndicator[];
  readonly removeOrphans: boolean;
  readonly findings: readonly Finding[];
  readonly errors: number;
  /**
   * The metadata imports sent, with DHIS2's reports (none on a dry run or when nothing changes); the
   * orphans' removal is the last, its own import.
   */
  readonly imports: readonly MetadataImportReport[];
  /** The orphans removed. */
  readonly deleted: readonly string[];
}

/** The native form's extra objects: what the source lacks, and its programmes' mappings. */
export interface NativeForm {
  readonly created: readonly { readonly type: string; readonly objects: readonly Json[] }[];
  readonly programs: ObjectPlan;
  /** The programmes as stored, sent back whole with their new mappings. */
  readonly storedPrograms: ReadonlyMap<string, Json>;
}

/** The indicators t2a wants on the source, in either form, and what validation reads of them. */
export interface Form {
  readonly indicators: readonly DesiredObject[];
  /** The per-combo indicators (in the native form, the combos its one indicator per family gives). */
  readonly validated: readonly IndicatorForValidation[];
  readonly members: readonly { readonly id: string; readonly group: GroupSpec }[];
  readonly native: NativeForm | undefined;
  readonly findings: readonly Finding[];
}
