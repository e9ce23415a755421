import { randomBytes } from 'node:crypto';
import type { SandboxContext } from '../context.ts';
import type { SandboxUser } from '../http/env.ts';
import { defaultSharing } from '../users/sharing.ts';
import { userRoleRules, userRules } from '../users/user-import.ts';
import { programIndicatorRules, programRules } from './category-mappings.ts';
import { type ErrorReportJson, errorReport, identifiersWithName } from './error-report.ts';
import {
  emptyStats,
  type ImportReportJson,
  type ImportStatus,
  ignoreAll,
  type ObjectReportJson,
  sumStats,
  type TypeReportJson,
  withTotal,
} from './import-report.ts';
import type { ImportBundle, PreparedObject, TypeRules } from './import-rules.ts';
import { commitDeletion, validateDeletion } from './metadata-deletion.ts';
import { canCreate, canMakePublic, klassOf, schemaOf, simpleKlassOf } from './schemas.ts';
import { accessToUpdate } from './security-check.ts';
import type { MetadataObject } from './store.ts';

/**
 * `POST /api/metadata` and the imports behind `POST /api/users` (`DefaultMetadataImportService`): the
 * objects of each type are checked (`ObjectBundleValidationService`), then committed. With atomicMode
 * ALL (the default, 2.36 `MetadataImportParams.java:103`; 2.43 :79) one error commits nothing and the
 * report is ERROR; with NONE the valid objects are committed and the report is WARNING.
 * `importMode=VALIDATE` (or `dryRun=true`) checks without committing. `importStrategy=DELETE` removes
 * the objects named (metadata-deletion.ts).
 */
export interface MetadataImportOptions {
  readonly atomicMode: 'ALL' | 'NONE';
  readonly dryRun: boolean;
  /** `CREATE` refuses objects that exist (`CreationCheck`, E5000): `POST /api/users`. */
  readonly importStrategy: 'CREATE_AND_UPDATE' | 'CREATE' | 'DELETE';
}

export interface MetadataImportResult {
  readonly report: ImportReportJson;
  /** Every object report, in import order (`POST /api/users` answers with the first). */
  readonly objectReports: readonly ObjectReportJson[];
  /** The UIDs of the objects read, in import order. */
  readonly uids: readonly string[];
}

const RULES: Record<string, TypeRules> = {
  users: userRules,
  userRoles: userRoleRules,
  programs: programRules,
  programIndicators: programIndicatorRules,
};
/** Roles before users, as the schemas' order imports them (`UserRole` before `User`). */
const ORDER: Record<string, number> = { userRoles: -2, users: -1 };

/** A UID as `CodeGenerator.generateUid` makes them: a letter, then ten letters or digits. */
export const newUid = () => {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const all = `${letters}0123456789`;
  const bytes = randomBytes(11);
  return (
    letters[bytes[0]! % letters.length] +
    [...bytes.subarray(1)].map((b) => all[b % all.length]).join('')
  );
};

function prepare(ctx: SandboxContext, pkg: Record<string, unknown>): PreparedObject[] {
  const types = Object.keys(pkg)
    .filter((type) => Array.isArray(pkg[type]))
    .sort((a, b) => (ORDER[a] ?? 0) - (ORDER[b] ?? 0));
  return types.flatMap((type) =>
    (pkg[type] as unknown[]).flatMap((value, index): PreparedObject[] => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
      const raw = { ...(value as Record<string, unknown>) };
      // The preheat gives an object without a UID a new one (DefaultPreheatService).
      if (typeof raw.id !== 'string' || raw.id === '') raw.id = newUid();
      const read = RULES[type]?.prepare?.(ctx, raw) ?? { object: raw as MetadataObject };
      const existing = ctx.metadata.get(type, read.object.id);
      return [{ type, index, object: read.object, existing, extra: read.extra }];
    }),
  );
}

/** `SecurityCheck`: E3000 without the type's create authority, E3001 without write access. */
function securityErrors(item: PreparedObject, bundle: ImportBundle): ErrorReportJson[] {
  const { version } = bundle.ctx;
  const actor = bundle.actor;
  const who = identifiersWithName(actor.id, actor.displayName, 'User');
  const what = identifiersWithName(
    item.object.id,
    item.object.name,
    simpleKlassOf(version, item.type),
  );
  const klass = klassOf(version, item.type);
  if (!item.existing && !canCreate(actor.authorities, item.type))
    return [errorReport(version, 'E3000', klass, [who, what])];
  if (item.existing && !accessToUpdate(bundle.ctx.metadata, actor, item.type, item.existing))
    return [errorReport(version, 'E3001', klass, [who, what])];
  return [];
}

interface TypeOutcome {
  readonly report: TypeReportJson;
  readonly valid: PreparedObject[];
  readonly hasErrors: boolean;
}

