import type { MiddlewareHandler } from 'hono';
import type { SandboxEnv } from './env.ts';

/**
 * Faults on request, so every feature of t2a can be tested under the failures a real network and a
 * loaded DHIS2 produce: latency, 5xx answers, dropped connections, hung responses, failing analytics.
 */
/** 401: the credentials stop being accepted mid-run (a token revoked or expired, a password changed). */
export type FaultStatus = 401 | 500 | 502 | 503 | 504;

export type FaultKind =
  | { readonly kind: 'status'; readonly status: FaultStatus }
  | { readonly kind: 'drop' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'latency'; readonly ms: number };

export interface FaultRule {
  /** HTTP method to match; any when absent. */
  readonly method?: string;
  /** Path prefix to match, e.g. `/api/analytics/dataValueSet.json`. */
  readonly path: string;
  readonly fault: FaultKind;
  /** Let this many matching requests through before the fault starts. */
  readonly after?: number;
  /** Fault this many matching requests, then stop; for ever when absent. */
  readonly times?: number;
  /**
   * The server does the work, then the answer is lost (a proxy's 504 while DHIS2 commits the import, a
   * connection cut on the way back): what t2a must not mistake for "nothing happened".
   */
  readonly late?: boolean;
}

/** How the analytics table job should misbehave (see the analytics job). */
export interface AnalyticsJobFaults {
  /** Fail the job with this message. */
  fail?: string | undefined;
  /** Let the job run this long before it finishes. */
  durationMs?: number | undefined;
}

interface ActiveRule extends FaultRule {
  seen: number;
  fired: number;
}

export class FaultRegistry {
  private rules: ActiveRule[] = [];
  analytics: AnalyticsJobFaults = {};

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, seen: 0, fired: 0 });
  }

  clear(): void {
    this.rules = [];
    this.analytics = {};
  }

  /** The rules, each with how many requests it has faulted so far. */
  list(): (FaultRule & { readonly fired: number })[] {
    return this.rules.map(({ seen: _seen, ...rule }) => rule);
  }

  /** The faults to apply to a request; counts it against each matching rule. */
  match(method: string, path: string): { fault: FaultKind; late: boolean }[] {
    const faults: { fault: FaultKind; late: boolean }[] = [];
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!path.startsWith(rule.path)) continue;
      rule.seen += 1;
      if (rule.seen <= (rule.after ?? 0)) continue;
      if (rule.times !== undefined && rule.fired >= rule.times) continue;
      rule.fired += 1;
      faults.push({ fault: rule.fault, late: rule.late === true });
    }
    return faults;
  }
}

/**
 * Parses a fault given on the command line: `[METHOD ]PATH FAULT[ after=N][ times=N][ late]` where FAULT
 * is `401`, `500`, `502`, `503`, `504`, `drop`, `hang` or `latency=MS`, and `late` applies it after the server
 * did the work.
 */
export function parseFaultRule(text: string): FaultRule {
  const words = text.trim().split(/\s+/);
  const method = /^[A-Z]+$/.test(words[0] ?? '') ? words.shift() : undefined;
  const path = words.shift();
  const what = words.shift();
  if (!path?.startsWith('/') || !what) {
    throw new Error(
      `Fault "${text}" is not of the form "[METHOD] /path FAULT [after=N] [times=N]", e.g. "POST /api/dataValueSets 500 times=2".`,
    );
  }
  let fault: FaultKind;
  if (['401', '500', '502', '503', '504'].includes(what)) {
    fault = { kind: 'status', status: Number(what) as FaultStatus };
  } else if (what === 'drop' || what === 'hang') {
    fault = { kind: what };
  } else if (/^latency=\d+$/.test(what)) {
    fault = { kind: 'latency', ms: Number(what.slice('latency='.length)) };
  } else {
    throw new Error(
      `Fault "${what}" is unknown: use 401, 500, 502, 503, 504, drop, hang or latency=MS.`,
    );
  }
  const options: { after?: number; times?: number; late?: boolean } = {};
  for (const word of words) {
    if (word === 'late') {
      options.late = true;
      continue;
    }
    const match = /^(after|times)=(\d+)$/.exec(word);
    if (!match) throw new Error(`"${word}" in fault "${text}" is not after=N, times=N or late.`);
    options[match[1] as 'after' | 'times'] = Number(match[2]);
  }
  return { ...(method ? { method } : {}), path, fault, ...options };
}

const FAULT_BODIES: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

type Ctx = Parameters<MiddlewareHandler<SandboxEnv>>[0];

function errorPage(c: Ctx, status: FaultStatus): Response {
  if (status === 401) {
    // DHIS2's own answer to credentials it no longer takes (a WebMessage, as for a wrong password).
    return c.json(
      { httpStatus: 'Unauthorized', httpStatusCode: 401, status: 'ERROR', message: 'Unauthorized' },
      401,
    );
  }
  // What a reverse proxy in front of DHIS2 (nginx) answers: an HTML error page.
  return c.html(
    `<html><head><title>${status} ${FAULT_BODIES[status]}</title></head><body><center><h1>${status} ${FAULT_BODIES[status]}</h1></center></body></html>`,
    status,
  );
}

async function dropConnection(c: Ctx): Promise<Response> {
  const incoming = (c.env as { incoming?: { socket?: { destroy(): void } } } | undefined)?.incoming;
  incoming?.socket?.destroy();
  await new Promise((resolve) => setTimeout(resolve, 10));
  return c.body(null, 500);
}

/** The response a fault turns the request into, or undefined when it only delays it. */
async function applyFault(
  c: Ctx,
  fault: FaultKind,
  stopped: Promise<void>,
): Promise<Response | undefined> {
  switch (fault.kind) {
    case 'latency':
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return undefined;
    case 'status':
      return errorPage(c, fault.status);
    case 'drop':
      return dropConnection(c);
    case 'hang':
      await stopped;
      return c.body(null, 503);
  }
}

/** Applies the matching faults: before the request reaches auth and the routes, or after them (late). */
export function faultMiddleware(
  faults: FaultRegistry,
  stopped: Promise<void>,
): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (path.startsWith('/__sandbox')) return next();
    const matched = faults.match(c.req.method, path);
    for (const { fault } of matched.filter((entry) => !entry.late)) {
      const response = await applyFault(c, fault, stopped);
      if (response) return response;
    }
    await next();
    for (const { fault } of matched.filter((entry) => entry.late)) {
      const response = await applyFault(c, fault, stopped);
      if (response) {
        c.res = undefined;
        c.res = response;
        return;
      }
    }
  };
}
