import {
  type ErrorReportJson,
  errorReport,
  identifiersWithName,
} from '../metadata/error-report.ts';
import { klassOf } from '../metadata/schemas.ts';
import { type MetadataObject, type MetadataStore, refIds } from '../metadata/store.ts';
import { atLeast, type Dhis2Version, since } from '../version.ts';
import { passwordIsInvalid, passwordRuleFailure } from './password-rules.ts';
import { credentialsIdOf } from './user-shape.ts';

/**
 * The checks a user meets in the metadata import (and so in `POST /api/users`, which imports one user),
 * in `ServiceConfig`'s order: the bundle hook, then the schema, uniqueness and references.
 */
export interface UserCheck {
  readonly version: Dhis2Version;
  readonly metadata: MetadataStore;
  readonly user: MetadataObject;
  readonly password: string | undefined;
  readonly hasCredentials: boolean;
  /** The stored user of the same UID: the import updates it. */
  readonly existing: MetadataObject | undefined;
}

const USER = (version: Dhis2Version) => klassOf(version, 'users');
const CREDENTIALS = 'org.hisp.dhis.user.UserCredentials';
const STRING = 'java.lang.String';
const UID = /^[a-zA-Z][a-zA-Z0-9]{10}$/;

/** `ValidationUtils.usernameIsValid`: 2.38.0 lower case only, 2.38.1 any case, 2.38.2+ also `-`. */
export function usernameIsValid(version: Dhis2Version, username: string | undefined): boolean {
  if (!username) return false;
  const pattern = atLeast(version, 38, 2)
    ? /^(?=.{4,255}$)(?![-_.@])(?!.*[-_.@]{2})[-_.@a-zA-Z0-9]+(?<![-_.@])$/
    : atLeast(version, 38, 1)
      ? /^(?=.{4,255}$)(?![_.@])(?!.*[_.@]{2})[a-zA-Z0-9._@]+(?<![_.@])$/
      : /^(?=.{4,255}$)(?![_.@])(?!.*[_.@]{2})[a-z0-9._@]+(?<![_.@])$/;
  return pattern.test(username);
}

const userNamed = (metadata: MetadataStore, username: string) =>
  metadata.list('users').find((other) => other.username === username);

/**
 * `UserObjectBundleHook.validate`, 2.38+ (2.38 :96-121, 2.43 :85-145): E4014 for a malformed UID
 * (2.38.7, 2.41+), E4049 for a username outside `ValidationUtils.USERNAME_PATTERN`, E4054 for a taken
 * one (on create), E4056 for a changed one (on update), E4055 without a role. 2.36/2.37 have no such
 * checks (E4049 exists in 2.37's ErrorCode but nothing raises it).
 */
export function userHookErrors(check: UserCheck): ErrorReportJson[] {
  const { version, user, existing } = check;
  if (!atLeast(version, 38)) return [];
  const errors: ErrorReportJson[] = [];
  const report = (code: 'E4049' | 'E4054' | 'E4055' | 'E4056', property = 'username') =>
    errors.push(
      errorReport(version, code, USER(version), ['username', user.username ?? null], {
        errorProperty: property,
      }),
    );
  const username = user.username as string | undefined;
  if (!existing && !UID.test(user.id) && since(version, '2.38.7', '2.41.0'))
    errors.push(
      errorReport(version, 'E4014', USER(version), [user.id, 'uid'], { errorProperty: 'uid' }),
    );
  if (!existing && !usernameIsValid(version, username)) report('E4049');
  if (!existing && username && userNamed(check.metadata, username)) report('E4054');
  if (existing && username && username !== existing.username) report('E4056');
  if (refIds(user.userRoles).length === 0) report('E4055');
  return errors;
}

/**
 * `DefaultSchemaValidator` on the user (and on its `UserCredentials` up to 2.37, 2.36 :118):
 * required properties (E4000), column length (E4001), `@PropertyRange` (E4002), the password (E4005).
 */
export function userSchemaErrors(check: UserCheck): ErrorReportJson[] {
  const { version, user } = check;
  const main = USER(version);
  const errors: ErrorReportJson[] = [];
  const required = (klass: string, property: string, errorKlass: string) =>
    errorReport(version, 'E4000', klass, [property], { errorProperty: property, errorKlass });
  // firstName and surname are not null in User.hbm.xml up to 2.37 and again from 2.42.
  const namesRequired = !atLeast(version, 38) || atLeast(version, 42);
  // @PropertyRange(min = 2), min = 1 from 2.40.12, 2.41.8, 2.42.5 and 2.43.
  const min = since(version, '2.40.12', '2.41.8', '2.42.5', '2.43.0') ? 1 : 2;
  for (const property of ['firstName', 'surname']) {
    const value = user[property];
    if (typeof value !== 'string' || value === '') {
      if (namesRequired && typeof value !== 'string') errors.push(required(main, property, STRING));
      continue;
    }
    errors.push(...lengthErrors(version, main, property, value, { min, max: 160 }));
  }
  if (!atLeast(version, 38)) {
    if (!check.hasCredentials) return [...errors, required(main, 'userCredentials', CREDENTIALS)];
    if (typeof user.username !== 'string') errors.push(required(CREDENTIALS, 'username', STRING));
  }
  const owner = atLeast(version, 38) ? main : CREDENTIALS;
  return [...errors, ...passwordErrors(version, owner, check.password)];
}

