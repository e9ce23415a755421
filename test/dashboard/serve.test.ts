import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/dashboard/password.ts';
import { configFor, demoSandboxes, exited, runT2a, spawnT2a } from '../e2e/harness.ts';
import { logInByFetch } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');

/** An HTTPS GET that accepts the test's self-signed certificate. */
function getTls(
  url: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    request(url, { rejectUnauthorized: false }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
    })
      .on('error', reject)
      .end();
  });
}

describe('t2a serve with a dashboard', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.40',
    target: '2.40',
    facilities: 2,
    now: NOW,
  });
  const hash = await hashPassword('correct horse battery');
  const configWith = (dashboard: string) =>
    configFor(
      {
        source,
        target,
        group: ids.group,
        root: ids.root,
        topExtra: `serve:\n  dashboard:\n    port: 0\n${dashboard}    users: [{ username: admin, passwordHash: "\${T2A_ADMIN_HASH}" }]\n`,
      },
      { T2A_ADMIN_HASH: hash },
    );

  it('needs the password hash only for t2a serve: cron’s t2a sync runs without T2A_ADMIN_HASH', async () => {
    const { file, env } = configWith('');
    const { T2A_ADMIN_HASH: _hash, ...cron } = env;
    const sync = await runT2a(['sync', '--config', file, '--dry-run'], cron);
    expect(sync.code).toBe(0);
    const serve = await runT2a(['serve', '--config', file], cron);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain('${T2A_ADMIN_HASH}');
  });

  it('refuses to listen beyond loopback in clear text, saying how to fix it (exit 2)', async () => {
    const { file, env } = configWith('    host: 0.0.0.0\n');
    const result = await runT2a(['serve', '--config', file], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('clear text');
    expect(result.stderr).toContain('behindProxy: true');
  });

  it('serves HTTPS with the configured certificate, a Secure session cookie, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 't2a-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const { file, env } = configWith(
      `    tls: { cert: ${join(dir, 'cert.pem')}, key: ${join(dir, 'key.pem')} }\n`,
    );
    const serve = spawnT2a(['serve', '--config', file], env);
    let out = '';
    serve.stdout!.on('data', (chunk) => {
      out += chunk;
    });
    while (!/Dashboard: (https:\/\/\S+)/.test(out)) await once(serve.stdout!, 'data');
    const url = /Dashboard: (https:\/\/\S+)/.exec(out)![1]!;
    const shell = await getTls(`${url}/login`);
    expect(shell.status).toBe(200);
    expect(shell.headers['content-security-policy']).toContain("default-src 'self'");
    const session = await getTls(`${url}/api/session`);
    expect(String(session.headers['set-cookie'])).toMatch(
      /t2a_session=[\w-]+; .*HttpOnly; Secure; SameSite=Strict/,
    );
    serve.kill('SIGTERM');
    expect(await exited(serve)).toBe(0);
  });
});

describe('t2a hash-password', () => {
  const bin = new URL('../../bin/t2a.js', import.meta.url).pathname;
  const hashOf = (input: string) =>
    spawnSync(process.execPath, [bin, 'hash-password'], { input, encoding: 'utf8' });

  it('prints a scrypt hash of the password read from standard input, never the password', async () => {
    const result = hashOf('correct horse battery\n');
    expect(result.status).toBe(0);
    const hash = result.stdout.trim();
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(result.stdout + result.stderr).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
  });

  it('refuses a password under 8 characters (exit 2)', () => {
    const result = hashOf('short\n');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('shorter than 8 characters');
  });
});

describe('npm start -- --dashboard', () => {
  it('runs the demo, then t2a serve with its dashboard on the same history, with a password made for it', async () => {
    const demo = spawnT2a(['demo', '--dashboard'], {});
    let out = '';
    demo.stdout!.on('data', (chunk) => {
      out += chunk;
    });
    while (!/Dashboard: (http:\/\/\S+)/.test(out)) await once(demo.stdout!, 'data');
    const url = /Dashboard: (http:\/\/\S+)/.exec(out)![1]!;
    const password = /log in as demo \/ (\S+)\)/.exec(out)![1]!;
    const { cookie } = await logInByFetch(url, { username: 'demo', password });
    const runs = (await (await fetch(`${url}/api/runs`, { headers: { cookie } })).json()) as {
      status: string;
    }[];
    expect(runs[0]).toMatchObject({ status: 'success' });
    demo.kill('SIGTERM');
    expect(await exited(demo)).toBe(0);
  }, 120_000);
});
