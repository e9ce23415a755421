import type { MiddlewareHandler } from 'hono';
import type { SandboxContext } from '../context.ts';
import { loadUser, userIdForPassword, userIdForToken } from '../users.ts';
import { atLeast } from '../version.ts';
import type { SandboxEnv } from './env.ts';
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

export function authMiddleware(ctx: SandboxContext): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) return loginRedirect(ctx, c);
    const [scheme = '', ...rest] = header.trim().split(/\s+/);
    const credential = rest.join(' ');
    let userId: string | undefined;
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(credential, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      userId =
        colon < 0
          ? undefined
          : userIdForPassword(ctx.db, decoded.slice(0, colon), decoded.slice(colon + 1));
      if (!userId) return c.json(webMessage(401, 'ERROR', 'Unauthorized'), 401);
    } else if (scheme.toLowerCase() === 'apitoken' && !atLeast(ctx.version, 38)) {
      return loginRedirect(ctx, c);
    } else if (scheme.toLowerCase() === 'apitoken') {
      const invalid = (description: string) => {
        c.header(
          'WWW-Authenticate',
          `ApiToken error="invalid_token", error_description="${description}"`,
        );
        return c.json(webMessage(401, 'ERROR', description), 401);
      };
      if (!/^[a-zA-Z0-9\-._~+/]+=*$/.test(credential)) return invalid('Malformed API token');
      const found = userIdForToken(ctx.db, credential, ctx.clock.now());
      if (!found) return invalid('The API token does not exist');
      if ('expired' in found) return invalid('The API token has expired');
      userId = found.userId;
    } else {
      return c.json(webMessage(401, 'ERROR', 'Unauthorized'), 401);
    }
    const user = loadUser(ctx.metadata, userId);
    if (!user) return c.json(webMessage(401, 'ERROR', 'Account disabled'), 401);
    c.set('user', user);
    return next();
  };
}
