import { Hono } from 'hono';
import type { SandboxContext } from '../context.ts';
import { authMiddleware } from './auth.ts';
import { controlRoutes } from './control.ts';
import type { SandboxEnv } from './env.ts';
import { faultMiddleware } from './faults.ts';
import { requestLineLimit } from './proxy.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { auditRoutes } from './routes/audits.ts';
import { dataValueSetsRoutes } from './routes/data-value-sets.ts';
import { metadataRoutes } from './routes/metadata.ts';
import { programIndicatorRoutes } from './routes/program-indicators.ts';
import { systemRoutes } from './routes/system.ts';
import { trackerRoutes } from './routes/tracker.ts';
import { deprecatedTrackerRoutes } from './routes/tracker-deprecated.ts';
import { webMessage } from './web-message.ts';

/** The sandbox's HTTP surface: DHIS2's Web API under `/api`, and the test control API under `/__sandbox`. */
export function createSandboxApp(ctx: SandboxContext): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  // Tomcat dates every answer by the server's clock, the clock DHIS2 stamps values with.
  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set('Date', ctx.clock.now().toUTCString());
  });
  // DHIS2 maps every endpoint with its `.json` suffix too (`CustomRequestMappingHandlerMapping`, suffix
  // matching on, 2.36–2.43): `/api/system/info.json` is `/api/system/info`. Routes whose suffix chooses
  // the format (analytics' dataValueSet.json/.xml/.csv, dataValueSets.json) keep theirs.
  app.use('/api/*', async (c, next) => {
    const url = new URL(c.req.url);
    if (!url.pathname.endsWith('.json') || KEEPS_SUFFIX.test(url.pathname)) return next();
    url.pathname = url.pathname.slice(0, -'.json'.length);
    return app.fetch(new Request(url, c.req.raw), c.env);
  });
  // Counted after the suffix is taken off: `/api/system/info.json` counts once, as `/api/system/info`.
  app.use('/api/*', async (c, next) => {
    const path = new URL(c.req.url).pathname.replace(/^\/api\/[0-9]{2}\//, '/api/');
    const key = `${c.req.method} ${path}`;
    ctx.requests.set(key, (ctx.requests.get(key) ?? 0) + 1);
    return next();
  });
  app.use('*', requestLineLimit(ctx.maxRequestLine));
  app.use('*', faultMiddleware(ctx.faults, ctx.stopped));
  app.route('/__sandbox', controlRoutes(ctx));

  const api = new Hono<SandboxEnv>();
  api.use('*', authMiddleware(ctx));
  api.route('/', systemRoutes(ctx));
  api.route('/', trackerRoutes(ctx));
  api.route('/', deprecatedTrackerRoutes(ctx));
  api.route('/', analyticsRoutes(ctx));
  api.route('/', dataValueSetsRoutes(ctx));
  api.route('/', auditRoutes(ctx));
  api.route('/', programIndicatorRoutes(ctx));
  // Last: its /:type and /:type/:id routes would otherwise take every other path.
  api.route('/', metadataRoutes(ctx));
  api.notFound((c) =>
    c.json(webMessage(404, 'ERROR', `Not found: ${new URL(c.req.url).pathname}`), 404),
  );

  // DHIS2 serves every endpoint also under a versioned path, /api/37/dataValueSets for example.
  app.use('/api/:version{[0-9]{2}}/*', async (c, next) => {
    c.set('apiVersion', Number(c.req.param('version')));
    return next();
  });
  app.route('/api/:version{[0-9]{2}}', api);
  app.route('/api', api);
  app.get('/dhis-web-commons/security/login.action', (c) => c.html(LOGIN_PAGE));
  app.get('/dhis-web-login', (c) => c.html(LOGIN_PAGE));
  app.get('/dhis-web-login/', (c) => c.html(LOGIN_PAGE));
  app.get('/login/', (c) => c.html(LOGIN_PAGE));
  app.onError((error, c) => {
    console.error(error);
    return c.json(webMessage(500, 'ERROR', error.message), 500);
  });
  return app;
}

const KEEPS_SUFFIX = /\/(analytics\/dataValueSet|dataValueSets)\.json$/;

const LOGIN_PAGE =
  '<!DOCTYPE html><html><head><title>DHIS 2 sandbox</title></head><body><h1>DHIS 2</h1><form><input name="j_username"><input name="j_password" type="password"></form></body></html>';
