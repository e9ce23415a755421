import { Hono } from 'hono';
import type { SandboxContext } from '../../context.ts';
import { readSystemState } from '../../db/schema.ts';
import type { SandboxEnv } from '../env.ts';

/** DHIS2 dates carry no zone: `yyyy-MM-dd'T'HH:mm:ss.SSS` (`DateUtils.toIso8601NoTz`). */
export function dhis2DateTime(date: Date): string {
  return date.toISOString().slice(0, 23);
}

function interval(from: Date, to: Date): string {
  const seconds = Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${hours} h, ${minutes} m, ${seconds % 60} s`;
}

/** `GET /api/system/info` (`SystemInfo.java`): the fields t2a reads, with the names DHIS2 gives them. */
export function systemRoutes(ctx: SandboxContext): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.get('/system/info', (c) => {
    const now = ctx.clock.now();
    const lastSuccess = readSystemState(ctx.db, 'lastAnalyticsTableSuccess');
    const runtime = readSystemState(ctx.db, 'lastAnalyticsTableRuntime');
    const info: Record<string, unknown> = {
      contextPath: ctx.baseUrl(),
      userAgent: c.req.header('user-agent') ?? '',
      calendar: 'iso8601',
      dateFormat: 'yyyy-mm-dd',
      serverDate: dhis2DateTime(now),
      serverTimeZoneId: 'Etc/UTC',
      serverTimeZoneDisplayName: 'Coordinated Universal Time',
      version: ctx.version.text,
      revision: 'sandbox',
      buildTime: '2026-01-01T00:00:00.000',
      systemId: 'eed3d451-4ff5-4193-b951-ffcc68954299',
      systemName: 'DHIS 2 sandbox',
      instanceBaseUrl: ctx.baseUrl(),
      isMetadataVersionEnabled: false,
    };
    if (lastSuccess) {
      info.lastAnalyticsTableSuccess = lastSuccess;
      info.intervalSinceLastAnalyticsTableSuccess = interval(new Date(`${lastSuccess}Z`), now);
    }
    if (runtime) info.lastAnalyticsTableRuntime = runtime;
    return c.json(info);
  });
  app.get('/system/ping', (c) => c.text('pong'));
  return app;
}
