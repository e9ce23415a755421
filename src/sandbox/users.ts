import { createHash, randomBytes } from 'node:crypto';
import type { SandboxDb } from './db/schema.ts';
import type { SandboxUser } from './http/env.ts';
import { type MetadataObject, type MetadataStore, refId, refIds } from './metadata/store.ts';

/** The admin of DHIS2's demo databases: `admin` / `district`. */
export const DEFAULT_ADMIN = {
  id: 'xE7jOejl9FI',
  username: 'admin',
  password: 'district',
} as const;
const SUPERUSER_ROLE = 'yrB6vc5Ip3r';

export interface SandboxUserSpec {
  readonly id?: string;
  readonly username: string;
  readonly password: string;
  /** Authorities such as `F_DATAVALUE_ADD`, or `ALL` for a superuser. */
  readonly authorities?: readonly string[];
  /** Data capture org unit roots (UIDs); the country root when absent. */
  readonly orgUnits?: readonly string[];
  readonly dataViewOrgUnits?: readonly string[];
  /** Personal access tokens (`d2pat_…`) that authenticate as this user. */
  readonly tokens?: readonly string[];
  /** UIDs of the user's groups (`/api/me` lists them, as DHIS2's MeDto does). */
  readonly userGroups?: readonly string[];
}

const hash = (password: string) => createHash('sha256').update(password).digest('hex');

/** A DHIS2-shaped personal access token: `d2pat_` + 32 characters + a checksum (2.37–2.40 format). */
export function newPersonalAccessToken(seed?: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = seed ? createHash('sha256').update(seed).digest() : randomBytes(32);
  const body = [...bytes].map((byte) => alphabet[byte % alphabet.length]).join('');
  const checksum = createHash('sha256').update(body).digest('hex').slice(0, 10);
  return `d2pat_${body}${checksum}`;
}

export function uidFrom(seed: string): string {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const chars = `${letters}0123456789`;
  const bytes = createHash('sha256').update(seed).digest();
  return (
    letters[bytes[0]! % letters.length]! +
    [...bytes.subarray(1, 11)].map((b) => chars[b % chars.length]).join('')
  );
}

/** Creates (or replaces) a user with its role, credentials and tokens. */
export function addUser(
  metadata: MetadataStore,
  db: SandboxDb,
  spec: SandboxUserSpec,
  defaultRoots: readonly string[],
): string {
  const id = spec.id ?? uidFrom(`user:${spec.username}`);
  const authorities = spec.authorities ?? ['ALL'];
  const roleId = authorities.includes('ALL') ? SUPERUSER_ROLE : uidFrom(`role:${spec.username}`);
  metadata.put('userRoles', {
    id: roleId,
    name: authorities.includes('ALL') ? 'Superuser' : `${spec.username} role`,
    authorities: [...authorities],
  });
  const roots = spec.orgUnits ?? defaultRoots;
  metadata.put('users', {
    id,
    username: spec.username,
    firstName: spec.username === DEFAULT_ADMIN.username ? 'John' : spec.username,
    surname: spec.username === DEFAULT_ADMIN.username ? 'Traore' : 'Sandbox',
    name: spec.username === DEFAULT_ADMIN.username ? 'John Traore' : `${spec.username} Sandbox`,
    userRoles: [{ id: roleId }],
    organisationUnits: roots.map((ou) => ({ id: ou })),
    dataViewOrganisationUnits: (spec.dataViewOrgUnits ?? []).map((ou) => ({ id: ou })),
    userGroups: (spec.userGroups ?? []).map((group) => ({ id: group })),
    disabled: false,
  });
  setPassword(db, id, spec.username, spec.password);
  for (const token of spec.tokens ?? []) {
    db.prepare(
      'INSERT OR REPLACE INTO api_tokens (token, user_id, expires) VALUES (?, ?, NULL)',
    ).run(hash(token), id);
  }
  return id;
}

/** Whether the password is the user's: no stored password (none given, external authentication) never is. */
export function passwordMatches(db: SandboxDb, userId: string, password: string): boolean {
  const row = db.prepare('SELECT password FROM credentials WHERE user_id = ?').get(userId) as
    | { password: string }
    | undefined;
  return row !== undefined && row.password === hash(password);
}

