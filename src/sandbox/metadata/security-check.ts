import type { SandboxUser } from '../http/env.ts';
import { hasSharing } from '../users/sharing.ts';
import { schemaOf, updateAuthorities } from './schemas.ts';
import type { MetadataObject, MetadataStore } from './store.ts';

/**
 * `DefaultAclService.canUpdate` (2.43 :288-310; the same rule from 2.36): a superuser always; else one of
 * the type's create authorities (none of the sandbox's types names an UPDATE one; an empty list asks
 * for nothing), and for a shareable type metadata write access to the object (public, the user's, one
 * of its groups', or its owner's). Types with `implicitPrivateAuthority` are not modelled.
 */
export function accessToUpdate(
  metadata: MetadataStore,
  user: SandboxUser,
  type: string,
  object: MetadataObject,
): boolean {
  if (user.superuser) return true;
  const authorities = updateAuthorities(type);
  const authorised =
    authorities.length === 0 || authorities.some((authority) => user.authorities.has(authority));
  if (!authorised) return false;
  return !schemaOf(type).shareable || hasSharing(metadata, user, object, 'metadataWrite');
}
