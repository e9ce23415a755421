import { atLeast, type Dhis2Version } from '../version.ts';

/**
 * The authorities DHIS2's controllers demand of the endpoints the sandbox serves, before anything is
 * read: `@PreAuthorize("hasRole('ALL') or hasRole('F_…')")` up to 2.41, `@RequiresAuthority(anyOf = …)`
 * from 2.42 (checked by `AuthorityInterceptor`, 2.43 :90-124). ALL passes both.
 * - every `POST /api/dataValueSets` variant (JSON, XML, CSV, ADX, PDF): F_DATAVALUE_ADD (2.36
 *   `DataValueSetController.java:369`, 2.41 :260, 2.42 :264, 2.43 :148);
 * - `POST`/`PUT /api/resourceTables/analytics` (and `/resourceTables`): F_PERFORM_MAINTENANCE (2.36
 *   `ResourceTableController.java:74-75`, 2.42 :93, 2.43 :89).
 * `/api/analytics`, `/api/me`, `/api/metadata`, `/api/completeDataSetRegistrations`,
 * `/api/messageConversations` (POST) and `GET /api/dataValueSets` ask for none: what they refuse,
 * they refuse inside (research 06 §3).
 */
interface EndpointAuthority {
  readonly methods: readonly string[];
  readonly path: RegExp;
  readonly authority: string;
}

const VERSIONED = String.raw`^/api(?:/\d{2})?`;

const ENDPOINTS: readonly EndpointAuthority[] = [
  {
    methods: ['POST'],
    path: new RegExp(`${VERSIONED}/dataValueSets(?:\\.(?:json|xml|csv|adx|pdf))?/?$`),
    authority: 'F_DATAVALUE_ADD',
  },
  {
    methods: ['POST', 'PUT'],
    path: new RegExp(`${VERSIONED}/resourceTables(?:/analytics)?/?$`),
    authority: 'F_PERFORM_MAINTENANCE',
  },
];

export interface RequiredAuthority {
  readonly authority: string;
  /** How the version guards it, which decides the 403's message. */
  readonly annotation: 'PreAuthorize' | 'RequiresAuthority';
}

export function requiredAuthority(
  version: Dhis2Version,
  method: string,
  path: string,
): RequiredAuthority | undefined {
  const endpoint = ENDPOINTS.find(
    (candidate) => candidate.methods.includes(method.toUpperCase()) && candidate.path.test(path),
  );
  if (!endpoint) return undefined;
  return {
    authority: endpoint.authority,
    annotation: atLeast(version, 42) ? 'RequiresAuthority' : 'PreAuthorize',
  };
}