/** Stores the user's password under its username, in place of any it had. */
export function setPassword(
  db: SandboxDb,
  userId: string,
  username: string,
  password: string,
): void {
  removePassword(db, userId);
  db.prepare(
    'INSERT INTO credentials (username, password, user_id) VALUES (?, ?, ?) ON CONFLICT(username) DO UPDATE SET password = excluded.password, user_id = excluded.user_id',
  ).run(username, hash(password), userId);
}

export function removePassword(db: SandboxDb, userId: string): void {
  db.prepare('DELETE FROM credentials WHERE user_id = ?').run(userId);
}

/** The stored user of a username, as DHIS2's `UserDetailsService` loads it for a login. */
export function userByUsername(
  metadata: MetadataStore,
  username: string,
): MetadataObject | undefined {
  return metadata.list('users').find((user) => user.username === username);
}

/**
 * What Spring's `DefaultPreAuthenticationChecks` refuse before the password is compared, from the
 * `UserDetails` DHIS2 builds (2.36 `DefaultUserDetailsService.java:78-100`; 2.43 `DefaultUserService
 * .createUserDetails`): a disabled account (`enabled = !disabled`), then one past its `accountExpiry`
 * (`accountNonExpired = accountExpiry == null || accountExpiry.after(now)`). Locking after failed
 * logins needs `keyLockMultipleFailedLogins`, off by default, and passwords never expire by default
 * (`credentialsExpires` 0): neither is modelled.
 */
export function accountRefusal(
  user: MetadataObject,
  now: Date,
): 'disabled' | 'expired' | undefined {
  if (user.disabled === true) return 'disabled';
  const expiry =
    typeof user.accountExpiry === 'string' ? parseDhis2Date(user.accountExpiry) : undefined;
  if (expiry !== undefined && !(expiry.getTime() > now.getTime())) return 'expired';
  return undefined;
}

/** DHIS2 dates carry no zone and mean the server's (UTC in the sandbox). */
function parseDhis2Date(text: string): Date | undefined {
  const zoned = /[zZ]|[+-]\d\d:?\d\d$/.test(text) || !text.includes('T') ? text : `${text}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export type TokenLookup = { userId: string } | { expired: true } | undefined;

export function userIdForToken(db: SandboxDb, token: string, now: Date): TokenLookup {
  const row = db
    .prepare('SELECT user_id, expires FROM api_tokens WHERE token = ?')
    .get(hash(token)) as { user_id: string; expires: string | null } | undefined;
  if (!row) return undefined;
  if (row.expires && new Date(row.expires) < now) return { expired: true };
  return { userId: row.user_id };
}

export function addToken(db: SandboxDb, userId: string, token: string, expires?: Date): void {
  db.prepare('INSERT OR REPLACE INTO api_tokens (token, user_id, expires) VALUES (?, ?, ?)').run(
    hash(token),
    userId,
    expires ? expires.toISOString() : null,
  );
}

/** The user as routes see it: authorities from its roles (`User.getAllAuthorities`), org unit roots from its assignments. */
export function loadUser(metadata: MetadataStore, userId: string): SandboxUser | undefined {
  const user = metadata.get('users', userId);
  if (!user) return undefined;
  const authorities = new Set<string>();
  for (const roleId of refIds(user.userRoles)) {
    const role = metadata.get('userRoles', roleId);
    for (const authority of (role?.authorities as string[] | undefined) ?? [])
      authorities.add(authority);
  }
  const orgUnits = refIds(user.organisationUnits);
  const dataView = refIds(user.dataViewOrganisationUnits);
  return {
    id: user.id,
    username: String(user.username),
    displayName: `${user.firstName ?? ''} ${user.surname ?? ''}`.trim() || String(user.name ?? ''),
    superuser: authorities.has('ALL'),
    authorities,
    orgUnits,
    dataViewOrgUnits: dataView.length > 0 ? dataView : orgUnits,
  };
}

export { refId };
