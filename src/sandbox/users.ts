import { createHash, randomBytes } from 'node:crypto';
import type { SandboxDb } from './db/schema.ts';
import type { SandboxUser } from './http/env.ts';
import { type MetadataStore, refId, refIds } from './metadata/store.ts';

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
  db.prepare(
    'INSERT INTO credentials (username, password, user_id) VALUES (?, ?, ?) ON CONFLICT(username) DO UPDATE SET password = excluded.password, user_id = excluded.user_id',
  ).run(spec.username, hash(spec.password), id);
  for (const token of spec.tokens ?? []) {
    db.prepare(
      'INSERT OR REPLACE INTO api_tokens (token, user_id, expires) VALUES (?, ?, NULL)',
    ).run(hash(token), id);
  }
  return id;
}

export function userIdForPassword(
  db: SandboxDb,
  username: string,
  password: string,
): string | undefined {
  const row = db
    .prepare('SELECT password, user_id FROM credentials WHERE username = ?')
    .get(username) as { password: string; user_id: string } | undefined;
  return row && row.password === hash(password) ? row.user_id : undefined;
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

/** The user as routes see it: authorities from its roles, org unit roots from its assignments. */
export function loadUser(metadata: MetadataStore, userId: string): SandboxUser | undefined {
  const user = metadata.get('users', userId);
  if (!user || user.disabled === true) return undefined;
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
    superuser: authorities.has('ALL'),
    authorities,
    orgUnits,
    dataViewOrgUnits: dataView.length > 0 ? dataView : orgUnits,
  };
}

export { refId };
