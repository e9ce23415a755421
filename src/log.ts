import pino from 'pino';

export type Logger = pino.Logger;

export interface LogOptions {
  readonly file?: string | undefined;
  readonly level?: string | undefined;
  /** Secret values to mask wherever they appear in a log line. */
  readonly secrets?: readonly string[];
}

const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'password',
  '*.password',
  'token',
  '*.token',
  'auth',
  '*.auth',
];

/**
 * The structured log: pino JSON lines to a file, credentials never written. Known header and field
 * names are redacted by path; the resolved secrets themselves are masked in every string, so a secret
 * that reaches a message (an error from a library, say) is masked too.
 */
export function createLogger(options: LogOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((secret) => secret.length >= 4);
  const mask = (text: string) =>
    secrets.reduce((masked, secret) => masked.split(secret).join('[REDACTED]'), text);
  const destination = options.file
    ? pino.destination({ dest: options.file, mkdir: true, sync: false })
    : pino.destination({ dest: 2, sync: true });
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      hooks: secrets.length
        ? {
            streamWrite: mask,
          }
        : {},
    },
    destination,
  );
}

/** A logger that writes nothing (tests, `--json` runs that log nowhere). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
