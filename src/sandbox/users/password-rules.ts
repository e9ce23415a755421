import { atLeast, type Dhis2Version } from '../version.ts';

/**
 * The password rules a user import applies, by version. Two rule sets took turns:
 * - `ValidationUtils.passwordIsValid` (2.36 → 2.40.0): 8 to 35 characters once trimmed, a digit and an
 *   upper-case letter (2.36 `ValidationUtils.java:241-249`; 2.38 :255-264, `MAX_PASSWORD_LENGTH = 35`).
 *   No special character, no dictionary.
 * - `DefaultPasswordValidationService` (2.40.1 on, commit b3a269f578e "Misleading message about password
 *   requirements"): the first failing rule of mandatory → length (settings `minPasswordLength` 8,
 *   `maxPasswordLength` 60 in 2.40, 72 from 2.41: `SettingKey`) → digit → upper case → lower case (from
 *   2.42, `LowerCasePatternValidationRule`) → special character → generic words → username/e-mail. The
 *   schema validator passes the literal username "USERNAME" and no e-mail
 *   (`DefaultSchemaValidator.passwordIsValid`, 2.40.1 :195-205), so the last rule never fires on a create
 *   and the password history rule does not apply to a new user.
 */
const DIGIT = /\d/;
const UPPER = /[A-Z]/;
const LOWER = /[a-z]/;
const SPECIAL = /[^A-Za-z0-9]/;
/** `PasswordDictionaryValidationRule.DICTIONARY`, matched case-insensitively anywhere in the password. */
const GENERIC_WORDS = [
  'user',
  'admin',
  'system',
  'administrator',
  'username',
  'password',
  'login',
  'manager',
];
/** A bcrypt hash passes as it is (`DefaultSchemaValidator.BCRYPT_PATTERN`). */
const BCRYPT = /^\$2a?\$\d\d\$[./0-9A-Za-z]{53}/;

/** Whether the import checks the password with `PasswordValidationService` rather than `ValidationUtils`. */
export const usesPasswordValidationService = (version: Dhis2Version) => atLeast(version, 40, 1);

/** `ValidationUtils.passwordIsValid` (2.36 → 2.40.0). */
export function legacyPasswordIsValid(password: string): boolean {
  const length = password.trim().length;
  return length >= 8 && length <= 35 && DIGIT.test(password) && UPPER.test(password);
}

/** `PasswordValidationResult.getErrorMessage` of the first rule that fails, or undefined when all pass. */
export function passwordRuleFailure(version: Dhis2Version, password: string): string | undefined {
  const max = atLeast(version, 41) ? 72 : 60;
  if (password.trim() === '') return 'Username or Password is missing';
  const length = password.trim().length;
  if (length < 8 || length > max)
    return `Password must have at least 8, and at most ${max} characters`;
  if (!DIGIT.test(password)) return 'Password must have at least one digit';
  if (!UPPER.test(password)) return 'Password must have at least one upper case';
  if (atLeast(version, 42) && !LOWER.test(password))
    return 'Password must have at least one lower case';
  if (!SPECIAL.test(password)) return 'Password must have at least one special character';
  const lower = password.toLowerCase();
  if (GENERIC_WORDS.some((word) => lower.includes(word)))
    return 'Password must not have any generic word';
  if (lower.includes('username')) return 'Username/Email must not be a part of password';
  return undefined;
}

/** `DefaultSchemaValidator.isInvalidPassword` of the version. */
export function passwordIsInvalid(version: Dhis2Version, password: string): boolean {
  if (BCRYPT.test(password)) return false;
  return usesPasswordValidationService(version)
    ? passwordRuleFailure(version, password) !== undefined
    : !legacyPasswordIsValid(password);
}
