import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/dashboard/password.ts';
import { demoHmisPackage, demoTrackerPackage } from '../../src/sandbox/seed/demo-packages.ts';
import { attemptLogin, USER } from '../dashboard/harness.ts';
import { configFor, demoSandboxes, get } from './harness.ts';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const NOW = new Date('2026-11-24T08:00:00Z');

/** What a shell makes of a file of `KEY=value` lines read as the README's cron line reads it. */
async function envFromFile(file: string): Promise<Record<string, string>> {
  const { stdout } = await run('sh', ['-c', `set -a; . "${file}"; set +a; env -0`], {
    env: { PATH: process.env.PATH },
  });
  return Object.fromEntries(
    stdout
      .split('\0')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/**
 * The install for servers, as the README's "Install on a server" gives it: `npm pack`, then a global
 * install into a clean prefix (production dependencies only, the SQLite module built on the spot), and
 * the installed `t2a` run from elsewhere: --help, validate offline, sync against a sandbox, serve with
 * the dashboard.
 */
describe('t2a installed from its tarball into a clean prefix', () => {
  const work = mkdtempSync(join(tmpdir(), 't2a-install-'));
  const prefix = join(work, 'prefix');
  const t2a = join(prefix, 'bin', 't2a');
  // Outside the clone, so nothing resolves t2a's own node_modules by accident.
  const elsewhere = mkdtempSync(join(tmpdir(), 't2a-elsewhere-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeAll(async () => {
    // `npm test` built dist/ already; packing must not rebuild it under the feet of other tests.
    const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], {
      cwd: ROOT,
    });
    const tarball = join(work, packed.stdout.trim().split('\n').at(-1)!);
    await run(
      'npm',
      ['install', '-g', '--prefix', prefix, tarball, '--no-audit', '--no-fund', '--prefer-offline'],
      { cwd: elsewhere, timeout: 400_000 },
    );
  }, 420_000);

  it('answers --help and names its version, without the development dependencies', async () => {
    const help = await run(t2a, ['--help'], { cwd: elsewhere });
    expect(help.stdout).toContain('Usage: t2a');
    const version = await run(t2a, ['--version'], { cwd: elsewhere });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
    const installed = join(prefix, 'lib', 'node_modules', 't2a', 'node_modules');
    for (const dev of ['vitest', 'typescript', '@dhis2/ui', 'esbuild', 'playwright-core', 'tsx'])
      await expect(run('test', ['-e', join(installed, dev)])).rejects.toThrow();
  });

  it('validates a mapping offline, from two metadata files', async () => {
    const tracker = join(work, 'tracker.json');
    const hmis = join(work, 'hmis.json');
    writeFileSync(tracker, JSON.stringify(demoTrackerPackage()));
    writeFileSync(hmis, JSON.stringify(demoHmisPackage()));
    const { stdout } = await run(
      t2a,
      ['validate', '--source-metadata', tracker, '--target-metadata', hmis, '--json'],
      { cwd: elsewhere },
    );
    const report = JSON.parse(stdout) as { mapped: number; errors: number };
    expect(report.mapped).toBeGreaterThan(0);
    expect(report.errors).toBe(0);
  });

  it('syncs into a sandbox with its secrets from a KEY=value file read as the cron line does', async () => {
    const demo = await demoSandboxes({ source: '2.41', target: '2.41', facilities: 3, now: NOW });
    const { file } = configFor({
      source: demo.source,
      target: demo.target,
      group: demo.ids.group,
      root: demo.ids.root,
    });
    const envFile = join(work, 'env');
    writeFileSync(
      envFile,
      `SOURCE_PASSWORD=district\nTARGET_TOKEN=${demo.target.seed.adminToken}\n`,
    );
    const env = { ...(await envFromFile(envFile)), PATH: process.env.PATH! };
    const { stdout } = await run(t2a, ['sync', '--config', file, '--json'], {
      cwd: elsewhere,
      env,
    });
    const report = JSON.parse(stdout) as { outcome: string; totals: { exported: number } };
    expect(report.outcome).toBe('success');
    expect(report.totals.exported).toBeGreaterThan(0);
    const held = await get(
      demo.target,
      `dataValueSets?dataSet=${demo.ids.dataSet}&orgUnit=${demo.ids.root}&children=true&startDate=2026-01-01&endDate=2026-12-31`,
    );
    expect(held.dataValues.length).toBeGreaterThan(0);
  });

  it('serves the dashboard from the package, with a hash quoted as the README shows; an unquoted one is named', async () => {
    const demo = await demoSandboxes({ source: '2.41', target: '2.41', facilities: 2, now: NOW });
    const hash = await hashPassword(USER.password);
    const { file } = configFor({
      source: demo.source,
      target: demo.target,
      group: demo.ids.group,
      root: demo.ids.root,
      topExtra: `serve:\n  dashboard:\n    port: 0\n    users:\n      - username: ${USER.username}\n        passwordHash: "\${T2A_ADMIN_HASH}"\n`,
    });
    const secrets = `SOURCE_PASSWORD=district\nTARGET_TOKEN=${demo.target.seed.adminToken}\n`;
    const unquoted = join(work, 'env-unquoted');
    writeFileSync(unquoted, `${secrets}T2A_ADMIN_HASH=${hash}\n`);
    const eaten = { ...(await envFromFile(unquoted)), PATH: process.env.PATH! };
    const refused = await run(t2a, ['serve', '--config', file], {
      cwd: elsewhere,
      env: eaten,
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused?.code).toBe(2);
    expect(refused?.stderr).toContain('$ signs a shell removed');

    const quoted = join(work, 'env-quoted');
    writeFileSync(quoted, `${secrets}T2A_ADMIN_HASH='${hash}'\n`);
    const env = { ...(await envFromFile(quoted)), PATH: process.env.PATH! };
    const serve = spawn(t2a, ['serve', '--config', file], { cwd: elsewhere, env });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        serve.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const found = /Dashboard: (http:\/\/\S+)/.exec(out);
          if (found) resolve(found[1]!);
        });
        serve.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
        setTimeout(() => reject(new Error(`no dashboard address in: ${out}`)), 20_000);
      });
      const page = await fetch(new URL('/login', url), { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      const script = /<script[^>]+src="([^"]+)"/.exec(await page.text())?.[1];
      expect(script).toBeDefined();
      const bundle = await fetch(new URL(script!, url));
      expect(bundle.status).toBe(200);
      expect((await bundle.text()).length).toBeGreaterThan(100_000);
      const { answer } = await attemptLogin(url.replace(/\/$/, ''), USER);
      expect(answer).toMatchObject({ ok: true, user: USER.username });
    } finally {
      serve.kill('SIGTERM');
    }
  });
});
