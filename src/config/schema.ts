import { z } from 'zod';
import { PERIOD_TYPES } from '../core/periods.ts';
import { dashboard, uid } from './dashboard-schema.ts';

/**
 * The configuration file's schema: connections (where and how), jobs (what), kept apart from the logic.
 * Secrets are never required in the file itself: `${ENV_VAR}` is replaced from the environment, and
 * `passwordFile` / `tokenFile` read a file (a Kubernetes or systemd secret).
 */

const auth = z.union([
  z
    .object({
      token: z
        .string()
        .min(1)
        .meta({ secret: true, description: 'Personal access token (d2pat_…), usually ${ENV_VAR}' }),
    })
    .strict(),
  z
    .object({ tokenFile: z.string().min(1).describe('File holding the personal access token') })
    .strict(),
  z
    .object({
      username: z.string().min(1),
      password: z.string().min(1).meta({ secret: true, description: 'Usually ${ENV_VAR}' }),
    })
    .strict(),
  z.object({ username: z.string().min(1), passwordFile: z.string().min(1) }).strict(),
]);

export const connectionSchema = z
  .object({
    url: z
      .url()
      .describe('Base URL of the DHIS2 instance, e.g. https://hmis.example.org (no /api)'),
    auth,
    timeoutSeconds: z
      .number()
      .positive()
      .default(120)
      .describe('Per request; analytics on a large instance is slow'),
    retries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(3)
      .describe('Retries of a failed request (network, 5xx, timeout)'),
    retryDelaySeconds: z
      .number()
      .min(0)
      .default(2)
      .describe('First retry delay; doubles each time'),
    maxUrlLength: z
      .number()
      .int()
      .min(1000)
      .default(8000)
      .describe(
        'Longest URL (path and query, bytes) t2a sends; longer requests are split. nginx and Tomcat refuse request lines over 8 KB by default',
      ),
  })
  .strict();

const idScheme = z
  .string()
  .regex(
    /^(UID|CODE|ATTRIBUTE:[A-Za-z][A-Za-z0-9]{10})$/,
    'must be UID, CODE or ATTRIBUTE:<attribute uid>',
  );

const importStrategy = z.enum(['CREATE', 'UPDATE', 'CREATE_AND_UPDATE']);

