import type { DashboardConfig } from '../config/schema.ts';
import { isT2aError } from '../core/errors.ts';
import { Dhis2Client } from '../dhis2/client.ts';
import { type CurrentUser, fetchCurrentUser } from '../dhis2/me.ts';
import type { JobContext } from '../jobs/context.ts';
import { verifyPassword } from './password.ts';

export type LoginResult =
  | { readonly ok: true; readonly user: string }
  | { readonly ok: false; readonly reason: string };

const WRONG = 'User name or password is wrong.';
const UNKNOWN_USER_HASH =
  'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Whether a DHIS2 user may use the dashboard: a member of one of the groups, or a superuser when none are named. */
export function mayUseDashboard(user: CurrentUser, groups: readonly string[]): boolean {
  return groups.length === 0
    ? user.authorities.includes('ALL')
    : user.userGroups.some((group) => groups.includes(group));
}

/** Checks the name and password against DHIS2's `/api/me`, as the configured instance's own login. */
async function dhis2Login(
  ctx: JobContext,
  login: NonNullable<DashboardConfig['dhis2Login']>,
  username: string,
  password: string,
): Promise<LoginResult> {
  const connection = ctx.config.connections.get(login.connection);
  if (!connection)
    return { ok: false, reason: `No connection "${login.connection}" to log in with.` };
  const client = new Dhis2Client(
    {
      name: connection.name,
      url: connection.url,
      auth: { kind: 'basic', username, password },
      timeoutMs: connection.timeoutMs,
      retries: 0,
      retryDelayMs: 0,
    },
    ctx.logger,
  );
  try {
    const user = await fetchCurrentUser(client);
    if (mayUseDashboard(user, login.userGroups)) return { ok: true, user: user.username };
    return {
      ok: false,
      reason:
        login.userGroups.length === 0
          ? `${username} may log in to ${connection.name} but is not a superuser there; the dashboard is for superusers unless dhis2Login.userGroups names groups.`
          : `${username} is not in the user groups the dashboard allows (dhis2Login.userGroups).`,
    };
  } catch (error) {
    if (isT2aError(error) && error.kind === 'auth') return { ok: false, reason: WRONG };
    return {
      ok: false,
      reason: `${connection.name} could not check the login: ${(error as Error).message}`,
    };
  }
}

/**
 * A login: the users of the configuration first (scrypt hashes), then, when the configuration says so,
 * the DHIS2 instance's own users. Both fail with the same words, so the form tells no one which names exist.
 */
export async function logIn(
  ctx: JobContext,
  config: DashboardConfig,
  username: string,
  password: string,
): Promise<LoginResult> {
  const configured = config.users.find((user) => user.username === username);
  if (configured) {
    return (await verifyPassword(password, configured.passwordHash))
      ? { ok: true, user: username }
      : { ok: false, reason: WRONG };
  }
  if (config.dhis2Login) return dhis2Login(ctx, config.dhis2Login, username, password);
  // As long as a known name takes: the time of the answer tells no one which names exist.
  await verifyPassword(password, UNKNOWN_USER_HASH);
  return { ok: false, reason: WRONG };
}
