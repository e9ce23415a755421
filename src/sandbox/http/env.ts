import type { Context } from 'hono';

/** The authenticated user of a request, as the sandbox's routes see it. */
export interface SandboxUser {
  readonly id: string;
  readonly username: string;
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

export function hasAuthority(user: SandboxUser, authority: string): boolean {
  return user.superuser || user.authorities.has('ALL') || user.authorities.has(authority);
}
