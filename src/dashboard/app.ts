import { basename } from 'node:path';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { DashboardConfig } from '../config/schema.ts';
import { isT2aError } from '../core/errors.ts';
import type { SessionInfo } from './api-types.ts';
import { logIn } from './auth.ts';
import { JobStates } from './job-states.ts';
import type { LiveRuns } from './live-runs.ts';
import type { DashboardContext, DashboardParts } from './parts.ts';
import { apiRoutes } from './routes.ts';
import {
  clearSessionCookie,
  type DashboardEnv,
  requireCsrf,
  requireLogin,
  securityHeaders,
  sessionId,
  setSessionCookie,
} from './security.ts';
import { LoginThrottle, Sessions } from './sessions.ts';
import { readBundle, shellPage } from './shell.ts';

const UPLOAD_LIMIT = 2 * 1024 * 1024;

/** The session, the login and the logout: the only calls a visitor makes before logging in. */
function sessionRoutes(app: Hono<DashboardEnv>, parts: DashboardParts, sessions: Sessions): void {
  const throttle = new LoginThrottle();
  app.get('/api/session', (c) => {
    let session = c.get('session');
    if (!session) {
      session = sessions.anonymous();
      setSessionCookie(c, session);
    }
    const info: SessionInfo = {
      user: session.user,
      csrf: session.csrf,
      instance: basename(parts.ctx.config.file),
      dhis2Login: parts.config.dhis2Login?.connection,
    };
    return c.json(info);
  });
  app.post('/api/login', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as {
      username?: unknown;
      password?: unknown;
    };
    const username = String(body.username ?? '').trim();
    // A refused login is an answer the page shows, not a failed request: 200 with ok: false.
    if (throttle.blocked(username))
      return c.json({
        ok: false,
        error: 'Too many failed attempts for this user name: wait 15 minutes.',
      });
    const result = await logIn(parts.ctx, parts.config, username, String(body.password ?? ''));
    if (!result.ok) {
      throttle.failed(username);
      parts.ctx.logger.warn({ username }, 'dashboard login refused');
      return c.json({ ok: false, error: result.reason });
    }
    throttle.succeeded(username);
    parts.ctx.logger.info({ username: result.user }, 'dashboard login');
    const session = sessions.login(result.user, sessionId(c));
    setSessionCookie(c, session);
    return c.json({ ok: true, user: result.user, csrf: session.csrf });
  });
  app.post('/api/logout', (c) => {
    sessions.logout(sessionId(c));
    clearSessionCookie(c);
    return c.json({ ok: true });
  });
}

/**
 * The dashboard as a Hono app: security first (headers, login, CSRF, upload limit), then the page's
 * script, the session calls, the JSON API (routes.ts), and the page itself for every other address. It
 * works through the same use cases as the command line.
 */
export function dashboardApp(
  ctx: DashboardContext,
  config: DashboardConfig,
  live: LiveRuns,
): Hono<DashboardEnv> {
  const sessions = new Sessions(config.sessionHours * 3_600_000);
  const bundle = readBundle();
  const app = new Hono<DashboardEnv>();
  const parts: DashboardParts = { ctx, config, live, states: new JobStates(ctx, live) };
  app.use(securityHeaders);
  app.use(
    bodyLimit({
      maxSize: UPLOAD_LIMIT,
      onError: (c) =>
        c.json({ error: 'The upload is over 2 MB: a mapping CSV is far smaller.' }, 413),
    }),
  );
  app.use(requireLogin(sessions));
  app.use(requireCsrf);
  app.get('/assets/app.js', (c) =>
    c.body(bundle, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-cache',
    }),
  );
  sessionRoutes(app, parts, sessions);
  apiRoutes(app, parts);
  app.all('/api/*', (c) => c.json({ error: 'No such call.' }, 404));
  app.get('*', (c) => {
    const { page, policy } = shellPage();
    return c.html(page, 200, { 'content-security-policy': policy });
  });
  app.onError((error, c) => {
    ctx.logger.error({ err: error.message, path: c.req.path }, 'dashboard request failed');
    return isT2aError(error)
      ? c.json({ ok: false, error: error.message, fix: error.fix }, 400)
      : c.json(
          {
            ok: false,
            error: `t2a could not answer: ${error.message}. The log of t2a serve has the details.`,
          },
          500,
        );
  });
  return app;
}
