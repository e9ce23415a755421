import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/dashboard/password.ts';
import { openStore } from '../../src/store/open.ts';
import { exited, runT2a, spawnT2a } from './harness.ts';

/** The command line as an administrator meets it at 2 a.m.: short names, defaults, the wrong path. */
const dir = mkdtempSync(join(tmpdir(), 't2a-cli-commands-'));

const JOB = (name: string, periodType = 'Monthly') => `
  - name: ${name}
    source: tracker
    periodType: ${periodType}
    periods: { last: 2 }
    programIndicators: { group: Abcdefghij1 }
    orgUnits: { roots: [ImspTQPwCqd], level: 4 }
    targets: [{ connection: same }]`;

function config(
  name: string,
  jobs: string[],
  options: { url?: string; retries?: number; top?: string } = {},
): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `
connections:
  tracker:
    url: ${options.url ?? 'http://127.0.0.1:9'}
    auth: { token: "\${TRACKER_TOKEN}" }
    timeoutSeconds: 5
    retries: ${options.retries ?? 1}
    retryDelaySeconds: ${options.retries ? 5 : 0.05}
jobs:${jobs.join('')}
store: ${join(dir, `${name}.sqlite`)}
log: { file: ${join(dir, `${name}.log`)} }
${options.top ?? ''}`,
  );
  return file;
}

const ENV = { TRACKER_TOKEN: 'd2pat_secret000000000000000000000' };
const t2a = async (args: string[], env: Record<string, string | undefined> = ENV) => {
  const { code, stdout, stderr } = await runT2a(args, env);
  return { code, stdout, output: stdout + stderr };
};

/** A port something else listens on. */
async function takenPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as { port: number }).port;
}

describe('t2a show: the last run, or the start of a run id', async () => {
  const file = config('show', [JOB('immunisation')]);
  const store = await openStore(join(dir, 'show.sqlite'));
  const runs = [
    ['20261123T020000Z-a1b2c3', '2026-11-23T02:00:00.000Z'],
    ['20261124T020000Z-d4e5f6', '2026-11-24T02:00:00.000Z'],
    ['20261124T020500Z-0a0b0c', '2026-11-24T02:05:00.000Z'],
  ];
  for (const [id, startedAt] of runs) {
    await store.startRun({
      id: id!,
      job: 'immunisation',
      trigger: 'schedule',
      startedAt: startedAt!,
      dryRun: false,
      t2aVersion: 'test',
    });
    await store.finishRun(id!, 'success', undefined);
  }
  await store.close();

  it('`show last` is the newest run', async () => {
    const shown = await t2a(['show', 'last', '--config', file, '--json']);
    expect(shown.code, shown.output).toBe(0);
    expect(JSON.parse(shown.stdout).id).toBe('20261124T020500Z-0a0b0c');
  });

  it('a prefix only one run has is that run', async () => {
    const shown = await t2a(['show', '20261123', '--config', file]);
    expect(shown.code, shown.output).toBe(0);
    expect(shown.output).toMatch(/^Run 20261123T020000Z-a1b2c3: job immunisation/);
  });

  it('a prefix several runs share: exit 2, naming them', async () => {
    const shown = await t2a(['show', '20261124T02', '--config', file]);
    expect(shown.code).toBe(2);
    expect(shown.output).toContain(
      '"20261124T02" is the start of 2 run ids: 20261124T020500Z-0a0b0c (immunisation), 20261124T020000Z-d4e5f6 (immunisation).',
    );
    expect(shown.output).toMatch(/Fix: Give more of the run id/);
  });

  it('a run id no run has: exit 2, saying what it takes', async () => {
    const shown = await t2a(['show', '2025', '--config', file]);
    expect(shown.code).toBe(2);
    expect(shown.output).toMatch(/No run "2025" in the history[\s\S]*`last`/);
  });
});

describe('--job defaults to the only job', () => {
  it('t2a periods without arguments lists the only job’s window', async () => {
    const file = config('one-job', [JOB('tb', 'Quarterly')]);
    const listed = await t2a(['periods', '--config', file, '--date', '2026-11-29', '--json'], {});
    expect(listed.code, listed.output).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual(['2026Q2', '2026Q3']);
  });

  it('with several jobs, t2a periods and the other --job commands exit 2 naming them', async () => {
    const file = config('two-jobs', [JOB('immunisation'), JOB('tb', 'Quarterly')]);
    for (const args of [['periods'], ['complete'], ['compare'], ['adopt'], ['mapping', 'export']]) {
      const result = await t2a([...args, '--config', file]);
      expect(result.code, `${args.join(' ')}: ${result.output}`).toBe(2);
      expect(result.output).toContain('has 2 jobs: name one with --job');
      expect(result.output).toContain('Fix: Jobs defined: immunisation, tb.');
    }
  });

  it('with one job, t2a complete goes on to that job (and here finds no server: exit 3)', async () => {
    const result = await t2a(['complete', '--config', config('one-job-complete', [JOB('tb')])]);
    expect(result.code, result.output).toBe(3);
    expect(result.output).toMatch(/Cannot reach tracker/);
  });
});

