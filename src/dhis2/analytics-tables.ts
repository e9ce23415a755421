import { setTimeout as sleep } from 'node:timers/promises';
import { T2aError } from '../core/errors.ts';
import type { Dhis2Client } from './client.ts';
import type { ServerProfile } from './server-profile.ts';

export interface AnalyticsRunOptions {
  /** Only rebuild the last N years (`lastYears`); keeps a nightly run short. */
  readonly lastYears?: number | undefined;
  /** Which tables: tracker ones before an export, aggregate ones after an import. */
  readonly tables: 'tracker' | 'aggregate';
  readonly timeoutMs: number;
  readonly pollMs?: number | undefined;
}

interface Notification {
  message?: string;
  completed?: boolean;
  level?: string;
}

/**
 * Runs analytics tables (`POST /api/resourceTables/analytics`) and follows the task
 * (`GET /api/system/tasks/ANALYTICS_TABLE/{id}`, newest first) until it completes, fails or times out.
 * The skip options of the server's version leave out what the run does not need.
 */
export async function runAnalyticsTables(
  client: Dhis2Client,
  profile: ServerProfile,
  options: AnalyticsRunOptions,
): Promise<string> {
  const query = profile.analyticsTables(options.tables, options.lastYears);
  const started = await client.post('resourceTables/analytics', query, undefined);
  const body = started.body as
    | { response?: { id?: string; relativeNotifierEndpoint?: string } }
    | undefined;
  const id = body?.response?.id;
  if (!id) {
    throw new T2aError('dhis2', `${client.name} did not say which analytics job it started.`, {
      fix: 'Check the server log.',
      details: body,
    });
  }
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const notifications = await client.get<Notification[]>(`system/tasks/ANALYTICS_TABLE/${id}`);
    const latest = Array.isArray(notifications) ? notifications[0] : undefined;
    if (latest?.completed) {
      if (latest.level === 'ERROR') {
        throw new T2aError(
          'dhis2',
          `Analytics on ${client.name} failed: ${latest.message ?? 'no message'}.`,
          {
            fix: 'Read the analytics job’s error in the Data Administration app or the server log, fix it, and run again.',
          },
        );
      }
      return latest.message ?? 'Analytics tables updated';
    }
    if (Date.now() > deadline) {
      throw new T2aError(
        'dhis2',
        `Analytics on ${client.name} did not finish within ${options.timeoutMs >= 120_000 ? `${Math.round(options.timeoutMs / 60_000)} min` : `${Math.round(options.timeoutMs / 1000)} s`} (job ${id}).`,
        {
          fix: 'Raise analytics.timeoutMinutes, use lastYears to shorten the run, or schedule analytics before t2a and use mode "check".',
        },
      );
    }
    await sleep(options.pollMs ?? 2000);
  }
}

/** Refuses analytics older than the limit: values from it miss recent tracker data. */
export function checkAnalyticsFreshness(
  name: string,
  ageHours: number | undefined,
  maxAgeHours: number,
): void {
  if (ageHours === undefined) {
    throw new T2aError('dhis2', `Analytics has never run on ${name}.`, {
      fix: 'Run analytics (Data Administration app, or set the job’s analytics.mode to "run").',
    });
  }
  if (ageHours > maxAgeHours) {
    throw new T2aError(
      'dhis2',
      `Analytics on ${name} is ${Math.round(ageHours)} h old, over the job's limit of ${maxAgeHours} h.`,
      {
        fix: 'Check the scheduled analytics job on the source, or let t2a run it (analytics.mode: run).',
      },
    );
  }
}
