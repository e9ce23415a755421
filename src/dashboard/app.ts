import { basename } from 'node:path';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { DashboardConfig } from '../config/schema.ts';
import { isT2aError } from '../core/errors.ts';
import type { JobContext } from '../jobs/context.ts';
import type { T2aStore } from '../store/types.ts';
import { SCRIPT, STYLESHEET } from './assets.ts';
import { logIn } from './auth.ts';
import { type Html, html } from './html.ts';
import { JobStates } from './job-states.ts';
import { type PageFrame, page, type Section } from './layout.ts';
import type { LiveRuns } from './live-runs.ts';
import { loginPage } from './pages/login.ts';
import { notice } from './pages/parts.ts';
import { pageRoutes } from './routes.ts';
import {
  clearSessionCookie,
  type DashboardEnv,
  requireCsrf,
  requireLogin,
  safeNext,
  securityHeaders,
  sessionId,
  setSessionCookie,
} from './security.ts';
import { LoginThrottle, Sessions } from './sessions.ts';

export type DashboardContext = JobContext & { readonly store: T2aStore };

export interface DashboardParts {
  readonly ctx: DashboardContext;
  readonly config: DashboardConfig;
  readonly live: LiveRuns;
  readonly states: JobStates;
  /** A page of the dashboard in its frame; the content is made knowing the frame (forms need its token). */
  readonly render: (
    c: Context<DashboardEnv>,
    title: string,
    section: Section | undefined,
    content: Html | ((frame: PageFrame) => Html),
  ) => string;
}

const UPLOAD_LIMIT = 2 * 1024 * 1024;

function loginRoutes(app: Hono<DashboardEnv>, parts: DashboardParts, sessions: Sessions): void {
  const throttle = new LoginThrottle();
  const dhis2 = parts.config.dhis2Login?.connection;
  const form = (c: Context<DashboardEnv>, next: string, error?: string, username?: string) => {
    const session = sessions.get(sessionId(c)) ?? sessions.anonymous();
    setSessionCookie(c, session);
    const frame = {
      title: 'Log in',
      section: undefined,
      user: undefined,
      csrf: session.csrf,
      instance: basename(parts.ctx.config.file),
    };
    return page(
      frame,
      loginPage(session.csrf, next, {
        ...(error && { error }),
        ...(dhis2 && { dhis2 }),
        ...(username && { username }),
      }),
    ).text;
  };
  app.get('/login', (c) => c.html(form(c, safeNext(c.req.query('next')))));
  app.post('/login', async (c) => {
    const body = await c.req.parseBody();
    const username = String(body.username ?? '').trim();
    const next = safeNext(String(body.next ?? ''));
    if (throttle.blocked(username))
      return c.html(
        form(c, next, 'Too many failed attempts for this user name: wait 15 minutes.', username),
      );
    const result = await logIn(parts.ctx, parts.config, username, String(body.password ?? ''));
    if (!result.ok) {
      throttle.failed(username);
      parts.ctx.logger.warn({ username }, 'dashboard login refused');
      return c.html(form(c, next, result.reason, username));
    }
    throttle.succeeded(username);
    parts.ctx.logger.info({ username: result.user }, 'dashboard login');
    setSessionCookie(c, sessions.login(result.user, sessionId(c)));
    return c.redirect(next, 303);
  });
  app.post('/logout', (c) => {
    sessions.logout(sessionId(c));
    clearSessionCookie(c);
    return c.redirect('/login', 303);
  });
}

/**
 * The dashboard as a Hono app: security first (headers, login, CSRF, upload limit), then the assets,
 * the login, and the pages (routes.ts). It works through the same use cases as the command line.
 */
export function dashboardApp(
  ctx: DashboardContext,
  config: DashboardConfig,
  live: LiveRuns,
): Hono<DashboardEnv> {
  const sessions = new Sessions(config.sessionHours * 3_600_000);
  const app = new Hono<DashboardEnv>();
  const render: DashboardParts['render'] = (c, title, section, content) => {
    const session = c.get('session');
    const frame: PageFrame = {
      title,
      section,
      user: session.user,
      csrf: session.csrf,
      instance: basename(ctx.config.file),
    };
    return page(frame, typeof content === 'function' ? content(frame) : content).text;
  };
  const parts: DashboardParts = { ctx, config, live, states: new JobStates(ctx, live), render };
  app.use(securityHeaders);
  app.use(
    bodyLimit({
      maxSize: UPLOAD_LIMIT,
      onError: (c) => c.text('The upload is over 2 MB: a mapping CSV is far smaller.', 413),
    }),
  );
  app.use(requireLogin(sessions));
  app.use(requireCsrf);
  app.get('/assets/style.css', (c) =>
    c.body(STYLESHEET, 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'max-age=3600',
    }),
  );
  app.get('/assets/app.js', (c) =>
    c.body(SCRIPT, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'max-age=3600',
    }),
  );
  loginRoutes(app, parts, sessions);
  pageRoutes(app, parts);
  app.notFound((c) => c.text('No such page.', 404));
  app.onError((error, c) => {
    ctx.logger.error({ err: error.message, path: c.req.path }, 'dashboard request failed');
    const body = isT2aError(error)
      ? notice('error', error.message, error.fix ? html`<strong>Fix:</strong> ${error.fix}` : '')
      : notice(
          'error',
          'Something went wrong',
          `t2a could not answer this request: ${error.message}. The log of t2a serve has the details.`,
        );
    const session = c.get('session');
    return session?.user
      ? c.html(render(c, 'Error', undefined, body), isT2aError(error) ? 400 : 500)
      : c.text(error.message, 500);
  });
  return app;
}
