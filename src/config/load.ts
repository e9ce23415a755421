import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { T2aError } from '../core/errors.ts';
import type { Dhis2Connection } from '../dhis2/connection.ts';
import { type Config, type ConnectionConfig, configSchema } from './schema.ts';

/** A connection with its secret read, ready for the DHIS2 client. Never logged, never stored. */
export type Connection = Dhis2Connection;

export interface LoadedConfig {
  readonly file: string;
  readonly config: Config;
  /** The store's path, resolved against the configuration file's folder. */
  readonly storePath: string;
  /** The log file's path, resolved likewise. */
  readonly logFile: string;
  readonly connections: ReadonlyMap<string, Connection>;
  /** Every secret value, so the logger can mask them wherever they appear. */
  readonly secrets: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads, interpolates, validates and resolves a configuration file. Errors name the file, the line and the fix. */
export function loadConfig(file: string, env: Env = process.env): LoadedConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new T2aError(
      'config',
      `Cannot read the configuration file ${path}: ${(error as Error).message}.`,
      {
        fix: 'Create it from examples/t2a.yaml, or name another with --config.',
      },
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new T2aError('config', `${path} is not valid YAML: ${doc.errors[0]!.message}`, {
      fix: 'Correct the YAML syntax at that line (indentation, a missing colon or quote).',
    });
  }
  interpolate(doc, env, path, lines);
  const parsed = configSchema.safeParse(doc.toJS());
  if (!parsed.success) throw schemaError(path, doc, lines, parsed.error);
  const config = parsed.data;
  checkReferences(path, config);
  const secrets: string[] = [];
  const connections = new Map<string, Connection>();
  for (const [name, connection] of Object.entries(config.connections)) {
    const resolved = resolveConnection(name, connection, dirname(path));
    connections.set(name, resolved);
    secrets.push(resolved.auth.kind === 'token' ? resolved.auth.token : resolved.auth.password);
  }
  // A PostgreSQL store URL may carry a password: mask it in logs like the other secrets.
  const storePassword = /^postgres(ql)?:\/\/[^:/@]+:([^@]+)@/.exec(config.store)?.[2];
  if (storePassword) secrets.push(decodeURIComponent(storePassword));
  const smtpPassword = config.notifications?.email?.password;
  if (smtpPassword) secrets.push(smtpPassword);
  const notifyConnection = config.notifications?.dhis2?.connection;
  if (notifyConnection && !config.connections[notifyConnection]) {
    throw new T2aError(
      'config',
      `${path}: notifications.dhis2 names the connection "${notifyConnection}", which is not defined.`,
      {
        fix: `Use one of: ${Object.keys(config.connections).join(', ')}.`,
      },
    );
  }
  const base = dirname(path);
  return {
    file: path,
    config,
    connections,
    secrets,
    storePath: /^postgres(ql)?:\/\//.test(config.store)
      ? config.store
      : resolve(base, config.store),
    logFile: resolve(base, config.log.file),
  };
}

function lineOf(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true) as
      | { range?: [number, number, number] }
      | undefined;
    if (node?.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

const FIXES: [RegExp, string][] = [
  [/Invalid URL/i, 'Give the full base URL, e.g. https://hmis.example.org'],
  [/UID/, 'Copy the UID from DHIS2 (Maintenance app, or /api/…/ID).'],
  [/Invalid option/i, 'Use one of the listed values.'],
  [/Unrecognized key/i, 'Remove or correct the misspelt key (see t2a schema for every key).'],
];

function schemaError(path: string, doc: Document, lines: LineCounter, error: z.ZodError): T2aError {
  const problems = error.issues.map((issue) => {
    const where = issue.path.map(String).join('.');
    const line = lineOf(doc, lines, issue.path);
    return `${path}${line ? `:${line}` : ''} ${where || '(top)'}: ${issue.message}`;
  });
  const fix = FIXES.find(([pattern]) => problems.some((p) => pattern.test(p)))?.[1];
  return new T2aError(
    'config',
    `The configuration has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`,
    {
      fix: fix ?? 'Correct the keys named above; `t2a schema` prints every allowed key.',
      details: error.issues,
    },
  );
}

/** Replaces `${NAME}` in every string value from the environment. A missing variable is an error. */
function interpolate(doc: Document, env: Env, path: string, lines: LineCounter): void {
  const visit = (node: unknown): void => {
    if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${')) {
      node.value = node.value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name: string) => {
        const value = env[name];
        if (value === undefined || value === '') {
          const line = node.range ? lines.linePos(node.range[0]).line : undefined;
          throw new T2aError(
            'config',
            `${path}${line ? `:${line}` : ''} uses \${${name}}, but the environment variable ${name} is not set.`,
            {
              fix: `Set ${name} in the environment of t2a (the systemd unit, the crontab line or the Kubernetes secret).`,
            },
          );
        }
        return value;
      });
    } else if (isMap(node)) {
      for (const pair of node.items) visit(pair.value);
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
}

function checkReferences(path: string, config: Config): void {
  const names = new Set<string>();
  for (const job of config.jobs) {
    if (names.has(job.name)) {
      throw new T2aError('config', `${path}: two jobs are named "${job.name}".`, {
        fix: 'Give each job its own name.',
      });
    }
    names.add(job.name);
    for (const connection of [job.source, ...job.targets.map((target) => target.connection)]) {
      if (connection !== 'same' && !config.connections[connection]) {
        throw new T2aError(
          'config',
          `${path}: job "${job.name}" names the connection "${connection}", which is not defined.`,
          {
            fix: `Define it under connections, or use one of: ${Object.keys(config.connections).join(', ') || '(none defined)'}.`,
          },
        );
      }
    }
    if (job.source === 'same') {
      throw new T2aError(
        'config',
        `${path}: job "${job.name}" has source "same"; only a target can be "same".`,
        {
          fix: 'Name the source connection.',
        },
      );
    }
  }
}

function readSecretFile(file: string, base: string, what: string): string {
  const path = resolve(base, file);
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new T2aError(
      'config',
      `Cannot read the ${what} file ${path}: ${(error as Error).message}.`,
      {
        fix: 'Check the path and that t2a’s user may read it.',
      },
    );
  }
}

function resolveConnection(name: string, connection: ConnectionConfig, base: string): Connection {
  const auth = connection.auth;
  const resolved: Connection['auth'] =
    'token' in auth
      ? { kind: 'token', token: auth.token }
      : 'tokenFile' in auth
        ? { kind: 'token', token: readSecretFile(auth.tokenFile, base, 'token') }
        : 'password' in auth
          ? { kind: 'basic', username: auth.username, password: auth.password }
          : {
              kind: 'basic',
              username: auth.username,
              password: readSecretFile(auth.passwordFile, base, 'password'),
            };
  return {
    name,
    url: connection.url.replace(/\/+$/, '').replace(/\/api$/, ''),
    auth: resolved,
    timeoutMs: connection.timeoutSeconds * 1000,
    retries: connection.retries,
    retryDelayMs: connection.retryDelaySeconds * 1000,
  };
}
