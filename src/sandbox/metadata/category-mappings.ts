import type { SandboxContext } from '../context.ts';
import { atLeast, type Dhis2Version } from '../version.ts';
import { type ErrorReportJson, errorReport } from './error-report.ts';
import type { TypeRules } from './import-rules.ts';
import {
  programIndicatorSchemaErrors,
  programIndicatorUniquenessErrors,
} from './program-indicator-checks.ts';
import { klassOf } from './schemas.ts';
import type { MetadataObject } from './store.ts';

/*
 * The metadata of 2.42 program indicator disaggregation (migration V2_42_37__Program_indicator_
 * disaggregation.sql): a program's `categoryMappings` and an indicator's `categoryCombo`,
 * `attributeCombo`, `categoryMappingIds` and `aggregateExportDataElement`.
 */

/** The properties 2.42.0 added, by type (`Program.java`, `ProgramIndicator.java` @2.42.0). */
const ADDED_IN_2_42: Record<string, readonly string[]> = {
  programs: ['categoryMappings'],
  programIndicators: [
    'categoryCombo',
    'attributeCombo',
    'categoryMappingIds',
    'aggregateExportDataElement',
  ],
};

/** DHIS2's default category combo: `DefaultCategoryService.generateDefaultDimension` gives it this UID. */
export const DEFAULT_CATEGORY_COMBO = 'bjDvmb4bfuf';

/** `ProgramCategoryMapping` and its `ProgramCategoryOptionMapping`s, with the Java defaults. */
export interface ProgramCategoryMapping {
  readonly id: string | null;
  readonly categoryId: string | null;
  readonly mappingName: string | null;
  readonly optionMappings: readonly {
    readonly optionId: string | null;
    readonly filter: string | null;
  }[];
}

const textOr = (value: unknown, fallback: string | null): string | null =>
  value === undefined
    ? fallback
    : typeof value === 'string'
      ? value
      : value === null
        ? null
        : String(value);

/**
 * A program's mappings as Jackson reads them into `Set<ProgramCategoryMapping>`: unknown properties
 * dropped, missing ones at their field defaults (`""`, an empty list, null for an option's fields), and
 * mappings equal in every field kept once (Lombok's `@EqualsAndHashCode` in a `HashSet`).
 */
export function readCategoryMappings(
  program: MetadataObject | undefined,
): ProgramCategoryMapping[] {
  const raw = program?.categoryMappings;
  if (!Array.isArray(raw)) return [];
  const seen = new Set<string>();
  return raw.flatMap((entry): ProgramCategoryMapping[] => {
    const m = (entry ?? {}) as Record<string, unknown>;
    const options = Array.isArray(m.optionMappings) ? m.optionMappings : [];
    const mapping: ProgramCategoryMapping = {
      id: textOr(m.id, ''),
      categoryId: textOr(m.categoryId, ''),
      mappingName: textOr(m.mappingName, ''),
      optionMappings: options.map((option) => {
        const o = (option ?? {}) as Record<string, unknown>;
        return { optionId: textOr(o.optionId, null), filter: textOr(o.filter, null) };
      }),
    };
    const key = JSON.stringify(mapping);
    if (seen.has(key)) return [];
    seen.add(key);
    return [mapping];
  });
}

/** The mappings as DHIS2 writes them back: Jackson's NON_NULL leaves the null fields out. */
function mappingJson(mapping: ProgramCategoryMapping): Record<string, unknown> {
  const drop = (object: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(object).filter(([, value]) => value !== null));
  return drop({
    ...mapping,
    optionMappings: mapping.optionMappings.map((option) => drop({ ...option })),
  });
}

/**
 * An object as the version stores it. Before 2.42 these properties are unknown to DHIS2 and Jackson,
 * configured not to fail on unknown properties (`JacksonObjectMapperConfig.configureMapper`:
 * `FAIL_ON_UNKNOWN_PROPERTIES` disabled, 2.36–2.43), drops them. From 2.42 the mappings are kept in
 * their Java shape and the mapping ids as the set they are.
 */
export function storedForm(
  version: Dhis2Version,
  type: string,
  object: MetadataObject,
): MetadataObject {
  const added = ADDED_IN_2_42[type];
  if (!added) return object;
  if (!atLeast(version, 42))
    return Object.fromEntries(
      Object.entries(object).filter(([key]) => !added.includes(key)),
    ) as MetadataObject;
  const stored = { ...object };
  if (type === 'programs' && 'categoryMappings' in object)
    stored.categoryMappings = readCategoryMappings(object).map(mappingJson);
  if (type === 'programIndicators' && Array.isArray(object.categoryMappingIds))
    stored.categoryMappingIds = [...new Set(object.categoryMappingIds.map(String))];
  return stored;
}

/**
 * An object as 2.42+ serves it: the new collections are never null (`categoryMappings` defaults to
 * `'[]'` in the database, `categoryMappingIds` to an empty set) and an indicator without combos has the
 * default one (the migration set existing rows to it; the preheat links a new one to it,
 * `DefaultPreheatService.connectDefaults`).
 */
