import nodemailer from 'nodemailer';
import type { LoadedConfig } from '../config/load.ts';
import { isT2aError } from '../core/errors.ts';
import { Dhis2Client } from '../dhis2/client.ts';
import { fetchCurrentUser, hasAuthority } from '../dhis2/me.ts';
import { getSystemInfo } from '../dhis2/system.ts';
import type { Logger } from '../log.ts';

export interface Check {
  readonly subject: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly fix?: string | undefined;
}

/** What each connection's role in the jobs asks of its user. */
function rolesOf(config: LoadedConfig, name: string): { source: boolean; target: boolean } {
  const jobs = config.config.jobs;
  return {
    source: jobs.some((job) => job.source === name),
    target: jobs.some((job) =>
      job.targets.some(
        (t) => t.connection === name || (t.connection === 'same' && job.source === name),
      ),
    ),
  };
}

async function checkConnection(
  config: LoadedConfig,
  name: string,
  logger: Logger,
): Promise<Check[]> {
  const connection = config.connections.get(name)!;
  const client = new Dhis2Client({ ...connection, retries: 0 }, logger);
  const checks: Check[] = [];
  try {
    const info = await getSystemInfo(client);
    checks.push({
      subject: `${name}: reach`,
      ok: true,
      detail: `${connection.url} answers as DHIS2 ${info.version.text}`,
    });
    const user = await fetchCurrentUser(client);
    checks.push({
      subject: `${name}: login`,
      ok: true,
      detail: `as ${user.username} (${connection.auth.kind === 'token' ? 'personal access token' : 'basic auth'})`,
    });
    const roles = rolesOf(config, name);
    if (roles.target && !hasAuthority(user, 'F_DATAVALUE_ADD')) {
      checks.push({
        subject: `${name}: rights`,
        ok: false,
        detail: `${user.username} may not add data values`,
        fix: 'Give the user a role with F_DATAVALUE_ADD.',
      });
    }
    if (roles.source) {
      const age = info.lastAnalyticsTableSuccess
        ? (Date.parse(`${info.serverDate}Z`) - Date.parse(`${info.lastAnalyticsTableSuccess}Z`)) /
          3_600_000
        : undefined;
      checks.push(
        age === undefined
          ? {
              subject: `${name}: analytics`,
              ok: false,
              detail: 'analytics has never run',
              fix: 'Run analytics, or set analytics.mode: run on the job.',
            }
          : {
              subject: `${name}: analytics`,
              ok: age <= 26,
              detail: `last run ${info.lastAnalyticsTableSuccess} (${Math.round(age)} h ago)`,
              fix: age > 26 ? 'Check the scheduled analytics job.' : undefined,
            },
      );
    }
  } catch (error) {
    checks.push({
      subject: `${name}: reach`,
      ok: false,
      detail: (error as Error).message,
      fix: isT2aError(error) ? error.fix : undefined,
    });
  }
  return checks;
}

/** `t2a doctor`: reaches each instance, checks versions, logins, rights, analytics age and SMTP. */
export async function runDoctor(config: LoadedConfig, logger: Logger): Promise<Check[]> {
  const checks: Check[] = [];
  for (const name of config.connections.keys())
    checks.push(...(await checkConnection(config, name, logger)));
  const email = config.config.notifications?.email;
  if (email) {
    const transport = nodemailer.createTransport({
      host: email.host,
      port: email.port,
      secure: email.secure,
      ...(email.username ? { auth: { user: email.username, pass: email.password ?? '' } } : {}),
      tls: { rejectUnauthorized: !email.allowSelfSigned },
    });
    try {
      await transport.verify();
      checks.push({ subject: 'SMTP', ok: true, detail: `${email.host}:${email.port} accepts t2a` });
    } catch (error) {
      checks.push({
        subject: 'SMTP',
        ok: false,
        detail: `${email.host}:${email.port}: ${(error as Error).message}`,
        fix: 'Check host, port, TLS and the SMTP credentials.',
      });
    }
  }
  return checks;
}
