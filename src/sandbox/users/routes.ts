import { Hono } from 'hono';
import type { SandboxContext } from '../context.ts';
import type { SandboxEnv, SandboxHttpContext } from '../http/env.ts';
import { forbidden, webMessage } from '../http/web-message.ts';
import { type FieldSpec, type Projector, parseFields, projectObject } from '../metadata/fields.ts';
import { importMetadata } from '../metadata/metadata-import.ts';
import { canCreate, klassOf } from '../metadata/schemas.ts';
import type { MetadataObject } from '../metadata/store.ts';
import { atLeast } from '../version.ts';
import { userGroupIds } from './sharing.ts';
import { presentUser } from './user-shape.ts';

/** `/api/me` and `POST /api/users`; the generic metadata routes serve the rest of `/api/users`. */
export function userRoutes(ctx: SandboxContext, projector: () => Projector): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.get('/me', (c) => {
    const fields: FieldSpec[] = parseFields(c.req.query('fields') ?? ':all');
    return c.json(projectObject(projector(), 'users', meObject(ctx, c), fields));
  });
  // MeController.getAuthorities (2.36 :237-242; 2.43 :316-321): both paths, the user's authorities.
  const authorities = (c: SandboxHttpContext) => c.json([...c.get('user').authorities]);
  app.get('/me/authorization', authorities);
  app.get('/me/authorities', authorities);
  // MeController.hasAuthority: `User.isAuthorized`, so ALL answers true for any authority.
  const hasAuthority = (c: SandboxHttpContext) => {
    const held = c.get('user').authorities;
    return c.json(held.has('ALL') || held.has(c.req.param('authority') ?? ''));
  };
  app.get('/me/authorization/:authority', hasAuthority);
  app.get('/me/authorities/:authority', hasAuthority);
  // `/users/` too: dhis2-core's own UserControllerTest posts there (2.38.7, 2.43.1).
  app.post('/users', (c) => createUser(ctx, c));
  app.post('/users/', (c) => createUser(ctx, c));
  return app;
}

/**
 * The current user as `/api/me` serves it: the user in its version's shape (MeController 2.36–2.37
 * serialises the `User`; `MeDto` from 2.38, with a `userCredentials` DTO up to 2.41), and
 * `authorities`, the union of its roles' (`User.getAllAuthorities`; a superuser's role lists `ALL`,
 * 2.43 `MeControllerTest.testGetAuthorities`). Org units are the assigned ones: data capture, data view
 * (none when none were given: the fallback to capture units is DHIS2's inside, not in this answer) and
 * search.
 */
function meObject(ctx: SandboxContext, c: SandboxHttpContext): Record<string, unknown> {
  const user = c.get('user');
  const stored = ctx.metadata.get('users', user.id) ?? ({ id: user.id } as MetadataObject);
  const me: Record<string, unknown> = {
    ...presentUser(ctx.version, stored),
    authorities: [...user.authorities],
    organisationUnits: refs(stored.organisationUnits),
    dataViewOrganisationUnits: refs(stored.dataViewOrganisationUnits),
    teiSearchOrganisationUnits: refs(stored.teiSearchOrganisationUnits),
    userGroups: userGroupIds(ctx.metadata, user.id).map((id) => ({ id })),
  };
  // `User.getUsername` is no JSON property up to 2.37: the name is in userCredentials.
  if (!atLeast(ctx.version, 38)) delete me.username;
  return me;
}

const refs = (value: unknown) => (Array.isArray(value) ? value : []);

/**
 * `POST /api/users` (UserController): 403 without a user create authority (`validateCreateUser`:
 * `aclService.canCreate`, "You don't have the proper permissions to create this object."), then a
 * metadata import of the one user with importStrategy CREATE. 2.36 writes that import's report with
 * 200 whatever it says (2.36 `UserController.java:299-315`); from 2.37 `postObject`: 201 Created, the
 * object report and a Location, or 409 with status ERROR (2.37 `AbstractCrudController.java:432-450`;
 * asserted by 2.38 and 2.43 `UserControllerTest.testPostJsonObject` and `testPostJsonObjectInvalidUsername`).
 */
async function createUser(ctx: SandboxContext, c: SandboxHttpContext) {
  const actor = c.get('user');
  if (!canCreate(actor.authorities, 'users'))
    return c.json(forbidden("You don't have the proper permissions to create this object."), 403);
  const body = (await c.req.json()) as Record<string, unknown>;
  const result = importMetadata(
    ctx,
    actor,
    { users: [body] },
    {
      atomicMode: 'ALL',
      dryRun: false,
      importStrategy: 'CREATE',
    },
  );
  if (!atLeast(ctx.version, 37)) return c.json(result.report);
  const uid = result.uids[0] ?? '';
  const first = result.objectReports[0];
  if (result.report.status !== 'OK' || first)
    return c.json(
      webMessage(
        409,
        'ERROR',
        'One or more errors occurred, please see full details in import report.',
        {
          response: {
            responseType: 'ObjectReport',
            ...(first ?? { klass: klassOf(ctx.version, 'users'), uid, errorReports: [] }),
          },
        },
      ),
      409,
    );
  const version = c.get('apiVersion');
  c.header('Location', `${ctx.baseUrl()}/api${version ? `/${version}` : ''}/users/${uid}`);
  return c.json(
    webMessage(201, 'OK', undefined, {
      response: {
        responseType: 'ObjectReport',
        uid,
        klass: klassOf(ctx.version, 'users'),
        errorReports: [],
      },
    }),
    201,
  );
}
