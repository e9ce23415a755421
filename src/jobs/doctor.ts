import nodemailer from 'nodemailer';
import type { LoadedConfig } from '../config/load.ts';
import type { JobConfig } from '../config/schema.ts';
import { isT2aError } from '../core/errors.ts';
import { fetchCurrentUser, hasAuthority } from '../dhis2/me.ts';
import { getSystemInfo, type SystemInfo } from '../dhis2/system.ts';
import type { Logger } from '../log.ts';
import { clientPool, type JobContext } from './context.ts';
import { indicatorsThatFail } from './evaluate-indicators.ts';
import { analyticsAge, type ResolvedJob, resolveJob } from './resolve-job.ts';

/** What a check looked at: reaching a server, logging in, rights, analytics age, indicators, SMTP. */
export type CheckKind = 'reach' | 'login' | 'rights' | 'analytics' | 'indicators' | 'smtp';

export interface Check {
  readonly kind: CheckKind;
  readonly subject: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly fix?: string | undefined;
}

/** What each connection's role in the jobs asks of its user, and the oldest analytics its jobs accept. */
function rolesOf(config: LoadedConfig, name: string) {
  const jobs = config.config.jobs;
  const sourceOf = jobs.filter((job) => job.source === name);
  return {
    source: sourceOf.length > 0,
    target: jobs.some((job) =>
      job.targets.some(
        (t) => t.connection === name || (t.connection === 'same' && job.source === name),
      ),
    ),
    maxAnalyticsAgeHours: Math.min(...sourceOf.map((job) => job.analytics.maxAgeHours)),
  };
}

function analyticsCheck(name: string, info: SystemInfo, maxAgeHours: number): Check {
  const age = analyticsAge(info);
  if (age === undefined) {
    return {
      kind: 'analytics',
      subject: `${name}: analytics`,
      ok: false,
      detail: 'analytics has never run',
      fix: 'Run analytics, or set analytics.mode: run on the job.',
    };
  }
  const ok = age <= maxAgeHours;
  return {
    kind: 'analytics',
    subject: `${name}: analytics`,
    ok,
    detail: `last run ${info.lastAnalyticsTableSuccess} (${Math.round(age)} h ago; the jobs accept ${maxAgeHours} h)`,
    fix: ok ? undefined : 'Check the scheduled analytics job.',
  };
}

async function checkConnection(
  config: LoadedConfig,
  name: string,
  client: ReturnType<ReturnType<typeof clientPool>['client']>,
): Promise<Check[]> {
  const checks: Check[] = [];
  try {
    const info = await getSystemInfo(client);
    const url = client.connection.url;
    checks.push({
      kind: 'reach',
      subject: `${name}: reach`,
      ok: true,
      detail: `${url} answers as DHIS2 ${info.version.text}`,
    });
    const user = await fetchCurrentUser(client);
    const auth = client.connection.auth.kind === 'token' ? 'personal access token' : 'basic auth';
    checks.push({
      kind: 'login',
      subject: `${name}: login`,
      ok: true,
      detail: `as ${user.username} (${auth})`,
    });
    const roles = rolesOf(config, name);
    if (roles.target && !hasAuthority(user, 'F_DATAVALUE_ADD')) {
      checks.push({
        kind: 'rights',
        subject: `${name}: rights`,
        ok: false,
        detail: `${user.username} may not add data values`,
        fix: 'Give the user a role with F_DATAVALUE_ADD.',
      });
    }
    if (roles.source) checks.push(analyticsCheck(name, info, roles.maxAnalyticsAgeHours));
  } catch (error) {
    // The first request tells both: whether the server answers, and whether it takes the login.
    checks.push({
      kind: isT2aError(error) && error.kind === 'auth' ? 'login' : 'reach',
      subject: `${name}: reach`,
      ok: false,
      detail: (error as Error).message,
      fix: isT2aError(error) ? error.fix : undefined,
    });
  }
  return checks;
}

async function checkSmtp(config: LoadedConfig): Promise<Check[]> {
  const email = config.config.notifications?.email;
  if (!email) return [];
  const transport = nodemailer.createTransport({
    host: email.host,
    port: email.port,
    secure: email.secure,
    ...(email.username ? { auth: { user: email.username, pass: email.password ?? '' } } : {}),
    tls: { rejectUnauthorized: !email.allowSelfSigned },
  });
  try {
    await transport.verify();
    return [
      {
        kind: 'smtp',
        subject: 'SMTP',
        ok: true,
        detail: `${email.host}:${email.port} accepts t2a`,
      },
    ];
  } catch (error) {
    return [
      {
        kind: 'smtp',
        subject: 'SMTP',
        ok: false,
        detail: `${email.host}:${email.port}: ${(error as Error).message}`,
        fix: 'Check host, port, TLS and the SMTP credentials.',
      },
    ];
  }
}

/** Whether the source evaluates every indicator a job maps, each asked once, alone. */
async function checkIndicators(ctx: JobContext, job: JobConfig): Promise<Check> {
  const subject = `job ${job.name}: indicators`;
  let resolved: ResolvedJob;
  try {
    resolved = await resolveJob(ctx, job.name);
  } catch (error) {
    return {
      kind: 'indicators',
      subject,
      ok: false,
      detail: `the job cannot be resolved: ${(error as Error).message}`,
      fix: isT2aError(error) ? error.fix : undefined,
    };
  }
  const failing = await indicatorsThatFail(resolved);
  const asked = new Set(resolved.mappings.map((mapping) => mapping.programIndicator)).size;
  if (failing.length === 0)
    return {
      kind: 'indicators',
      subject,
      ok: true,
      detail: `${job.source} evaluates all ${asked} mapped indicators`,
    };
  return {
    kind: 'indicators',
    subject,
    ok: false,
    detail: `${job.source} cannot evaluate ${failing.length} of ${asked}: ${failing
      .map(({ id, name, message }) => `"${name}" (${id}): ${message}`)
      .join('; ')}`,
    fix: 'Correct each indicator’s expression or filter in the source’s Maintenance app; until then a sync leaves them out (the others are delivered).',
  };
}

/**
 * `t2a doctor`: reaches each instance (once: no retries, so a dead server answers fast), checks
 * versions, logins, rights, analytics age against the jobs' limits, that the source evaluates each
 * job's indicators, and SMTP.
 */
export async function runDoctor(config: LoadedConfig, logger: Logger): Promise<Check[]> {
  const once: LoadedConfig = {
    ...config,
    connections: new Map(
      [...config.connections].map(([name, connection]) => [name, { ...connection, retries: 0 }]),
    ),
  };
  const clients = clientPool(once, logger);
  const checks: Check[] = [];
  for (const name of config.connections.keys())
    checks.push(...(await checkConnection(config, name, clients.client(name))));
  // Indicators only where every instance answered and took the login: the failure was reported above.
  if (checks.every((check) => check.ok || !['reach', 'login'].includes(check.kind))) {
    const ctx: JobContext = { config: once, logger, clients };
    for (const job of config.config.jobs) checks.push(await checkIndicators(ctx, job));
  }
  checks.push(...(await checkSmtp(config)));
  return checks;
}
