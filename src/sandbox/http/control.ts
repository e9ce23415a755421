import { Hono } from 'hono';
import { unsupportedItems } from '../analytics/unsupported.ts';
import type { SandboxContext } from '../context.ts';
import type { SandboxEnv } from './env.ts';
import { type FaultRule, parseFaultRule } from './faults.ts';

/**
 * The sandbox's own control API, for tests and rehearsals; not part of DHIS2. Bound to localhost only.
 * - `POST /__sandbox/faults` `{"rule":"POST /api/dataValueSets 500 times=2"}` or a FaultRule object
 * - `DELETE /__sandbox/faults`
 * - `POST /__sandbox/analytics-faults` `{"fail":"message"}` or `{"durationMs":5000}`
 * - `POST /__sandbox/clock` `{"now":"2024-03-05T10:00:00Z"}` (or `{"now":null}` for the system clock)
 */
export function controlRoutes(ctx: SandboxContext): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.get('/health', (c) => c.json({ status: 'OK', version: ctx.version.text }));
  // Indicators analytics cannot evaluate, and other data items asked for, with the reason: never silently zero.
  app.get('/analytics/unsupported', (c) => c.json(unsupportedItems(ctx)));
  app.get('/requests', (c) => c.json(Object.fromEntries(ctx.requests)));
  app.get('/faults', (c) => c.json({ faults: ctx.faults.list(), analytics: ctx.faults.analytics }));
  app.post('/faults', async (c) => {
    const body = (await c.req.json()) as { rule?: string } & Partial<FaultRule>;
    try {
      const rule = typeof body.rule === 'string' ? parseFaultRule(body.rule) : (body as FaultRule);
      if (!rule.path || !rule.fault) throw new Error('A fault needs a path and a fault.');
      ctx.faults.add(rule);
      return c.json({ added: rule }, 201);
    } catch (error) {
      return c.json({ error: (error as Error).message }, 400);
    }
  });
  app.delete('/faults', (c) => {
    ctx.faults.clear();
    return c.body(null, 204);
  });
  app.post('/analytics-faults', async (c) => {
    const body = (await c.req.json()) as { fail?: string; durationMs?: number };
    ctx.faults.analytics = { fail: body.fail, durationMs: body.durationMs };
    return c.json(ctx.faults.analytics);
  });
  app.post('/clock', async (c) => {
    const body = (await c.req.json()) as { now?: string | null };
    ctx.clock.set(body.now ? new Date(body.now) : undefined);
    return c.json({ now: ctx.clock.now().toISOString() });
  });
  return app;
}
