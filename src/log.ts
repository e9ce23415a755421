import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import { T2aError } from './core/errors.ts';

/** Fails now, with the path, when the log file cannot be written (not later, from a background stream). */
function checkWritable(file: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    closeSync(openSync(file, 'a'));
  } catch (error) {
    throw new T2aError(
      'config',
      `t2a cannot write its log file ${file}: ${(error as Error).message}.`,
      {
        fix: 'Give log.file (or --log-file) a path t2a’s user may write, or create the folder with the right owner.',
      },
    );
  }
}

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
  const level = options.level ?? 'info';
  if (!(level in pino.levels.values) && level !== 'silent') {
    throw new T2aError('usage', `"${level}" is not a log level.`, {
      fix: `Use one of: ${Object.keys(pino.levels.values).join(', ')} (--log-level or log.level).`,
    });
  }
  if (options.file) checkWritable(options.file);
  const destination = options.file
    ? pino.destination({ dest: options.file, mkdir: true, sync: false })
    : pino.destination({ dest: 2, sync: true });
  // A disk that fills up later must not crash the run: say it once on stderr and go on.
  let said = false;
  destination.on('error', (error: Error) => {
    if (said) return;
    said = true;
    process.stderr.write(`⚠ t2a cannot write its log ${options.file ?? ''}: ${error.message}\n`);
  });
  return pino(
    {
      level,
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
