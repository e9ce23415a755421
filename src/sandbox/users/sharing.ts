import type { SandboxUser } from '../http/env.ts';
import { type MetadataObject, type MetadataStore, refIds } from '../metadata/store.ts';

/**
 * Sharing as `DefaultAclService` reads it: an access string of 8 characters, metadata read/write then
 * data read/write (`rwrw----`), given to the public, to users and to user groups, in the `sharing`
 * object (2.36+) or the older `publicAccess`, `userAccesses`, `userGroupAccesses` and `user` (owner).
 * Superusers pass every check (`haveOverrideAuthority`). The owner may always write the metadata
 * (`checkOwner`), never the data through ownership alone.
 *
 * An object that carries no sharing at all is one the sandbox made itself (seeds, generated trees):
 * it stands for one shared `rwrw----`, so seeded data entry works for every user. Objects that arrive
 * through the import without a public access get DHIS2's default (`defaultSharing`).
 */
export type Permission = 'metadataRead' | 'metadataWrite' | 'dataRead' | 'dataWrite';

const POSITION: Record<Permission, [number, string]> = {
  metadataRead: [0, 'r'],
  metadataWrite: [1, 'w'],
  dataRead: [2, 'r'],
  dataWrite: [3, 'w'],
};

interface Grants {
  readonly owner: string | undefined;
  readonly publicAccess: string;
  readonly users: ReadonlyMap<string, string>;
  readonly groups: ReadonlyMap<string, string>;
}

function accessMap(value: unknown, key: 'userUid' | 'userGroupUid'): Map<string, string> {
  const map = new Map<string, string>();
  if (Array.isArray(value)) {
    for (const entry of value as Record<string, unknown>[]) {
      const id = entry[key] ?? entry.id ?? (entry.user as { id?: string })?.id;
      if (typeof id === 'string' && typeof entry.access === 'string') map.set(id, entry.access);
    }
  } else if (value && typeof value === 'object') {
    for (const [id, entry] of Object.entries(value as Record<string, { access?: unknown }>))
      if (typeof entry?.access === 'string') map.set(id, entry.access);
  }
  return map;
}

function grantsOf(object: MetadataObject): Grants | undefined {
  const sharing = object.sharing as Record<string, unknown> | undefined;
  const publicAccess = (sharing?.public ?? object.publicAccess) as string | undefined;
  if (typeof publicAccess !== 'string') return undefined;
  return {
    owner: (sharing?.owner as string | undefined) ?? (object.user as { id?: string })?.id,
    publicAccess,
    users: accessMap(sharing?.users ?? object.userAccesses, 'userUid'),
    groups: accessMap(sharing?.userGroups ?? object.userGroupAccesses, 'userGroupUid'),
  };
}

/** The user's groups: those its own object names and those that list it among their `users`. */
export function userGroupIds(metadata: MetadataStore, userId: string): string[] {
  const own = refIds(metadata.get('users', userId)?.userGroups);
  const members = metadata
    .list('userGroups')
    .filter((group) => refIds(group.users).includes(userId))
    .map((group) => group.id);
  return [...new Set([...own, ...members])];
}

/** `AclService.canRead`/`canUpdate` (sharing part), `canDataRead`, `canDataWrite` of one object. */
export function hasSharing(
  metadata: MetadataStore,
  user: SandboxUser,
  object: MetadataObject,
  permission: Permission,
): boolean {
  if (user.superuser) return true;
  const grants = grantsOf(object);
  if (!grants) return true;
  if (permission.startsWith('metadata') && grants.owner === user.id) return true;
  const [index, char] = POSITION[permission];
  const allows = (access: string | undefined) => access?.charAt(index) === char;
  if (allows(grants.publicAccess) || allows(grants.users.get(user.id))) return true;
  return userGroupIds(metadata, user.id).some((group) => allows(grants.groups.get(group)));
}

/**
 * `DefaultMetadataImportService.preCreateBundleObject` → `DefaultAclService.resetSharing`: an object
 * imported without a public access becomes the importing user's, public `rw------` when the user may
 * make the type public (`canMakeClassPublic`), `--------` otherwise; user and group accesses are cleared.
 */
export function defaultSharing(ownerId: string, mayMakePublic: boolean): Record<string, unknown> {
  const publicAccess = mayMakePublic ? 'rw------' : '--------';
  return {
    sharing: { owner: ownerId, external: false, public: publicAccess, users: {}, userGroups: {} },
    publicAccess,
  };
}
