import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newRunId } from '../../src/store/run-id.ts';
import { expectNoProblems, finishedStatus, inChromium, logIn, tabTo } from './browser.ts';
import { dashboardOnDemo, logInByFetch, loginAnswer } from './harness.ts';

/** A pid that was a process of this machine a moment ago and is no longer. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

/**
 * What an administrator controls from the dashboard, with the keyboard: a run going on (its buttons
 * wait, its Cancel stops it), a run whose process died, and a user name locked out after failed logins.
 */
describe('the dashboard’s controls in Chromium', async () => {
  const { dashboard, source, store } = await dashboardOnDemo();
  const url = dashboard.url;
  const { page: current, problems, shoot } = inChromium(url);
  let page: Page;

  it('lists a user name locked out after five failed logins, and clears it with the keyboard', async () => {
    page = current();
    for (let i = 0; i < 5; i++)
      expect(await loginAnswer(url, 'data-clerk', `guess ${i}`)).toMatchObject({ ok: false });
    const refused = await loginAnswer(url, 'data-clerk', 'guess 5');
    expect(refused.error).toMatch(
      /^This user name is locked out after five failed logins, until \d\d:\d\d Africa\/Nairobi \(15 minutes\)\./,
    );
    await logIn(page, url);
    const lockOuts = page.locator('[data-test="lock-outs"]');
    await expect(lockOuts.textContent()).resolves.toMatch(
      /data-clerk, until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d Africa\/Nairobi/,
    );
    await shoot('lock-outs');
    await tabTo(page, 'Clear the lock-out of data-clerk');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'data-clerk may log in again' }).waitFor();
    // The list is read again after the message: wait for it to go, rather than count at once.
    await lockOuts.waitFor({ state: 'detached', timeout: 5_000 });
    await expect(lockOuts.count()).resolves.toBe(0);
    // Refused for its password again, no longer for the lock-out.
    expect(await loginAnswer(url, 'data-clerk', 'guess 6')).toEqual({
      ok: false,
      error: 'User name or password is wrong.',
    });
  });

  it('shows a run whose process died as abandoned, and lets the next run take it over', async () => {
    const id = newRunId();
    const pid = await deadPid();
    expect(await store.acquireLock('immunisation', id, `${hostname()}:${pid}`)).toBe(true);
    await store.startRun({
      id,
      job: 'immunisation',
      trigger: 'schedule',
      startedAt: new Date(Date.now() - 60_000).toISOString(),
      dryRun: false,
      t2aVersion: 'test',
    });
    await page.goto(`${url}/runs`);
    const row = page.locator('[data-test="runs"] tbody tr', { hasText: id });
    await expect(row.locator('[data-test="run-status"]').textContent()).resolves.toBe('abandoned');
    await expect(row.locator('td').nth(3).textContent()).resolves.toBe('schedule');
    await page.goto(`${url}/runs/${id}`);
    await expect(page.locator('[data-test="run-dead"]').textContent()).resolves.toContain(
      `its process (pid ${pid} on ${hostname()}) is no longer running`,
    );
    // Nothing runs: the buttons are there to press.
    await page.goto(`${url}/jobs`);
    await expect(page.locator('[data-test="job-running"]').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Dry run' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/runs\/[^/]+$/);
    expect(await finishedStatus(page)).toBe('success');
    expect(await store.run(id)).toMatchObject({ status: 'abandoned' });
  });

  it('keeps Run now and Dry run disabled while the job runs, and cancels the run between chunks', async () => {
    source.context.faults.add({
      path: '/api/analytics/dataValueSet.json',
      fault: { kind: 'latency', ms: 2500 },
    });
    await page.goto(`${url}/jobs`);
    await page.getByRole('button', { name: 'Run now' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/runs\/[^/]+$/);
    const runId = new URL(page.url()).pathname.split('/')[2]!;
    await page.goto(`${url}/jobs`);
    const running = page.locator('[data-test="job-running"]');
    await expect(running.textContent()).resolves.toContain(
      'A run is going on, started by hmis-admin',
    );
    for (const name of ['Run now', 'Dry run'])
      await expect(page.getByRole('button', { name }).isDisabled()).resolves.toBe(true);
    await shoot('job-running');
    // Another tab, or a click that came late, is answered, not recorded as a run.
    const other = await logInByFetch(url);
    const second = await fetch(`${url}/api/jobs/immunisation/run`, {
      method: 'POST',
      headers: {
        cookie: other.cookie,
        'x-csrf-token': other.csrf,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: string }).error).toContain(
      `is already running (run ${runId}, started by hmis-admin)`,
    );
    await tabTo(page, 'Cancel the run');
    await page.keyboard.press('Enter');
    await page.goto(`${url}/runs/${runId}`);
    expect(await finishedStatus(page)).toBe('abandoned');
    source.context.faults.clear();
    const run = await store.run(runId);
    expect(run).toMatchObject({ status: 'abandoned' });
    expect(run!.error).toContain('cancelled from the dashboard by hmis-admin');
    expect((await store.runs({ last: 10 })).filter((r) => r.status === 'busy')).toEqual([]);
    // Over: the buttons are back.
    await page.goto(`${url}/jobs`);
    await expect.poll(() => page.getByRole('button', { name: 'Run now' }).isDisabled()).toBe(false);
  });

  it('logged no console error and asked nothing of another site on any page', () => {
    expectNoProblems(problems);
  });
});
