import type { MiddlewareHandler } from 'hono';
import type { SandboxContext } from '../context.ts';
import { requiredAuthority } from '../users/endpoint-authorities.ts';
import {
  accountRefusal,
  loadUser,
  passwordMatches,
  userByUsername,
  userIdForToken,
} from '../users.ts';
import { atLeast } from '../version.ts';
import type { SandboxEnv, SandboxHttpContext } from './env.ts';
import { webMessage } from './web-message.ts';

/**
 * Authentication as DHIS2 does it (api-notes §7):
 * - no credentials: 302 to the login page, unless the client says `X-Requested-With: XMLHttpRequest`
 *   (`Http401LoginUrlAuthenticationEntryPoint`);
 * - wrong Basic credentials: 401 WebMessage "Unauthorized" (`FormLoginBasicAuthenticationEntryPoint`);
 * - `Authorization: ApiToken d2pat_…` from 2.38 (`ApiTokenResolver`); a bad token: 401 with
 *   `WWW-Authenticate: ApiToken error="invalid_token"` (`DhisApiTokenAuthenticationEntryPoint`). 2.36
 *   has no tokens and 2.37 has them off by default (`enable.api_token.authentication`): the request is
 *   anonymous, and redirected to the login page like one without credentials
 *   (`DHIS2BasicAuthenticationEntryPoint.commence`).
 */
function loginRedirect(ctx: SandboxContext, c: Parameters<MiddlewareHandler<SandboxEnv>>[0]) {
  if (c.req.header('x-requested-with') === 'XMLHttpRequest')
    return c.json(webMessage(401, 'ERROR', 'Unauthorized'), 401);
  // Where the login page is: the Struts page up to 2.40, the login app in 2.41 (without the trailing
  // slash) and 2.42, `/login/` from 2.43 (DhisWebApiWebSecurityConfig of each version).
  const loginPath = atLeast(ctx.version, 43)
    ? '/login/'
    : atLeast(ctx.version, 42)
      ? '/dhis-web-login/'
      : atLeast(ctx.version, 41)
        ? '/dhis-web-login'
        : '/dhis-web-commons/security/login.action';
  return c.redirect(`${ctx.baseUrl()}${loginPath}`, 302);
}

/**
 * Basic authentication as Spring's `DaoAuthenticationProvider` runs it under DHIS2's
 * `TwoFactorAuthenticationProvider`: the user by username, the account checks before the password
 * (`accountRefusal`: so a disabled account says so whatever the password), then the password; a user
 * created without one, or of external authentication, has none that matches. The 401's message:
 * "Account disabled" from 2.38 (`FormLoginBasicAuthenticationEntryPoint` looks for a
 * `DisabledException`), "Unauthorized" for everything else and for every refusal up to 2.37
 * (`DHIS2BasicAuthenticationEntryPoint` knows only `LockedException`).
 */
function basicLogin(ctx: SandboxContext, credential: string): string | { refused: string } {
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const unauthorized = { refused: 'Unauthorized' };
  if (colon < 0) return unauthorized;
  const user = userByUsername(ctx.metadata, decoded.slice(0, colon));
  if (!user) return unauthorized;
  const refusal = accountRefusal(user, ctx.clock.now());
  if (refusal === 'disabled' && atLeast(ctx.version, 38)) return { refused: 'Account disabled' };
  if (refusal) return unauthorized;
  return passwordMatches(ctx.db, user.id, decoded.slice(colon + 1)) ? user.id : unauthorized;
}

/**
 * `ApiTokenAuthManager` (2.38 :114-123; 2.43 :118-130): the token's owner must be enabled and not
 * expired, else "The API token is disabled, locked or 2FA is enabled.".
 */
function tokenLogin(ctx: SandboxContext, credential: string): string | { invalid: string } {
  if (!/^[a-zA-Z0-9\-._~+/]+=*$/.test(credential)) return { invalid: 'Malformed API token' };
  const found = userIdForToken(ctx.db, credential, ctx.clock.now());
  if (!found) return { invalid: 'The API token does not exist' };
  if ('expired' in found) return { invalid: 'The API token has expired' };
  const owner = ctx.metadata.get('users', found.userId);
  if (owner && accountRefusal(owner, ctx.clock.now()))
    return { invalid: 'The API token is disabled, locked or 2FA is enabled.' };
  return found.userId;
}

/**
 * The endpoint authorities (users/endpoint-authorities.ts), checked once the user is known, as method
 * security runs before the controller reads the body: 403 "Access is denied" where
 * `@PreAuthorize` guards (Spring's AccessDeniedException through `CrudControllerAdvice`, asserted by
 * 2.38 `MaintenanceControllerTest`), "Access is denied, requires one Authority from [X]" where 2.42's
 * `@RequiresAuthority` does (`AuthorityInterceptor`, 2.43 `MaintenanceControllerTest` :139).
 */
function refuseWithoutAuthority(ctx: SandboxContext, c: SandboxHttpContext) {
  const required = requiredAuthority(ctx.version, c.req.method, new URL(c.req.url).pathname);
  if (!required) return undefined;
  const held = c.get('user').authorities;
  if (held.has('ALL') || held.has(required.authority)) return undefined;
  const message =
    required.annotation === 'RequiresAuthority'
      ? `Access is denied, requires one Authority from [${required.authority}]`
      : 'Access is denied';
  return c.json(webMessage(403, 'ERROR', message), 403);
}

export function authMiddleware(ctx: SandboxContext): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) return loginRedirect(ctx, c);
    const [scheme = '', ...rest] = header.trim().split(/\s+/);
    const credential = rest.join(' ');
    let userId: string;
    if (scheme.toLowerCase() === 'basic') {
      const login = basicLogin(ctx, credential);
      if (typeof login !== 'string') return c.json(webMessage(401, 'ERROR', login.refused), 401);
      userId = login;
    } else if (scheme.toLowerCase() === 'apitoken' && !atLeast(ctx.version, 38)) {
      return loginRedirect(ctx, c);
    } else if (scheme.toLowerCase() === 'apitoken') {
      const login = tokenLogin(ctx, credential);
      if (typeof login !== 'string') {
        c.header(
          'WWW-Authenticate',
          `ApiToken error="invalid_token", error_description="${login.invalid}"`,
        );
        return c.json(webMessage(401, 'ERROR', login.invalid), 401);
      }
      userId = login;
    } else {
      return c.json(webMessage(401, 'ERROR', 'Unauthorized'), 401);
    }
    const user = loadUser(ctx.metadata, userId);
    if (!user) return c.json(webMessage(401, 'ERROR', 'Unauthorized'), 401);
    c.set('user', user);
    return refuseWithoutAuthority(ctx, c) ?? next();
  };
}