export const targetSchema = z
  .object({
    connection: z.string().min(1).describe('A connection name, or "same" for the source instance'),
    orgUnitIdScheme: idScheme
      .default('UID')
      .describe('How org units are matched between the two instances'),
    orgUnitMapFile: z
      .string()
      .optional()
      .describe('CSV "source,target" for instances whose org units are not harmonised'),
    importStrategy: importStrategy.optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();

const programIndicators = z.union([
  z.object({ group: uid.describe('A program indicator group: all its members') }).strict(),
  z.object({ ids: z.array(uid).min(1) }).strict(),
]);

const periods = z.union(
  [
    z
      .object({
        last: z
          .number()
          .int()
          .min(0)
          .max(520)
          .describe('How many periods back from the current one'),
        includeCurrent: z.boolean().default(false).describe('Also the current, incomplete period'),
      })
      .strict(),
    z
      .object({
        // YAML reads 202401 as a number; a period is text.
        fixed: z
          .array(z.union([z.string().min(4), z.number().int().transform(String)]))
          .min(1)
          .describe('ISO periods, e.g. 202401'),
      })
      .strict(),
  ],
  {
    error:
      'expected { last: <how many periods back>, includeCurrent: true|false } or { fixed: [202401, 202402, …] }',
  },
);

const orgUnits = z
  .object({
    roots: z.array(uid).optional().describe('Units whose subtrees are included'),
    level: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('With roots: the level below them to report for'),
    levels: z.array(z.number().int().min(1)).optional(),
    groups: z.array(uid).optional(),
    ids: z.array(uid).optional(),
  })
  .strict()
  .refine((value) => value.roots || value.levels || value.groups || value.ids, {
    message: 'name org units by roots (with a level), levels, groups or ids',
  });

export const jobSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    source: z.string().min(1).describe('The connection holding the tracker data'),
    programIndicators,
    mappingAttribute: uid
      .default('vudyDP7jUy5')
      .describe('Attribute holding the data element code (WHO packages: vudyDP7jUy5)'),
    mappingFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The mapping file `t2a mapping generate` builds the indicators from (relative to this file)',
      ),
    periodType: z.enum(PERIOD_TYPES as [string, ...string[]]).default('Monthly'),
    periods: periods.default({ last: 3, includeCurrent: false }),
    orgUnits,
    targets: z.array(targetSchema).min(1),
    importStrategy: importStrategy.default('CREATE_AND_UPDATE'),
    dryRun: z.boolean().default(false),
    chunk: z
      .object({
        periods: z.number().int().min(1).default(1),
        orgUnits: z.number().int().min(1).default(100),
      })
      .strict()
      .default({ periods: 1, orgUnits: 100 }),
    concurrency: z.number().int().min(1).max(16).default(2).describe('Chunks in flight at once'),
    fullExportEvery: z
      .string()
      .regex(/^[1-9]\d*[hd]$/, 'a number of hours or days: 12h, 7d')
      .optional()
      .describe(
        "Export only the org units and periods the tracker's changes since the last run can reach, and everything once this long (12h, 7d) has passed since the last full export (ADR 11); unset: everything every run",
      ),
    reconcile: z
      .object({
        deleteStale: z
          .boolean()
          .default(true)
          .describe('Clear values t2a wrote that the export no longer produces'),
        staleAs: z
          .enum(['delete', 'zero'])
          .default('delete')
          .describe('zero: write 0 instead, for data elements that store zeros'),
        maxDeleteShare: z
          .number()
          .min(0)
          .max(1)
          .default(0.2)
          .describe('Refuse to delete more than this share of the values in scope'),
        maxAnalyticsAgeHours: z
          .number()
          .positive()
          .default(48)
          .describe('No deletion from analytics older than this'),
        takeOverFrom: z
          .array(z.string().min(1))
          .default([])
          .describe(
            'Users whose values t2a may overwrite (e.g. the import user of a migration); any other value t2a never wrote is withheld and reported, never overwritten',
          ),
      })
      .strict()
      .default({
        deleteStale: true,
        staleAs: 'delete',
        maxDeleteShare: 0.2,
        maxAnalyticsAgeHours: 48,
        takeOverFrom: [],
      }),
    shadow: z
      .object({
        suffix: z.string().min(1).describe('Appended to each data element code, e.g. _TRACKER'),
      })
      .strict()
      .optional()
      .describe('Parallel reporting: deliver into shadow data elements instead of the real ones'),
    compare: z
      .object({
        tolerance: z
          .number()
          .min(0)
          .default(0.05)
          .describe('Relative difference still counted as agreement'),
        agreeFor: z
          .number()
          .int()
          .min(1)
          .default(3)
          .describe('Periods in a row of agreement that end parallel reporting'),
      })
      .strict()
      .default({ tolerance: 0.05, agreeFor: 3 }),
    complete: z
      .object({
        rule: z.union([
          z.object({ minValues: z.number().int().min(1) }).strict(),
          z
            .object({
              dataElements: z.array(z.string().min(1)).min(1),
              minOf: z.number().int().min(1),
            })
            .strict(),
          z.literal('allMapped'),
        ]),
        afterSync: z.boolean().default(false).describe('Mark complete at the end of each sync'),
      })
      .strict()
      .optional()
      .describe('Mark the target data set complete where the rule holds'),
    schedule: z
      .string()
      .optional()
      .describe('When `t2a serve` runs the job: a cron expression, e.g. "0 2 * * *" (02:00 daily)'),
    analytics: z
      .object({
        mode: z
          .enum(['run', 'check', 'off'])
          .default('check')
          .describe(
            'run: run tracker analytics and wait before exporting; check: refuse analytics older than maxAgeHours',
          ),
        lastYears: z.number().int().min(0).optional().describe('Only rebuild the last N years'),
        timeoutMinutes: z.number().positive().default(120),
        maxAgeHours: z
          .number()
          .positive()
          .default(26)
          .describe('With check: the oldest analytics accepted'),
        afterImport: z
          .boolean()
          .default(false)
          .describe('Run aggregate analytics on the targets afterwards, for dashboards'),
      })
      .strict()
      .default({ mode: 'check', timeoutMinutes: 120, maxAgeHours: 26, afterImport: false }),
    notify: z
      // `conflicts` was this setting's name for `incomplete`: configurations that say it keep working.
      .preprocess(
        (value) => (value === 'conflicts' ? 'incomplete' : value),
        z.enum(['failure', 'incomplete', 'always', 'digest']),
      )
      .default('incomplete')
      .describe(
        'When to send a message: on failure, whenever a run is not a success (incomplete, empty or failed; "conflicts" is an old name for it), after every run, or in the daily digest of t2a serve',
      ),
    lockedPeriods: z
      .enum(['skip', 'fail'])
      .default('skip')
      .describe(
        'A value for a period the target has closed: skip it and report, or fail the chunk',
      ),
    provenance: z
      .enum(['comment', 'none'])
      .default('comment')
      .describe('comment: each value written carries "t2a run <id>"'),
  })
  .strict();

