import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { T2aError } from '../core/errors.ts';
import { closest, didYouMean } from '../core/similar.ts';
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
export interface LoadOptions {
  /**
   * Resolve the connections and their secrets (default). Commands that reach no server (history, show,
   * unlock) do without, so they run where the secrets are not set.
   */
  readonly connections?: boolean;
  /**
   * Resolve the dashboard's password hashes (only `t2a serve` needs them): cron's `t2a sync` runs where
   * `${T2A_ADMIN_HASH}` is not set.
   */
  readonly dashboard?: boolean;
}

/** What stands for a secret a command does not need: shaped as one, so the file still validates. */
const NOT_NEEDED = { connection: '(not set)', dashboardHash: 'scrypt$1$1$1$notset$notset' };

export function loadConfig(
  file: string,
  env: Env = process.env,
  options: LoadOptions = {},
): LoadedConfig {
  const withConnections = options.connections !== false;
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') throw aDirectory(path);
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
  const withDashboard = options.dashboard === true;
  interpolate(doc, env, path, lines, (keys) => {
    if (!withConnections && keys[0] === 'connections') return NOT_NEEDED.connection;
    if (!withDashboard && keys[0] === 'serve' && keys[1] === 'dashboard')
      return keys.at(-1) === 'passwordHash' ? NOT_NEEDED.dashboardHash : '';
    return undefined;
  });
  const parsed = configSchema.safeParse(doc.toJS());
  if (!parsed.success) throw schemaError(path, doc, lines, parsed.error);
  const config = parsed.data;
  checkReferences(path, config);
  const secrets: string[] = [];
  const connections = new Map<string, Connection>();
  for (const [name, connection] of Object.entries(withConnections ? config.connections : {})) {
    const resolved = resolveConnection(name, connection, dirname(path));
    connections.set(name, resolved);
    secrets.push(resolved.auth.kind === 'token' ? resolved.auth.token : resolved.auth.password);
  }
  // Credentials written into a URL (http://admin:pw@host, a postgres:// store) are masked in the logs;
  // a connection's URL is also sent without them.
  for (const url of [...Object.values(config.connections).map((c) => c.url), config.store]) {
    const password = urlPassword(url);
    if (password) secrets.push(password);
  }
  const smtpPassword = config.notifications?.email?.password;
  if (smtpPassword) secrets.push(smtpPassword);
  // A hash is not the password, but it is what an attacker would try passwords against: kept out of logs.
  if (withDashboard)
    for (const user of config.serve.dashboard?.users ?? []) secrets.push(user.passwordHash);
  const notifyConnection = config.notifications?.dhis2?.connection;
  if (notifyConnection && !config.connections[notifyConnection]) {
    throw new T2aError(
      'config',
      `${path}: notifications.dhis2 names the connection "${notifyConnection}", which is not defined.`,
      {
        fix: didYouMean(notifyConnection, Object.keys(config.connections)),
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

/** `--config /etc/t2a`: the folder was given for the file; name the YAML files it holds. */
function aDirectory(path: string): T2aError {
  let yaml: string[] = [];
  try {
    yaml = readdirSync(path).filter((name) => /\.ya?ml$/.test(name));
  } catch {
    // An unreadable folder: the fix below still says what to give.
  }
  const preferred = yaml.includes('t2a.yaml') ? 't2a.yaml' : yaml[0];
  return new T2aError('config', `${path} is a directory, not a configuration file.`, {
    fix: preferred
      ? `Give the file itself: --config ${join(path, preferred)}${yaml.length > 1 ? ` (the directory holds ${yaml.join(', ')})` : ''}.`
      : `Give the path of the configuration file (a YAML file), e.g. --config ${join(path, 't2a.yaml')}.`,
  });
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
  [/Did you mean/, 'Correct the value as suggested (`t2a schema` lists every allowed value).'],
  [/Invalid URL/i, 'Give the full base URL, e.g. https://hmis.example.org'],
  [/UID/, 'Copy the UID from DHIS2 (Maintenance app, or /api/…/ID).'],
  [/Invalid option/i, 'Use one of the listed values.'],
  [/unknown key/i, 'Remove or correct the misspelt key (see t2a schema for every key).'],
];

type AnySchema = { _zod: { def: Record<string, unknown> } };

/** The keys an object of the schema allows at `keys` (for "did you mean"). */
function allowedKeys(schema: AnySchema, keys: readonly PropertyKey[]): string[] {
  const def = schema._zod.def;
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, AnySchema>;
      if (keys.length === 0) return Object.keys(shape);
      const next = shape[String(keys[0])];
      return next ? allowedKeys(next, keys.slice(1)) : [];
    }
    case 'optional':
    case 'default':
    case 'nullable':
      return allowedKeys(def.innerType as AnySchema, keys);
    case 'pipe':
      return allowedKeys(def.in as AnySchema, keys);
    case 'array':
      return allowedKeys(def.element as AnySchema, keys.slice(1));
    case 'union':
      return (def.options as AnySchema[]).flatMap((option) => allowedKeys(option, keys));
    default:
      return [];
  }
}

/** One line per problem, at its own line of the file; an unknown key with the key it may have meant. */
function describeIssue(path: string, doc: Document, lines: LineCounter, issue: z.core.$ZodIssue) {
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(configSchema as unknown as AnySchema, issue.path);
    return issue.keys.map((key) => {
      const line = lineOf(doc, lines, [...issue.path, key]);
      const where = [...issue.path, key].map(String).join('.');
      const meant = closest(key, allowed)[0];
      return `${path}${line ? `:${line}` : ''} ${where}: unknown key${meant ? ` (did you mean "${meant}"?)` : ''}`;
    });
  }
  const where = issue.path.map(String).join('.');
  const line = lineOf(doc, lines, issue.path);
  return [
    `${path}${line ? `:${line}` : ''} ${where || '(top)'}: ${misspelt(doc, issue) ?? issue.message}`,
  ];
}

/**
 * A value outside an enumeration (`periodType: Montly`) with the value it is a likely slip of; undefined
 * when none is close, and zod's message, which lists every allowed value, stands.
 */
function misspelt(doc: Document, issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'invalid_value') return undefined;
  const given = doc.getIn(issue.path as unknown[]);
  const allowed = issue.values.filter((value): value is string => typeof value === 'string');
  if (typeof given !== 'string' || allowed.length < 2) return undefined;
  if (closest(given, allowed).length === 0) return undefined;
  return `"${given}" is not one of the values allowed. ${didYouMean(given, allowed)}`;
}