export function servedForm(
  ctx: SandboxContext,
  type: string,
  object: MetadataObject,
): MetadataObject {
  if (!atLeast(ctx.version, 42)) return object;
  if (type === 'programs' && object.categoryMappings === undefined)
    return { ...object, categoryMappings: [] };
  if (type !== 'programIndicators') return object;
  const fallback = { id: defaultComboId(ctx) };
  return {
    ...object,
    categoryCombo: object.categoryCombo ?? fallback,
    attributeCombo: object.attributeCombo ?? fallback,
    categoryMappingIds: object.categoryMappingIds ?? [],
  };
}

/** The default category combo of this instance: the one named `default`, else DHIS2's fixed UID. */
export function defaultComboId(ctx: SandboxContext): string {
  return (
    ctx.metadata.list('categoryCombos').find((combo) => combo.name === 'default')?.id ??
    DEFAULT_CATEGORY_COMBO
  );
}

const UID = /^[a-zA-Z][a-zA-Z0-9]{10}$/;
/** `CodeGenerator.isValidUid`. */
const isValidUid = (uid: string | null) => uid !== null && UID.test(uid);

/**
 * `ProgramObjectBundleHook.validateCategoryMappings` (2.42+), on every import of a program (POST, PUT,
 * PATCH and `/api/metadata` all go through the metadata import): only the shape of the mappings (UIDs,
 * duplicates), never whether the categories and options exist, except in 2.42.0, which first ran
 * `ProgramCategoryMappingValidator.validateProgramCategoryMappings` against the database (the objects
 * stored before the import, not those of the same payload) and reported its first error (removed in
 * 2.42.1 by DHIS2-19663, which added E4080 and the import-time E4079).
 */
export function categoryMappingErrors(
  ctx: SandboxContext,
  program: MetadataObject,
): ErrorReportJson[] {
  if (!atLeast(ctx.version, 42)) return [];
  const mappings = readCategoryMappings(program);
  const klass = klassOf(ctx.version, 'programs');
  const errors: ErrorReportJson[] = [];
  const report = (code: Parameters<typeof errorReport>[1], ...args: unknown[]) =>
    errors.push(errorReport(ctx.version, code, klass, args));
  const released = atLeast(ctx.version, 42, 1);
  if (!released) {
    const conflict = storedReferenceConflict(ctx, program.id, mappings);
    if (conflict) report(conflict.code, ...conflict.args);
  }
  const ids = new Set<string | null>();
  for (const mapping of mappings) {
    if (!isValidUid(mapping.id)) report('E4075', program.id, mapping.id);
    if (ids.has(mapping.id)) report('E4076', program.id, mapping.id);
    ids.add(mapping.id);
  }
  const names = new Set<string>();
  for (const mapping of mappings) {
    const key = `${mapping.categoryId}${mapping.mappingName}`;
    if (names.has(key)) report('E4077', program.id, mapping.categoryId, mapping.mappingName);
    names.add(key);
  }
  if (!released) return errors;
  for (const mapping of mappings) {
    const options = new Set<string | null>();
    for (const { optionId } of mapping.optionMappings) {
      if (!isValidUid(optionId)) report('E4080', program.id, mapping.id, optionId);
      if (options.has(optionId)) report('E4079', program.id, mapping.id, optionId);
      options.add(optionId);
    }
  }
  return errors;
}

export interface MappingConflict {
  readonly code: 'E4072' | 'E4073' | 'E4079';
  readonly args: readonly (string | null)[];
}

/**
 * `ProgramCategoryMappingValidator.validateCategoryMapping`: the first mapping whose category is not
 * stored (E4072), or one of whose options is not stored (E4073) or is mapped twice (E4079), in the
 * mappings' order; the validator throws at the first.
 */
export function storedReferenceConflict(
  ctx: SandboxContext,
  programId: string,
  mappings: readonly ProgramCategoryMapping[],
): MappingConflict | undefined {
  for (const mapping of mappings) {
    if (!ctx.metadata.get('categories', mapping.categoryId ?? ''))
      return { code: 'E4072', args: [programId, mapping.id, mapping.categoryId] };
    const seen = new Set<string | null>();
    for (const { optionId } of mapping.optionMappings) {
      if (!ctx.metadata.get('categoryOptions', optionId ?? ''))
        return { code: 'E4073', args: [programId, mapping.categoryId, mapping.id, optionId] };
      if (seen.has(optionId)) return { code: 'E4079', args: [programId, mapping.id, optionId] };
      seen.add(optionId);
    }
  }
  return undefined;
}

/** The import's rules for programs and program indicators (`/api/metadata`). */
export const programRules: TypeRules = {
  prepare: (ctx, raw) => ({ object: storedForm(ctx.version, 'programs', raw as MetadataObject) }),
  hooks: (item, bundle) => categoryMappingErrors(bundle.ctx, item.object),
};

export const programIndicatorRules: TypeRules = {
  prepare: (ctx, raw) => ({
    object: storedForm(ctx.version, 'programIndicators', raw as MetadataObject),
  }),
  schema: programIndicatorSchemaErrors,
  uniqueness: programIndicatorUniquenessErrors,
};
