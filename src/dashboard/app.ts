import { basename } from 'node:path';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { DashboardConfig } from '../config/schema.ts';
import { isT2aError } from '../core/errors.ts';
import { COUNT_LABELS, RUN_STATUSES, STATUS_MEANING } from '../core/vocabulary.ts';
import type { LockOut, SessionInfo } from './api-types.ts';
import { logIn } from './auth.ts';
import { JobStates } from './job-states.ts';
import type { LiveRuns } from './live-runs.ts';
import { JobNames } from './names.ts';
import type { DashboardContext, DashboardParts } from './parts.ts';
import { apiRoutes } from './routes.ts';
import { RunViews } from './run-views.ts';
import {
  clearSessionCookie,
  type DashboardEnv,
  requireCsrf,
  requireLogin,
  securityHeaders,
  sessionId,
  setSessionCookie,
} from './security.ts';
import { LOCKOUT_MINUTES, LoginThrottle, Sessions } from './sessions.ts';
import { readBundle, shellPage } from './shell.ts';

const UPLOAD_LIMIT = 2 * 1024 * 1024;

/** A moment as the hour and minute in serve.timeZone, with the zone named. */
const clock = (at: number, timeZone: string) =>
  `${new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at)} ${timeZone}`;

function sessionInfo(parts: DashboardParts, user: string | undefined, csrf: string): SessionInfo {
  return {
    user,
    csrf,
    instance: basename(parts.ctx.config.file),
    dhis2Login: parts.config.dhis2Login?.connection,
    timeZone: parts.ctx.config.config.serve.timeZone,
    vocabulary: { statuses: RUN_STATUSES, meaning: STATUS_MEANING, counts: COUNT_LABELS },
  };
}

/** The session, the login and the logout: the only calls a visitor makes before logging in. */
function sessionRoutes(
  app: Hono<DashboardEnv>,
  parts: DashboardParts,
  sessions: Sessions,
  throttle: LoginThrottle,
): void {
  const timeZone = parts.ctx.config.config.serve.timeZone;
  app.get('/api/session', (c) => {
    let session = c.get('session');
    if (!session) {
      session = sessions.anonymous();
      setSessionCookie(c, session);
    }
    return c.json(sessionInfo(parts, session.user, session.csrf));
  });
  app.post('/api/login', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as {
      username?: unknown;
      password?: unknown;
    };
    const username = String(body.username ?? '').trim();
    // A refused login is an answer the page shows, not a failed request: 200 with ok: false.
    const until = throttle.lockedUntil(username);
    if (until !== undefined)
      return c.json({
        ok: false,
        error: `This user name is locked out after five failed logins, until ${clock(until, timeZone)} (${LOCKOUT_MINUTES} minutes). Wait, or ask another administrator to clear the lock-out on the dashboard's Jobs page.`,
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

/** The lock-outs of failed logins, for a logged-in administrator to see and clear. */
function lockOutRoutes(app: Hono<DashboardEnv>, parts: DashboardParts, throttle: LoginThrottle) {
  app.get('/api/lockouts', (c) => {
    const lockOuts: LockOut[] = throttle
      .lockedOut()
      .map(({ username, until }) => ({ username, until: new Date(until).toISOString() }));
    return c.json(lockOuts);
  });
  app.post('/api/lockouts/:username/clear', (c) => {
    const username = c.req.param('username');
    const cleared = throttle.clear(username);
    parts.ctx.logger.info(
      { username, by: c.get('session').user, cleared },
      'dashboard lock-out cleared',
    );
    return c.json({ ok: true, cleared });
  });
}

/** The addresses of the page's sections; any other is answered with the page's not-found. */
const PAGE = /^\/(|login|jobs|runs|runs\/[^/]+|mapping|transition)\/?$/;

/**
 * The dashboard as a Hono app: security first (headers, login, CSRF, upload limit), then the page's
 * script, the session calls, the JSON API (routes.ts), and the page itself for every other address (a
 * 404 for those that are no page of it). It works through the same use cases as the command line.
 */
export function dashboardApp(
  ctx: DashboardContext,
  config: DashboardConfig,
  live: LiveRuns,
): Hono<DashboardEnv> {
  const sessions = new Sessions(config.sessionHours * 3_600_000);
  const bundle = readBundle();
  const app = new Hono<DashboardEnv>();
  const names = new JobNames(ctx);
  const views = new RunViews(ctx, live, names);
  const parts: DashboardParts = {
    ctx,
    config,
    live,
    names,
    views,
    states: new JobStates(ctx, views),
  };
  const throttle = new LoginThrottle();
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
  sessionRoutes(app, parts, sessions, throttle);
  lockOutRoutes(app, parts, throttle);
  apiRoutes(app, parts);
  app.all('/api/*', (c) => c.json({ error: 'No such call.' }, 404));
  app.get('*', (c) => {
    const { page, policy } = shellPage();
    // The page itself says the address is unknown; the status says it to everything else.
    return c.html(page, PAGE.test(c.req.path) ? 200 : 404, { 'content-security-policy': policy });
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