describe('t2a unlock', () => {
  it('names the jobs for a job that is not one: exit 2', async () => {
    const result = await t2a([
      'unlock',
      'nosuchjob',
      '--config',
      config('unlock-none', [JOB('immunisation')]),
    ]);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(
      /No job named "nosuchjob"[\s\S]*Fix: Jobs defined: immunisation\./,
    );
  });

  it('refuses a lock whose holder is alive (exit 6), and frees it with --force', async () => {
    const file = config('unlock-live', [JOB('immunisation')]);
    const store = await openStore(join(dir, 'unlock-live.sqlite'));
    // The holder is this test's own process: alive, on this machine.
    await store.acquireLock('immunisation', 'run-live', `${hostname()}:${process.pid}`);
    const refused = await t2a(['unlock', 'immunisation', '--config', file]);
    expect(refused.code).toBe(6);
    expect(refused.output).toMatch(
      new RegExp(
        `held by run run-live \\(pid ${process.pid} on .+\\), since \\S+, last renewed \\S+ \\(\\d+ s ago\\)`,
      ),
    );
    expect(await store.lockHolder('immunisation')).toBeDefined();
    const forced = await t2a(['unlock', 'immunisation', '--force', '--config', file]);
    expect(forced.code, forced.output).toBe(0);
    expect(forced.output).toContain('Released the lock of job immunisation, held by run run-live');
    expect(await store.lockHolder('immunisation')).toBeUndefined();
    await store.close();
  });
});

describe('the wrong path, an unknown host, a taken port', () => {
  it('--config DIR says it is a directory and which file to give: exit 2', async () => {
    config('in-dir', [JOB('immunisation')]);
    const result = await t2a(['sync', '--config', dir]);
    expect(result.code).toBe(2);
    expect(result.output).toContain(`${dir} is a directory, not a configuration file.`);
    expect(result.output).toMatch(/Fix: Give the file itself: --config /);
    expect(result.output).not.toMatch(/EISDIR|Create it/);
  });

  it('a host the DNS does not know fails at once, not after 21 s of retries: exit 3', async () => {
    const file = config('dns', [JOB('immunisation')], {
      url: 'http://no-such-host.invalid',
      retries: 3,
    });
    const started = Date.now();
    const result = await t2a(['sync', '--config', file]);
    expect(result.code, result.output).toBe(3);
    expect(result.output).toContain(
      'Cannot resolve host no-such-host.invalid: check the url of connection "tracker".',
    );
    // Three retries 5 s apart would take 35 s.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('the sandbox on a port in use says how to choose another: exit 2', async () => {
    const port = await takenPort();
    const result = await t2a(['sandbox', '--port', String(port)]);
    expect(result.code).toBe(2);
    expect(result.output).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(result.output).toMatch(new RegExp(`Fix: .*--port ${port + 1}.*sport = :${port}`));
  });

  it('t2a serve whose dashboard cannot listen stops with the error and its fix: exit 2', async () => {
    const port = await takenPort();
    const hash = await hashPassword('correct horse battery');
    const file = config('serve-port', [`${JOB('immunisation')}\n    schedule: "0 2 * * *"`], {
      top: `serve:\n  dashboard:\n    port: ${port}\n    users: [{ username: admin, passwordHash: "\${T2A_ADMIN_HASH}" }]\n`,
    });
    const serve = spawnT2a(['serve', '--config', file], { ...ENV, T2A_ADMIN_HASH: hash });
    let output = '';
    serve.stdout?.on('data', (data) => (output += data));
    serve.stderr?.on('data', (data) => (output += data));
    const timer = setTimeout(() => serve.kill('SIGKILL'), 15_000);
    const code = await exited(serve);
    clearTimeout(timer);
    expect(code, output).toBe(2);
    expect(output).toContain(`The dashboard cannot listen on 127.0.0.1:${port}`);
    expect(output).toMatch(/Fix: .*port/);
    expect(output).not.toMatch(/next runs/);
  });
});
