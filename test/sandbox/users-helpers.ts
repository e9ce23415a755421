import type { RunningSandbox } from '../../src/sandbox/index.ts';
import { api } from './helpers.ts';

export const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/** A password every version takes: 11 characters, a digit, both cases, a special one, no generic word. */
export const GOOD_PASSWORD = 'Import-2026';

export const ROLE = {
  id: 'ImpRole0001',
  name: 'Import user',
  authorities: ['F_DATAVALUE_ADD', 'F_VIEW_EVENT_ANALYTICS'],
};

/** A user in the flat shape of 2.38+ (`username`, `password`, `userRoles` on the user). */
export function flatUser(username: string, extra: Record<string, unknown> = {}) {
  return {
    firstName: 'Harry',
    surname: 'S.',
    username,
    password: GOOD_PASSWORD,
    userRoles: [{ id: ROLE.id }],
    ...extra,
  };
}

/** A user in the nested shape of 2.36/2.37 (`userCredentials`). */
export function nestedUser(
  username: string,
  credentials: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  return {
    firstName: 'Harry',
    surname: 'S.',
    userCredentials: {
      username,
      password: GOOD_PASSWORD,
      userRoles: [{ id: ROLE.id }],
      ...credentials,
    },
    ...extra,
  };
}

/** The import report of a `POST /api/metadata` answer: bare up to 2.37, in `response` after. */
export function reportOf(body: any): any {
  return body.typeReports ? body : body.response;
}

/** Every error report of an import report, flattened. */
export function errorsOf(body: any): any[] {
  const report = reportOf(body);
  return report.typeReports.flatMap((type: any) =>
    type.objectReports.flatMap((object: any) => object.errorReports),
  );
}

export async function importUsers(
  sandbox: RunningSandbox,
  users: unknown[],
  options: { query?: string; roles?: unknown[]; auth?: string } = {},
) {
  return api(sandbox, `/api/metadata${options.query ?? ''}`, {
    body: { userRoles: options.roles ?? [ROLE], users },
    ...(options.auth ? { auth: options.auth } : {}),
  });
}
