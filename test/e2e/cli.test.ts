import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { configFor, demoSandboxes, runT2a } from './harness.ts';

const t2a = runT2a;

describe('the t2a command line', async () => {
  const NOW = new Date('2026-11-24T08:00:00Z');
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: '2.42',
    facilities: 4,
    now: NOW,
  });
  const { file, env } = configFor({ source, target, group: ids.group, root: ids.root });

  it('syncs, prints a JSON summary, exits 0, and keeps secrets out of the log', async () => {
    const result = await t2a(['sync', '--config', file, '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.outcome).toBe('success');
    expect(report.totals.imported).toBeGreaterThan(0);
    const log = readFileSync(join(dirname(file), 't2a.log'), 'utf8');
    expect(log).toContain('"job":"immunisation"');
    expect(log).not.toContain(env.TARGET_TOKEN);
    expect(log).not.toContain(env.SOURCE_PASSWORD);
    expect(log).not.toContain(Buffer.from(`admin:${env.SOURCE_PASSWORD}`).toString('base64'));
  });

  it('exits 2 with the path and the fix for a configuration error', async () => {
    const result = await t2a(['sync', '--config', file], { ...env, SOURCE_PASSWORD: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/environment variables that are not set: \$\{SOURCE_PASSWORD\}/);
    expect(result.stderr).toMatch(/Fix: /);
  });

  it('exits 3 when the target refuses the credentials', async () => {
    const result = await t2a(['sync', '--config', file], {
      ...env,
      TARGET_TOKEN: 'd2pat_wrong0000000000000000000000000000',
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/refused t2a's credentials/);
  });

  it('keeps a readable history: t2a history lists the runs, t2a show explains a failed one without the log', async () => {
    const history = await t2a(['history', '--config', file, '--json'], env);
    const runs = JSON.parse(history.stdout);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    const failed = runs.find((run: { status: string }) => run.status === 'failed');
    const shown = await t2a(['show', failed.id, '--config', file], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Run ${failed.id}: job immunisation, manual, failed`);
    expect(shown.stdout).toMatch(/refused t2a's credentials/);
    expect(shown.stdout).toMatch(
      /Fix: Check the username and password or the personal access token/,
    );
  });

  it('without a terminal, prints a line per chunk and per failed answer (for cron logs)', async () => {
    source.context.faults.add({
      path: '/api/analytics/dataValueSet.json',
      fault: { kind: 'status', status: 503 },
      times: 1,
    });
    const result = await t2a(['sync', '--config', file], env);
    source.context.faults.clear();
    expect(result.code).toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^\[\d\d:\d\d:\d\d\] GET 127\.0\.0\.1:\d+\/api\/analytics\/dataValueSet\.json answered HTTP 503 after \d+ s$/,
      ),
    );
    const chunks = lines.filter((line) => / immunisation: \d+\/\d+ chunks done$/.test(line));
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.at(-1)).toMatch(/: (\d+)\/\1 chunks done$/);
  });

  it('explains the sandbox’s flags, and names the seeds for an unknown one', async () => {
    const help = await t2a(['sandbox', '--help'], {});
    for (const flag of [
      '--port',
      '--seed',
      '--dhis2-version',
      '--metadata',
      '--facilities',
      '--distinct-org-unit-ids',
      '--fault',
      '--analytics-fail',
      '--run-analytics',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    const bad = await t2a(['sandbox', '--seed', 'nope'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      '"nope" is not a seed. Choose one of: demo, demo-tracker, demo-hmis, empty.',
    );
  });

  it('runs as an installed command, with the Node flags its first line gives', async () => {
    const bin = new URL('../../bin/t2a.js', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(bin, ['--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe(
      '#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=100',
    );
  });

  it('describes every option in --help', async () => {
    const result = await t2a(['sync', '--help'], {});
    for (const option of ['--job', '--dry-run', '--period', '--json', '--log-file', 'Exit codes'])
      expect(result.stdout).toContain(option);
  });
});
