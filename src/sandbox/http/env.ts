import type { Context } from 'hono';

/** The authenticated user of a request, as the sandbox's routes see it. */
export interface SandboxUser {
  readonly id: string;
  readonly username: string;
  /** `firstName surname`, as DHIS2 names a user in messages (`PreheatIdentifier.getIdentifiersWithName`). */
  readonly displayName: string;
  /** Holds `ALL` through one of its roles (`User.isSuper`). */
  readonly superuser: boolean;
  readonly authorities: ReadonlySet<string>;
  /** Data capture roots (`organisationUnits`): where the user may write data. */
  readonly orgUnits: readonly string[];
  /** Data view roots (`dataViewOrganisationUnits`); the capture roots when empty, as in DHIS2. */
  readonly dataViewOrgUnits: readonly string[];
}

export type SandboxEnv = {
  Variables: {
    user: SandboxUser;
    /** The API version of a versioned path (`/api/37/...`), which changes some response shapes. */
    apiVersion: number | undefined;
  };
};
export type SandboxHttpContext = Context<SandboxEnv>;

/** `User.isAuthorized`: the authority itself or `ALL` among the user's roles' authorities. */
export function hasAuthority(user: SandboxUser, authority: string): boolean {
  return user.superuser || user.authorities.has('ALL') || user.authorities.has(authority);
}
