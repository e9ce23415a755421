import type { Dhis2Client } from './client.ts';

/** The connection's own user (`/api/me`): what it may do and where. */
export interface CurrentUser {
  readonly username: string;
  readonly authorities: readonly string[];
  /** Paths of the data capture org units (`/root/…/unit`). */
  readonly orgUnitPaths: readonly string[];
  /** UIDs of the user's groups. */
  readonly userGroups: readonly string[];
}

export async function fetchCurrentUser(client: Dhis2Client): Promise<CurrentUser> {
  const me = await client.get<{
    username?: string;
    userCredentials?: { username?: string };
    authorities?: string[];
    organisationUnits?: { id: string; path?: string }[];
    userGroups?: { id: string }[];
  }>('me', {
    fields:
      'username,userCredentials[username],authorities,organisationUnits[id,path],userGroups[id]',
  });
  return {
    username: me.username ?? me.userCredentials?.username ?? '(unknown)',
    authorities: me.authorities ?? [],
    orgUnitPaths: (me.organisationUnits ?? []).map((unit) => unit.path ?? `/${unit.id}`),
    userGroups: (me.userGroups ?? []).map((group) => group.id),
  };
}

export const hasAuthority = (user: CurrentUser, authority: string) =>
  user.authorities.includes('ALL') || user.authorities.includes(authority);

/** True when `path` lies in one of the user's data capture subtrees. */
export const inHierarchy = (user: CurrentUser, path: string) =>
  user.orgUnitPaths.some((root) => path === root || path.startsWith(`${root}/`));