function validateType(
  type: string,
  items: readonly PreparedObject[],
  bundle: ImportBundle,
  options: MetadataImportOptions,
): TypeOutcome {
  const rules = RULES[type] ?? {};
  const { version } = bundle.ctx;
  const stats = emptyStats();
  const reports = new Map<number, ObjectReportJson>();
  const invalid = new Set<PreparedObject>();
  const add = (item: PreparedObject, errors: ErrorReportJson[], removes = true) => {
    if (errors.length === 0) return;
    const report = reports.get(item.index) ?? {
      klass: klassOf(version, type),
      index: item.index,
      uid: item.object.id,
      ...(typeof item.object.name === 'string' ? { displayName: item.object.name } : {}),
      errorReports: [],
    };
    report.errorReports.push(...errors);
    reports.set(item.index, report);
    if (removes) {
      stats.ignored += 1;
      invalid.add(item);
    }
  };
  const creation = (item: PreparedObject) =>
    options.importStrategy === 'CREATE' && item.existing
      ? [
          errorReport(
            version,
            'E5000',
            klassOf(version, type),
            [
              'UID',
              identifiersWithName(item.object.id, item.object.name, simpleKlassOf(version, type)),
            ],
            { mainId: item.object.id },
          ),
        ]
      : [];
  for (const item of items) add(item, rules.hooks?.(item, bundle) ?? []);
  for (const item of items) add(item, securityErrors(item, bundle));
  for (const item of items) add(item, creation(item));
  for (const item of items) add(item, rules.schema?.(item, bundle) ?? []);
  for (const item of items) add(item, rules.uniqueness?.(item, bundle) ?? []);
  let referenceErrors = false;
  for (const item of items) {
    const errors = rules.references?.(item, bundle) ?? [];
    referenceErrors ||= errors.length > 0;
    add(item, errors, false);
  }
  // ReferencesCheck counts one ignored per type, and only under atomicMode ALL.
  if (referenceErrors && options.atomicMode === 'ALL') stats.ignored += 1;
  const valid = items.filter((item) => !invalid.has(item));
  stats.created = valid.filter((item) => !item.existing).length;
  stats.updated = valid.length - stats.created;
  const report = {
    klass: klassOf(version, type),
    stats: withTotal(stats),
    objectReports: [...reports.values()].sort((a, b) => a.index - b.index),
  };
  return { report, valid, hasErrors: reports.size > 0 };
}

function commit(bundle: ImportBundle, items: readonly PreparedObject[]): void {
  const byType = new Map<string, MetadataObject[]>();
  for (const item of items) {
    const list = byType.get(item.type) ?? [];
    list.push(withSharing(bundle, item));
    byType.set(item.type, list);
  }
  for (const [type, objects] of byType) bundle.ctx.metadata.putMany(type, objects);
  for (const item of items) RULES[item.type]?.committed?.(item, bundle);
}

/** The object as stored: an update without sharing keeps the stored one, a new one gets the default. */
function withSharing(bundle: ImportBundle, item: PreparedObject): MetadataObject {
  const object = { ...item.object };
  if (hasPublicAccess(object)) return object;
  if (item.existing && hasPublicAccess(item.existing))
    return { ...object, ...pick(item.existing, ['sharing', 'publicAccess']) };
  if (!schemaOf(item.type).shareable) return object;
  const mayMakePublic = canMakePublic(bundle.actor.authorities, item.type);
  return { ...object, ...defaultSharing(bundle.actor.id, mayMakePublic) };
}

const pick = (object: MetadataObject, keys: readonly string[]) =>
  Object.fromEntries(keys.filter((key) => key in object).map((key) => [key, object[key]]));

const hasPublicAccess = (object: MetadataObject) => {
  const sharing = object.sharing as { public?: unknown } | undefined;
  return (
    (typeof sharing?.public === 'string' && sharing.public !== '') ||
    (typeof object.publicAccess === 'string' && object.publicAccess !== '')
  );
};

export function importMetadata(
  ctx: SandboxContext,
  actor: SandboxUser,
  pkg: Record<string, unknown>,
  options: MetadataImportOptions,
): MetadataImportResult {
  const items = prepare(ctx, pkg);
  const payloadIds = new Map<string, Set<string>>();
  for (const item of items) {
    if (!payloadIds.has(item.type)) payloadIds.set(item.type, new Set());
    payloadIds.get(item.type)!.add(item.object.id);
  }
  const bundle: ImportBundle = { ctx, actor, payloadIds, seen: new Map() };
  const validate = options.importStrategy === 'DELETE' ? validateDeletion : validateType;
  const outcomes = [...payloadIds.keys()].map((type) =>
    validate(
      type,
      items.filter((item) => item.type === type),
      bundle,
      options,
    ),
  );
  const hasErrors = outcomes.some((outcome) => outcome.hasErrors);
  let status: ImportStatus = 'OK';
  let typeReports = outcomes.map((outcome) => outcome.report);
  if (hasErrors && options.atomicMode === 'ALL') {
    status = 'ERROR';
    typeReports = typeReports.map(ignoreAll);
  } else {
    if (hasErrors) status = 'WARNING';
    const valid = outcomes.flatMap((outcome) => outcome.valid);
    if (options.dryRun) {
      // checked only
    } else if (options.importStrategy === 'DELETE') commitDeletion(ctx, valid);
    else commit(bundle, valid);
  }
  const objectReports = typeReports.flatMap((report) => report.objectReports);
  return {
    report: { status, stats: sumStats(typeReports), typeReports },
    objectReports,
    uids: items.map((item) => item.object.id),
  };
}