const notifications = z
  .object({
    email: z
      .object({
        host: z.string().min(1),
        port: z.number().int().positive().default(587),
        secure: z
          .boolean()
          .default(false)
          .describe('TLS from the start (port 465); otherwise STARTTLS'),
        username: z.string().optional(),
        password: z
          .string()
          .optional()
          .meta({ secret: true, description: 'Usually ${SMTP_PASSWORD}' }),
        from: z.string().min(3),
        to: z.array(z.string().min(3)).min(1),
        allowSelfSigned: z.boolean().default(false),
      })
      .strict()
      .optional(),
    dhis2: z
      .object({
        connection: z.string().min(1).describe('The instance whose messaging to use'),
        users: z.array(uid).default([]),
        userGroups: z.array(uid).default([]),
      })
      .strict()
      .optional(),
    webhook: z.object({ url: z.url() }).strict().optional(),
  })
  .strict();

export const configSchema = z
  .object({
    connections: z.record(z.string(), connectionSchema),
    jobs: z.array(jobSchema).min(1),
    notifications: notifications.optional(),
    serve: z
      .object({
        timeZone: z
          .string()
          .default('Etc/UTC')
          .describe('Time zone of the schedules, e.g. Africa/Nairobi'),
        graceSeconds: z
          .number()
          .min(0)
          .default(60)
          .describe('On SIGTERM, how long to let a running job finish'),
        missedRunAlertMinutes: z
          .number()
          .positive()
          .default(60)
          .describe('Alert when a scheduled run is this late'),
        digestAt: z
          .string()
          .default('0 7 * * *')
          .describe('When the daily digest goes out (jobs with notify: digest)'),
        dashboard: dashboard
          .optional()
          .describe('The web dashboard t2a serve offers (jobs, runs, mapping, transition)'),
      })
      .strict()
      .default({
        timeZone: 'Etc/UTC',
        graceSeconds: 60,
        missedRunAlertMinutes: 60,
        digestAt: '0 7 * * *',
      }),
    store: z
      .string()
      .default('t2a.sqlite')
      .describe(
        'Run history, ledger and lock: a SQLite file (relative to this file), or postgres://user:${PGPASSWORD}@host/db shared by several t2a',
      ),
    log: z
      .object({
        file: z.string().default('t2a.log'),
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
      })
      .strict()
      .default({ file: 't2a.log', level: 'info' }),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type { DashboardConfig } from './dashboard-schema.ts';
export type ConnectionConfig = z.infer<typeof connectionSchema>;
export type JobConfig = z.infer<typeof jobSchema>;
export type TargetConfig = z.infer<typeof targetSchema>;

/** JSON Schema of the configuration, for editors (`t2a schema > t2a.schema.json`). */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input' });
}