function lengthErrors(
  version: Dhis2Version,
  klass: string,
  property: string,
  value: string,
  range: { min: number; max: number },
): ErrorReportJson[] {
  const extra = { errorProperty: property, errorKlass: STRING };
  if (value.length > range.max)
    return [errorReport(version, 'E4001', klass, [property, range.max, value.length], extra)];
  if (value.length < range.min)
    return [
      errorReport(version, 'E4002', klass, [property, range.min, range.max, value.length], extra),
    ];
  return [];
}

/**
 * The password property: a 60-character column and `@PropertyRange(min = 8, max = 60)` up to 2.40.0
 * (E4001, else E4002 beside E4005); the column alone in 2.40.1+ (E4001); neither from 2.41, whose
 * validator skips both for passwords. An empty password is no error: the user is created without one
 * (2.38 `UserControllerTest.testPostJsonObject`).
 */
function passwordErrors(
  version: Dhis2Version,
  klass: string,
  password: string | undefined,
): ErrorReportJson[] {
  if (password === undefined || password === '') return [];
  const extra = { errorProperty: 'password', errorKlass: STRING };
  if (!atLeast(version, 41)) {
    if (password.length > 60)
      return [errorReport(version, 'E4001', klass, ['password', 60, password.length], extra)];
  }
  const errors: ErrorReportJson[] = [];
  if (!atLeast(version, 40, 1) && password.length < 8)
    errors.push(errorReport(version, 'E4002', klass, ['password', 8, 60, password.length], extra));
  if (passwordIsInvalid(version, password)) {
    // The second argument: the password itself up to 2.40, the failed rule from 2.41.
    const shown = atLeast(version, 41) ? passwordRuleFailure(version, password) : password;
    errors.push(errorReport(version, 'E4005', klass, ['password', shown], extra));
  }
  return errors;
}

/**
 * `UniquenessCheck`: a username held by another user, stored or earlier in the same import (E5003). Up
 * to 2.37 it is the credentials' property (2.36 `UniquenessCheck.java:78-83`); from 2.38 the user's
 * (unique in User.hbm.xml), reported beside the hook's E4054 (inferred from the two checks' code).
 */
export function userUniquenessErrors(
  check: UserCheck,
  earlier: ReadonlyMap<string, MetadataObject>,
): ErrorReportJson[] {
  const { version, user } = check;
  const username = user.username;
  if (typeof username !== 'string') return [];
  const stored = userNamed(check.metadata, username);
  const other = earlier.get(username) ?? (stored?.id !== user.id ? stored : undefined);
  if (!other || other.id === user.id) return [];
  const legacy = !atLeast(version, 38);
  const klass = legacy ? CREDENTIALS : USER(version);
  const name = `${user.firstName} ${user.surname}`;
  const self = legacy
    ? identifiersWithName(credentialsIdOf(user), name, 'UserCredentials')
    : identifiersWithName(user.id, name, 'User');
  const otherId = legacy ? credentialsIdOf(other) : other.id;
  return [
    errorReport(version, 'E5003', klass, ['username', username, self, otherId], {
      errorProperty: 'username',
      mainId: otherId,
    }),
  ];
}

/** `ReferencesCheck`: roles and org units that exist neither in the store nor in the import (E5002). */
export function userReferenceErrors(
  check: UserCheck,
  payload: ReadonlyMap<string, ReadonlySet<string>>,
): ErrorReportJson[] {
  const { version, user } = check;
  const errors: ErrorReportJson[] = [];
  const owner = identifiersWithName(user.id, `${user.firstName} ${user.surname}`, 'User');
  const properties: [string, string, string][] = [
    ['userRoles', 'userRoles', atLeast(version, 38) ? 'UserRole' : 'UserAuthorityGroup'],
    ['organisationUnits', 'organisationUnits', 'OrganisationUnit'],
    ['dataViewOrganisationUnits', 'organisationUnits', 'OrganisationUnit'],
    ['teiSearchOrganisationUnits', 'organisationUnits', 'OrganisationUnit'],
  ];
  for (const [property, type, simple] of properties)
    for (const id of refIds(user[property]))
      if (!check.metadata.get(type, id) && !payload.get(type)?.has(id))
        errors.push(
          errorReport(
            version,
            'E5002',
            USER(version),
            [identifiersWithName(id, undefined, simple), owner, property],
            { errorProperty: property },
          ),
        );
  return errors;
}