function schemaError(path: string, doc: Document, lines: LineCounter, error: z.ZodError): T2aError {
  const problems = error.issues.flatMap((issue) => describeIssue(path, doc, lines, issue));
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

/** A plain (unquoted) scalar that is exactly `${NAME}` takes the type YAML would give the value. */
function typed(value: string): string | number | boolean {
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}

/**
 * Replaces `${NAME}` in every string value from the environment. Every missing variable is reported at
 * once; with `skip` (read-only commands that reach no server), those under `connections` are not needed.
 */
function interpolate(
  doc: Document,
  env: Env,
  path: string,
  lines: LineCounter,
  /** What to put for an unset variable the command does not need; undefined when it is needed. */
  notNeeded: (keys: readonly unknown[]) => string | undefined,
): void {
  const missing: string[] = [];
  const visit = (node: unknown, keys: readonly unknown[]): void => {
    if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${')) {
      const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(node.value);
      const replaced = node.value.replace(
        /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g,
        (_match, name: string) => {
          const value = env[name];
          if (value !== undefined && value !== '') return value;
          const stand = notNeeded(keys);
          if (stand !== undefined) return stand;
          const line = node.range ? lines.linePos(node.range[0]).line : undefined;
          missing.push(`\${${name}} (${path}${line ? `:${line}` : ''})`);
          return '';
        },
      );
      node.value = whole && node.type === 'PLAIN' ? typed(replaced) : replaced;
    } else if (isMap(node)) {
      for (const pair of node.items)
        visit(pair.value, [...keys, isScalar(pair.key) ? pair.key.value : pair.key]);
    } else if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) visit(item, [...keys, index]);
    }
  };
  visit(doc.contents, []);
  if (missing.length > 0) {
    const names = [...new Set(missing.map((entry) => entry.split(' ')[0]!.slice(2, -1)))];
    throw new T2aError(
      'config',
      `The configuration uses environment variables that are not set: ${missing.join(', ')}.`,
      {
        fix: `Set ${names.join(', ')} in the environment of t2a (the systemd unit's EnvironmentFile, the Kubernetes secret). From cron or a shell, a file of KEY=value lines must be exported, not just read: \`set -a; . /etc/t2a/env; set +a\`.`,
      },
    );
  }
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
            fix: Object.keys(config.connections).length
              ? `${didYouMean(connection, Object.keys(config.connections))} Or define "${connection}" under connections.`
              : 'Define it under connections (none is defined).',
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

function urlPassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/** The base URL without credentials, `/api` or trailing slashes. */
function baseUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed
    .toString()
    .replace(/\/+$/, '')
    .replace(/\/api$/, '');
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
    url: baseUrl(connection.url),
    auth: resolved,
    timeoutMs: connection.timeoutSeconds * 1000,
    retries: connection.retries,
    retryDelayMs: connection.retryDelaySeconds * 1000,
    maxUrlLength: connection.maxUrlLength,
  };
}
