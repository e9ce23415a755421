import nodemailer from 'nodemailer';
import type { LoadedConfig } from '../config/load.ts';
import type { JobConfig } from '../config/schema.ts';
import { isT2aError } from '../core/errors.ts';
import { fetchCurrentUser, hasAuthority } from '../dhis2/me.ts';
import { getSystemInfo, type SystemInfo } from '../dhis2/system.ts';
import type { Logger } from '../log.ts';
import type { Check } from './check.ts';
import { clientPool, type JobContext } from './context.ts';
import { checkLocal } from './doctor-local.ts';
import { indicatorsThatFail } from './evaluate-indicators.ts';
import { jobFindings } from './job-checks.ts';
import { analyticsAge, type ResolvedJob, resolveJob } from './resolve-job.ts';

export type { Check, CheckKind } from './check.ts';

/** What each connection's role in the jobs asks of its user, and the oldest analytics its jobs accept. */
function rolesOf(config: LoadedConfig, name: string) {
  const jobs = config.config.jobs;
  const sourceOf = jobs.filter((job) => job.source === name);
  const targetOf = jobs.filter((job) =>
    job.targets.some(
      (t) => t.connection === name || (t.connection === 'same' && job.source === name),
    ),
  );
  return {
    source: sourceOf.length > 0,
    target: targetOf.length > 0,
    maxAnalyticsAgeHours: Math.min(...sourceOf.map((job) => job.analytics.maxAgeHours)),
    /** Authorities the runs will ask of this connection's user, each with why. */
    authorities: [
      ...(sourceOf.length > 0
        ? [['F_VIEW_EVENT_ANALYTICS', 'export program indicator values'] as const]
        : []),
      ...(sourceOf.some((job) => job.analytics.mode === 'run')
        ? [
            [
              'F_PERFORM_MAINTENANCE',
              'run analytics before the export (analytics.mode: run)',
            ] as const,
          ]
        : []),
      ...(targetOf.length > 0 ? [['F_DATAVALUE_ADD', 'import data values'] as const] : []),
      ...(targetOf.some((job) => job.reconcile.deleteStale)
        ? [['F_DATAVALUE_DELETE', 'clear stale values (reconcile.deleteStale)'] as const]
        : []),
      ...(targetOf.some((job) => job.analytics.afterImport)
        ? [
            [
              'F_PERFORM_MAINTENANCE',
              'run analytics after the import (analytics.afterImport)',
            ] as const,
          ]
        : []),
    ],
  };
}

/** The rights line: every authority the connection's runs need, present or named as missing. */
function rightsCheck(
  name: string,
  user: Awaited<ReturnType<typeof fetchCurrentUser>>,
  needed: readonly (readonly [string, string])[],
): Check | undefined {
  if (needed.length === 0) return undefined;
  const missing = needed.filter(([authority]) => !hasAuthority(user, authority));
  const names = [...new Set(needed.map(([authority]) => authority))];
  if (missing.length === 0)
    return {
      kind: 'rights',
      subject: `${name}: rights`,
      ok: true,
      detail: `${user.username} has ${user.authorities.includes('ALL') ? 'ALL' : names.join(', ')}`,
    };
  return {
    kind: 'rights',
    subject: `${name}: rights`,
    ok: false,
    detail: `${user.username} lacks ${missing.map(([authority, why]) => `${authority} (to ${why})`).join('; ')}`,
    fix: `Give ${user.username} a role with ${[...new Set(missing.map(([a]) => a))].join(', ')} in ${name}'s Users app.`,
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
    const rights = rightsCheck(name, user, roles.authorities);
    if (rights) checks.push(rights);
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

/**
 * A job as a run will meet it: its references resolve (group, roots, org units), validation finds no
 * error (the same findings `validate` and `sync` read: mapping, org units in the target and writable by
 * the import user, assignments, rights), and the source evaluates every mapped indicator, each asked once.
 */
async function checkJob(ctx: JobContext, job: JobConfig): Promise<Check[]> {
  let resolved: ResolvedJob;
  try {
    resolved = await resolveJob(ctx, job.name);
  } catch (error) {
    return [
      {
        kind: 'job',
        subject: `job ${job.name}`,
        ok: false,
        detail: `the job cannot be resolved: ${(error as Error).message}`,
        fix: isT2aError(error) ? error.fix : undefined,
      },
    ];
  }
  const found = await jobFindings(resolved, { probeIndicators: false });
  const errors = [...found.job, ...found.perTarget.flat()].filter((f) => f.severity === 'error');
  const jobCheck: Check =
    errors.length === 0
      ? {
          kind: 'job',
          subject: `job ${job.name}`,
          ok: true,
          detail: `${resolved.mappings.length} mapped indicators, ${resolved.orgUnits.length} org units, ${resolved.targets.length} target(s): validation finds no error`,
        }
      : {
          kind: 'job',
          subject: `job ${job.name}`,
          ok: false,
          detail: `validation finds ${errors.length} error(s), so sync refuses the job: ${errors
            .slice(0, 3)
            .map((f) => f.message)
            .join(' ')}${errors.length > 3 ? ' …' : ''}`,
          fix: `Run "t2a validate --job ${job.name}" for each finding and its fix.`,
        };
  return [jobCheck, await checkIndicators(resolved)];
}

/** Whether the source evaluates every indicator a job maps, each asked once, alone. */
async function checkIndicators(resolved: ResolvedJob): Promise<Check> {
  const job = resolved.job;
  const subject = `job ${job.name}: indicators`;
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
 * `t2a doctor`: checks what `validate` and `sync` will need — the store and log writable, each instance
 * reached (once: no retries, so a dead server answers fast) with its version, login and every right the
 * runs ask of its user, analytics age against the jobs' limits, each job's references and validation,
 * that the source evaluates each job's indicators — and SMTP.
 */
export async function runDoctor(config: LoadedConfig, logger: Logger): Promise<Check[]> {
  const once: LoadedConfig = {
    ...config,
    connections: new Map(
      [...config.connections].map(([name, connection]) => [name, { ...connection, retries: 0 }]),
    ),
  };
  const clients = clientPool(once, logger);
  const checks: Check[] = await checkLocal(config);
  for (const name of config.connections.keys())
    checks.push(...(await checkConnection(config, name, clients.client(name))));
  // Indicators only where every instance answered and took the login: the failure was reported above.
  if (checks.every((check) => check.ok || !['reach', 'login'].includes(check.kind))) {
    const ctx: JobContext = { config: once, logger, clients };
    for (const job of config.config.jobs) checks.push(...(await checkJob(ctx, job)));
  }
  checks.push(...(await checkSmtp(config)));
  return checks;
}
