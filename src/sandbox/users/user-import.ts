import type { SandboxContext } from '../context.ts';
import {
  type ErrorReportJson,
  errorReport,
  identifiersWithName,
} from '../metadata/error-report.ts';
import type { ImportBundle, PreparedObject, TypeRules } from '../metadata/import-rules.ts';
import { klassOf, simpleKlassOf } from '../metadata/schemas.ts';
import type { MetadataObject } from '../metadata/store.ts';
import { removePassword, setPassword } from '../users.ts';
import { readIncomingUser } from './user-shape.ts';
import {
  type UserCheck,
  userHookErrors,
  userReferenceErrors,
  userSchemaErrors,
  userUniquenessErrors,
} from './user-validation.ts';

interface UserExtra {
  readonly password: string | undefined;
  readonly hasCredentials: boolean;
}

function userCheck(item: PreparedObject, bundle: ImportBundle): UserCheck {
  const extra = item.extra as UserExtra;
  return {
    version: bundle.ctx.version,
    metadata: bundle.ctx.metadata,
    user: item.object,
    password: extra.password,
    hasCredentials: extra.hasCredentials,
    existing: item.existing,
  };
}

function seenOf(bundle: ImportBundle, key: string): Map<string, MetadataObject> {
  let seen = bundle.seen.get(key);
  if (!seen) {
    seen = new Map();
    bundle.seen.set(key, seen);
  }
  return seen;
}

/**
 * Users in the metadata import: read in the version's shape (user-shape.ts), checked as
 * `UserObjectBundleHook` and the schema validator do (user-validation.ts), and given their password:
 * stored hashed when one came (`DefaultUserService.encodeAndSetPassword`), none for a user of external
 * authentication (`PW_NO_INTERNAL_LOGIN`), the old one kept on an update without one.
 */
export const userRules: TypeRules = {
  prepare(ctx: SandboxContext, raw: Record<string, unknown>) {
    const incoming = readIncomingUser(ctx.version, raw);
    const user = incoming.user;
    if (user.name === undefined && (user.firstName !== undefined || user.surname !== undefined))
      user.name = `${user.firstName ?? ''} ${user.surname ?? ''}`.trim();
    const extra: UserExtra = {
      password: incoming.password,
      hasCredentials: incoming.hasCredentials,
    };
    return { object: user, extra };
  },
  hooks: (item, bundle) => userHookErrors(userCheck(item, bundle)),
  schema: (item, bundle) => userSchemaErrors(userCheck(item, bundle)),
  uniqueness(item, bundle) {
    const seen = seenOf(bundle, 'users.username');
    const errors = userUniquenessErrors(userCheck(item, bundle), seen);
    const username = item.object.username;
    if (typeof username === 'string' && !seen.has(username)) seen.set(username, item.object);
    return errors;
  },
  references: (item, bundle) => userReferenceErrors(userCheck(item, bundle), bundle.payloadIds),
  committed(item, bundle) {
    const extra = item.extra as UserExtra;
    const { db } = bundle.ctx;
    if (item.object.externalAuth === true) removePassword(db, item.object.id);
    else if (extra.password && typeof item.object.username === 'string')
      setPassword(db, item.object.id, item.object.username, extra.password);
  },
};

/** User roles: a name is required and unique (UserRole.hbm.xml, `UniquenessCheck` → E5003). */
export const userRoleRules: TypeRules = {
  schema(item, bundle) {
    const { version } = bundle.ctx;
    if (typeof item.object.name === 'string' && item.object.name !== '') return [];
    return [
      errorReport(version, 'E4000', klassOf(version, 'userRoles'), ['name'], {
        errorProperty: 'name',
        errorKlass: 'java.lang.String',
      }),
    ];
  },
  uniqueness(item, bundle) {
    const { version, metadata } = bundle.ctx;
    const name = item.object.name;
    if (typeof name !== 'string') return [];
    const seen = seenOf(bundle, 'userRoles.name');
    const other =
      seen.get(name) ??
      metadata.list('userRoles').find((role) => role.name === name && role.id !== item.object.id);
    if (!seen.has(name)) seen.set(name, item.object);
    if (!other || other.id === item.object.id) return [];
    const self = identifiersWithName(item.object.id, name, simpleKlassOf(version, 'userRoles'));
    const errors: ErrorReportJson[] = [
      errorReport(version, 'E5003', klassOf(version, 'userRoles'), ['name', name, self, other.id], {
        errorProperty: 'name',
        mainId: other.id,
      }),
    ];
    return errors;
  },
};

/**
 * A user replaced through `PUT /api/users/{id}`, read in the version's shape: the account in its
 * place, a password given stored hashed (never in the metadata), the old one kept when none came.
 */
export function storeUser(ctx: SandboxContext, raw: Record<string, unknown>): void {
  const incoming = readIncomingUser(ctx.version, raw);
  ctx.metadata.put('users', incoming.user);
  if (incoming.user.externalAuth === true) removePassword(ctx.db, incoming.user.id);
  else if (incoming.password && typeof incoming.user.username === 'string')
    setPassword(ctx.db, incoming.user.id, incoming.user.username, incoming.password);
}
