import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runT2a } from './harness.ts';

async function t2a(args: string[], env: Record<string, string | undefined> = {}) {
  const { code, stdout, stderr } = await runT2a(args, env);
  return { code, output: stdout + stderr };
}

/** A stack trace line ("    at parse (/…/file.js:12:5)"): never shown for bad input. */
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

/** A web server that is not DHIS2: a landing page at every path, or 404 everywhere. */
async function notDhis2(kind: 'html' | '404'): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(kind === 'html' ? 200 : 404, { 'content-type': 'text/html' });
    response.end('<html><body><h1>Welcome to nginx!</h1></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const dir = mkdtempSync(join(tmpdir(), 't2a-bad-input-'));

function config(name: string, options: { url?: string; store?: string; logFile?: string } = {}) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `
connections:
  tracker:
    url: ${options.url ?? 'http://127.0.0.1:9'}
    auth: { token: "\${TRACKER_TOKEN}" }
    timeoutSeconds: 5
    retries: 1
    retryDelaySeconds: 0.05
  hmis:
    url: ${options.url ?? 'http://127.0.0.1:9'}
    auth: { username: t2a, password: "\${HMIS_PASSWORD}" }
    retries: 1
    retryDelaySeconds: 0.05
jobs:
  - name: immunisation
    source: tracker
    programIndicators: { group: Abcdefghij1 }
    orgUnits: { roots: [ImspTQPwCqd], level: 4 }
    targets:
      - connection: hmis
store: ${options.store ?? join(dir, `${name}.sqlite`)}
log:
  file: ${options.logFile ?? join(dir, `${name}.log`)}
`,
  );
  return file;
}

const SECRETS = {
  TRACKER_TOKEN: 'd2pat_secret000000000000000000000',
  HMIS_PASSWORD: 'Hmis-Pass-2026',
};

describe('bad input on the command line', () => {
  it.each([
    [['sync', '--bogus'], /unknown option '--bogus'/],
    [['restore'], /missing required argument 'run-id'/],
    [['show'], /missing required argument 'run-id'/],
    [['foo'], /unknown command 'foo'/],
  ])('t2a %j is a usage error: exit 2 and the usage', async (args, message) => {
    const result = await t2a(args);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(message);
    expect(result.output).not.toMatch(STACK);
  });

  it('t2a sync has the --allow-mass-delete option the fix texts name', async () => {
    const result = await t2a(['sync', '--help']);
    expect(result.code).toBe(0);
    expect(result.output).toContain('--allow-mass-delete');
  });

  it('t2a demo --help explains the demo instead of running it', async () => {
    const result = await t2a(['demo', '--help']);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/^Usage: t2a demo/);
    expect(result.output).not.toMatch(/Starting|sandbox running/i);
  });

  it('t2a history -n abc: exit 2, says what -n takes', async () => {
    const result = await t2a(['history', '-n', 'abc', '--config', config('history-n')]);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/-n abc is not a number of runs/);
    expect(result.output).not.toMatch(STACK);
  });

  it('--log-level loud: exit 2, names the levels', async () => {
    const result = await t2a(['sync', '--log-level', 'loud', '--config', config('level')], SECRETS);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/"loud" is not a log level/);
    expect(result.output).toMatch(/Fix: Use one of: .*debug.*info/);
    expect(result.output).not.toMatch(STACK);
  });

  it('a log file that cannot be written: exit 2, names the file', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const logFile = join(blocker, 't2a.log');
    const result = await t2a(['history', '--config', config('log', { logFile })]);
    expect(result.code).toBe(2);
    expect(result.output).toContain(`t2a cannot write its log file ${logFile}`);
    expect(result.output).not.toMatch(STACK);
  });

  it('a store file that is not SQLite: exit 2, says what store: takes', async () => {
    const store = join(dir, 'notes.txt');
    writeFileSync(store, 'These are my notes, not a database.\n'.repeat(100));
    const result = await t2a(['history', '--config', config('store', { store })]);
    expect(result.code).toBe(2);
    expect(result.output).toContain(`The store ${store} cannot be opened as t2a's SQLite store`);
    expect(result.output).not.toMatch(STACK);
  });

  it('read-only commands run without the connections’ secrets', async () => {
    const file = config('read-only');
    for (const args of [['history'], ['unlock', 'immunisation']]) {
      const result = await t2a([...args, '--config', file], {
        TRACKER_TOKEN: undefined,
        HMIS_PASSWORD: undefined,
      });
      expect(result.code, `${args.join(' ')}: ${result.output}`).toBe(0);
    }
    const show = await t2a(['show', 'nothing-like-this', '--config', file], {
      TRACKER_TOKEN: undefined,
      HMIS_PASSWORD: undefined,
    });
    expect(show.output).toMatch(/No run "nothing-like-this"/);
  });
});

describe('a base URL that is not DHIS2', async () => {
  const landing = await notDhis2('html');
  const missing = await notDhis2('404');

  it.each([
    ['a landing page', landing.url],
    ['404 at /api/system/info', missing.url],
  ])('%s: sync and doctor exit 3, with a fix about the URL', async (_what, url) => {
    const file = config(`not-dhis2-${url.split(':').at(-1)}`, { url });
    for (const command of ['sync', 'doctor']) {
      const result = await t2a([command, '--config', file], SECRETS);
      expect(result.code, `${command}: ${result.output}`).toBe(3);
      expect(result.output).toMatch(/does not look like a DHIS2 server/);
      expect(result.output).toMatch(/fix: Check the url of connection "tracker"/i);
      expect(result.output).not.toMatch(/check the request parameters/i);
      expect(result.output).not.toMatch(STACK);
    }
  });

  it('credentials written into the URL are shown nowhere: not by doctor, not in the log', async () => {
    const withCredentials = landing.url.replace('http://', 'http://admin:Url-Secret-99@');
    const logFile = join(dir, 'url-credentials.log');
    const file = config('url-credentials', { url: withCredentials, logFile });
    const result = await t2a(['doctor', '--config', file], SECRETS);
    expect(result.output).toContain(landing.url);
    expect(result.output).not.toContain('Url-Secret-99');
    expect(readFileSync(logFile, 'utf8')).not.toContain('Url-Secret-99');
  });
});
