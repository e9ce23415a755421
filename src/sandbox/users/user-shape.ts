import type { MetadataObject } from '../metadata/store.ts';
import { uidFrom } from '../users.ts';
import { atLeast, type Dhis2Version } from '../version.ts';

/**
 * A user's JSON in each version. The sandbox stores one shape (2.42's: everything on the user) and
 * reads and writes the others:
 * - 2.36/2.37: the account lives in `userCredentials` (`User.getUserCredentials`, required, 2.36
 *   `User.java:633`): username, password, roles (`userRoles`), `disabled`, `accountExpiry`,
 *   `externalAuth`. The same keys on the user are not properties of `User` and Jackson drops them.
 * - 2.38–2.41: on the user, with `userCredentials` still read (`User.populateUserCredentialsDtoFields`,
 *   2.38 `User.java:1271-1290`): Spring's `BeanUtils.copyProperties` copies every account property of
 *   the nested object over the user's, absent ones as null or false; only `password` and `userRoles`
 *   are taken when given. Served back as a `userCredentials` DTO whose id is the user's
 *   (`User.getUserCredentials`; asserted by 2.38 `UserControllerTest.testGetUserLegacyUserCredentialsIdPresent`).
 * - 2.42/2.43: on the user only; `userCredentials` is no property any more (commit 035abb8ac29) and is
 *   dropped.
 */
const ACCOUNT = [
  'username',
  'disabled',
  'externalAuth',
  'accountExpiry',
  'openId',
  'ldapId',
] as const;
/** Kept on the stored user for 2.36/2.37 only: the id their credentials object was given. */
const CREDENTIALS_ID = 'userCredentialsId';

export interface IncomingUser {
  /** The user as stored, without its password. */
  readonly user: MetadataObject;
  readonly password: string | undefined;
  /** 2.36/2.37: whether `userCredentials` came at all (E4000 without). */
  readonly hasCredentials: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function readIncomingUser(
  version: Dhis2Version,
  raw: Record<string, unknown>,
): IncomingUser {
  const { userCredentials, password, ...rest } = raw;
  const nested = isObject(userCredentials) ? userCredentials : undefined;
  const user = { ...rest } as MetadataObject;
  let secret = text(password);
  if (!atLeast(version, 38)) {
    for (const key of [...ACCOUNT, 'userRoles']) delete user[key];
    secret = text(nested?.password);
    if (nested) copyAccount(user, nested);
    if (nested?.userRoles !== undefined) user.userRoles = nested.userRoles;
    if (typeof nested?.id === 'string') user[CREDENTIALS_ID] = nested.id;
  } else if (nested && !atLeast(version, 42)) {
    copyAccount(user, nested);
    if (nested.password !== undefined && nested.password !== null) secret = text(nested.password);
    if (nested.userRoles !== undefined && nested.userRoles !== null)
      user.userRoles = nested.userRoles;
  }
  user.disabled = user.disabled === true;
  user.externalAuth = user.externalAuth === true;
  for (const key of ['username', 'accountExpiry', 'openId', 'ldapId'])
    if (user[key] === null || user[key] === undefined) delete user[key];
  if (!Array.isArray(user.userRoles)) delete user.userRoles;
  return { user, password: secret, hasCredentials: nested !== undefined };
}

function copyAccount(user: MetadataObject, nested: Record<string, unknown>): void {
  for (const key of ACCOUNT) user[key] = nested[key] ?? null;
}

/**
 * The user as the version serves it (`GET /api/users`, `/api/me`): never its password. A user a seed
 * loaded from an older export may still hold its account in `userCredentials`; it is read from there.
 */
export function presentUser(version: Dhis2Version, stored: MetadataObject): MetadataObject {
  const {
    [CREDENTIALS_ID]: credentialsId,
    password: _password,
    userCredentials: storedNested,
    ...user
  } = stored;
  if (isObject(storedNested))
    for (const key of [...ACCOUNT, 'userRoles'])
      if (user[key] === undefined && storedNested[key] !== undefined) user[key] = storedNested[key];
  if (atLeast(version, 42)) return user as MetadataObject;
  const ownId = text(credentialsId) ?? (isObject(storedNested) ? text(storedNested.id) : undefined);
  const credentials: Record<string, unknown> = {
    id: atLeast(version, 38) ? user.id : (ownId ?? uidFrom(`credentials:${user.id}`)),
    twoFA: false,
  };
  for (const key of ACCOUNT) if (user[key] !== undefined) credentials[key] = user[key];
  const roles = Array.isArray(user.userRoles) ? user.userRoles : [];
  // UserCredentialsDto sets its roles only when the user has some (2.38 `User.getUserCredentials`).
  if (roles.length > 0 || !atLeast(version, 38)) credentials.userRoles = roles;
  if (atLeast(version, 38)) return { ...user, userCredentials: credentials } as MetadataObject;
  const legacy: Record<string, unknown> = {
    ...user,
    userCredentials: { ...credentials, userInfo: { id: user.id } },
  };
  for (const key of [...ACCOUNT, 'userRoles']) delete legacy[key];
  return legacy as MetadataObject;
}

/** The credentials' own UID of 2.36/2.37 (`UserCredentials` was an object of its own). */
export function credentialsIdOf(stored: MetadataObject): string {
  return text(stored[CREDENTIALS_ID]) ?? uidFrom(`credentials:${stored.id}`);
}
