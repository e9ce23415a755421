import { describe, expect, it } from 'vitest';
import { api, sandboxForFile } from './helpers.ts';
import { errorsOf, flatUser, importUsers, nestedUser } from './users-helpers.ts';

/**
 * E4005 and its neighbours, worked out by hand from each version's `DefaultSchemaValidator` and rules:
 * - up to 2.40.0 `ValidationUtils.passwordIsValid` (8–35 trimmed, a digit, an upper-case letter), with
 *   the 60-character column (E4001, alone) and `@PropertyRange(min = 8, max = 60)` (E4002 beside E4005);
 *   the message echoes the password, with a dot up to 2.38;
 * - 2.40.1–2.40.x `PasswordValidationService` (max 60, special character, generic words), the column
 *   still checked, the password still echoed;
 * - 2.41+ the same service (max 72) naming the failed rule (2.43 `DefaultSchemaValidatorTest
 *   .testPasswordPropertyInvalid`), no length checks of the column; a lower-case letter from 2.42.
 * 'ab123' is the refused password of dhis2-core's `users_passwords.json`
 * (`ObjectBundleServiceUserTest.testCreateUsersWithInvalidPasswords`: one E4005, every version).
 */
const x = (n: number) => 'x'.repeat(n);
const PASSWORDS = {
  short: 'ab123',
  noSpecial: 'Abcdefg1',
  noLower: 'ABCDEFG1!',
  generic: 'Admin123!',
  of36: `Aa1!${x(32)}`,
  of61: `Aa1!${x(57)}`,
  of73: `Aa1!${x(69)}`,
} as const;
type Case = keyof typeof PASSWORDS;

/** What each version answers, as [errorCode, message] pairs; [] when the password is taken. */
function expected(version: string, name: Case): [string, string][] {
  const password = PASSWORDS[name];
  const minor = Number(version.split('.')[1]);
  const service = minor > 40 || version === '2.40.1';
  const dot = minor <= 38 ? '.' : '';
  const echo: [string, string] = [
    'E4005',
    `Property \`password\` requires a valid password, was given \`${password}\`${dot}`,
  ];
  const rule = (text: string): [string, string][] => [
    ['E4005', `Property \`password\` requires a valid password, \`${text}\``],
  ];
  if (minor >= 41) {
    const length = 'Password must have at least 8, and at most 72 characters';
    const byCase: Record<Case, [string, string][]> = {
      short: rule(length),
      noSpecial: rule('Password must have at least one special character'),
      noLower: minor >= 42 ? rule('Password must have at least one lower case') : [],
      generic: rule('Password must not have any generic word'),
      of36: [],
      of61: [],
      of73: rule(length),
    };
    return byCase[name];
  }
  const column: [string, string] = [
    'E4001',
    `Maximum length of property \`password\`is 60, but given length was ${password.length}${dot}`,
  ];
  if (password.length > 60) return [column];
  if (service) {
    // 2.40.1+: max 60, special character and generic words; no @PropertyRange any more.
    return ['short', 'noSpecial', 'generic'].includes(name) ? [echo] : [];
  }
  const range: [string, string] = [
    'E4002',
    `Allowed length range for property \`password\` is [8 to 60], but given length was 5${dot}`,
  ];
  if (name === 'short') return [range, echo];
  return name === 'of36' ? [echo] : [];
}

describe.each(['2.36', '2.38.7', '2.39', '2.40.0', '2.40.1', '2.41', '2.42', '2.43'])(
  'passwords on DHIS2 %s',
  async (version) => {
    const sandbox = await sandboxForFile({ dhis2Version: version, seed: 'empty', facilities: 2 });
    const legacy = version === '2.36';
    it.each(Object.keys(PASSWORDS) as Case[])('%s', async (name) => {
      const username = `pw${name.toLowerCase()}`;
      const user = legacy
        ? nestedUser(username, { password: PASSWORDS[name] })
        : flatUser(username, { password: PASSWORDS[name] });
      const { body } = await importUsers(sandbox, [user], { query: '?importMode=VALIDATE' });
      const errors = errorsOf(body);
      expect(errors.map((e: any) => [e.errorCode, e.message])).toEqual(expected(version, name));
      for (const error of errors) {
        expect(error.errorProperty).toBe('password');
        // Up to 2.37 the password is the credentials' property.
        expect(error.mainKlass).toBe(
          legacy ? 'org.hisp.dhis.user.UserCredentials' : 'org.hisp.dhis.user.User',
        );
      }
    });
  },
);

describe('a user without a password', async () => {
  const sandbox = await sandboxForFile({ dhis2Version: '2.43', seed: 'empty', facilities: 2 });
  it('is created (no password is no error: 2.43 UserControllerTest.testPostJsonObject)', async () => {
    const { status } = await importUsers(sandbox, [
      flatUser('nopassword', { password: undefined }),
    ]);
    expect(status).toBe(200);
    const users = await api(sandbox, '/api/users?filter=username:eq:nopassword&fields=id');
    expect(users.body.users).toHaveLength(1);
  });
});
