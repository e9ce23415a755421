import { z } from 'zod';

export const uid = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]{10}$/, 'must be a DHIS2 UID: a letter then 10 letters or digits');

/** `scrypt$N$r$p$salt$hash`, as `t2a hash-password` prints it. */
const SCRYPT_HASH = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=_-]+\$[A-Za-z0-9+/=_-]+$/;

/**
 * `serve.dashboard`: where the dashboard listens and who may log in. Passwords are never written here,
 * only their scrypt hashes (`t2a hash-password`), usually read from the environment.
 */
const dashboardUser = z
  .object({
    username: z.string().min(1),
    passwordHash: z
      .string()
      .superRefine((hash, context) => {
        if (SCRYPT_HASH.test(hash)) return;
        context.addIssue({
          code: 'custom',
          // A shell that reads `KEY=scrypt$16384$8$…` unquoted expands each `$…` as a variable: what
          // is left starts with "scrypt" and has lost its `$` signs.
          message:
            hash.startsWith('scrypt') && !hash.includes('$')
              ? "looks like a hash whose $ signs a shell removed (it read them as variables): put the hash in single quotes where it is set, e.g. T2A_ADMIN_HASH='scrypt$16384$8$1$…' in the environment file"
              : 'must be a hash printed by `t2a hash-password` (scrypt$…), never the password itself',
        });
      })
      .meta({ secret: true, description: 'From `t2a hash-password`, usually ${T2A_ADMIN_HASH}' }),
  })
  .strict();

export const dashboard = z
  .object({
    port: z.number().int().min(0).max(65535).default(8080),
    host: z
      .string()
      .default('127.0.0.1')
      .describe('Address to listen on; anything but loopback needs tls or behindProxy: true'),
    users: z.array(dashboardUser).default([]).describe('Who may log in, with hashed passwords'),
    dhis2Login: z
      .object({
        connection: z.string().min(1).describe('The instance whose users may log in (/api/me)'),
        userGroups: z
          .array(uid)
          .default([])
          .describe('Members of these groups may log in; superusers (ALL) when empty'),
      })
      .strict()
      .optional(),
    tls: z
      .object({ cert: z.string().min(1), key: z.string().min(1) })
      .strict()
      .optional()
      .describe('PEM files; HTTPS is then served directly'),
    behindProxy: z
      .boolean()
      .default(false)
      .describe('A TLS-terminating reverse proxy stands in front: listen on plain HTTP anyway'),
    sessionHours: z.number().positive().default(8),
  })
  .strict();

export type DashboardConfig = z.infer<typeof dashboard>;
