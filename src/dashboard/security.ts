import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrfMatches, type Session, type Sessions } from './sessions.ts';

export type DashboardEnv = { Variables: { session: Session } };

const COOKIE = 't2a_session';

/** Pages for people; everything else (events, CSV, scripted calls) is answered with a status. */
const wantsPage = (c: Context) =>
  c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html');

/** A path of this dashboard to return to after login, never another site. */
export const safeNext = (next: string | undefined): string =>
  next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/jobs';

/** The session cookie: Secure, HttpOnly and SameSite=Strict, for the session's lifetime. */
export function setSessionCookie(c: Context, session: Session): void {
  setCookie(c, COOKIE, session.id, {
    path: '/',
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    expires: new Date(session.expiresAt),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, COOKIE, { path: '/', secure: true });
}

export const sessionId = (c: Context): string | undefined => getCookie(c, COOKIE);

/**
 * What every answer carries: nothing is loaded from elsewhere, no page is framed by another site, no
 * page is cached or leaks its address to another site.
 */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  if (!c.res.headers.has('content-security-policy'))
    c.res.headers.set('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  c.res.headers.set('x-content-type-options', 'nosniff');
  // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts.
  c.res.headers.set('referrer-policy', 'same-origin');
  if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
};

/** What answers without a login: the login page, its script, and the session and login calls it makes. */
const PUBLIC = new Set(['/login', '/api/session', '/api/login']);

/** Everything else needs a logged-in session: a page sends the visitor to the login, anything else is refused. */
export function requireLogin(sessions: Sessions): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const path = c.req.path;
    const session = sessions.get(sessionId(c));
    if (PUBLIC.has(path) || path.startsWith('/assets/')) {
      if (session) c.set('session', session);
      return next();
    }
    if (!session?.user) {
      if (wantsPage(c) && !path.startsWith('/api/'))
        return c.redirect(`/login?next=${encodeURIComponent(path)}`, 303);
      return c.json(
        { error: 'Log in first: the dashboard answers only a logged-in session.' },
        401,
      );
    }
    c.set('session', session);
    return next();
  };
}

/**
 * Every request that changes something carries the session's CSRF token in the X-CSRF-Token header
 * (which another site's form cannot set), and, when the browser says where it comes from, comes from
 * this dashboard.
 */
export const requireCsrf: MiddlewareHandler<DashboardEnv> = async (c, next) => {
  if (['GET', 'HEAD'].includes(c.req.method)) return next();
  const refuse = () =>
    c.json(
      {
        error:
          'Refused: the page is out of date or the request came from another site. Reload the page and try again.',
      },
      403,
    );
  // Behind a proxy the browser's origin is the proxy's: its host is what both sides agree on.
  const origin = c.req.header('origin');
  const host = c.req.header('x-forwarded-host') ?? c.req.header('host');
  if (origin && (origin === 'null' || new URL(origin).host !== host)) return refuse();
  const session = c.get('session') as Session | undefined;
  if (!session) return refuse();
  const token = c.req.header('x-csrf-token');
  if (!csrfMatches(session, token)) return refuse();
  return next();
};
