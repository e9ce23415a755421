import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../chromium.ts';
import { get, send } from '../e2e/harness.ts';
import { dashboardOnDemo, USER } from './harness.ts';

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core), on the demo data, as an
 * administrator uses it with the keyboard and the mouse. The README's screenshots are taken here.
 */
// `npm run screenshots` keeps them for the README; a plain test run takes them where they bother no one.
const SCREENSHOTS = process.env.T2A_SCREENSHOTS_DIR
  ? resolve(process.env.T2A_SCREENSHOTS_DIR)
  : mkdtempSync(join(tmpdir(), 't2a-screenshots-'));

describe('the dashboard in Chromium', async () => {
  const { dashboard, source, target, ids, store } = await dashboardOnDemo();
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const shoot = (name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Shorter than the test's own limit, so that a failure names the step that waited.
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
    // No request may leave the machine: everything the pages load comes from the dashboard itself.
    page.on('request', (request) => {
      if (!request.url().startsWith(dashboard.url) && !request.url().startsWith('data:'))
        problems.push(`request to elsewhere: ${request.url()}`);
    });
  });
  afterAll(() => browser?.close());

  /** Starts a run from the Jobs page and waits for the run page to show it finished. */
  const runFromJobs = async (button: 'Dry run' | 'Run now') => {
    await page.goto(`${dashboard.url}/jobs`);
    await page.getByRole('button', { name: button }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    return finishedStatus(page);
  };

  it('sends a visitor to the login page, refuses a wrong password, and logs in with the keyboard', async () => {
    await page.goto(`${dashboard.url}/runs`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('User name').fill(USER.username);
    await page.getByLabel('Password').fill('wrong password');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'User name or password is wrong',
    );
    await shoot('login');
    await page.getByLabel('Password').fill(USER.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${dashboard.url}/runs`);
    await page.getByText('No run matches').waitFor();
    const cookie = (await page.context().cookies()).find((c) => c.name === 't2a_session');
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
  });

  it('shows each job with its schedule, analytics age and validation state', async () => {
    await page.goto(`${dashboard.url}/jobs`);
    const card = page.locator('[data-test="job-card"]', { hasText: 'immunisation' });
    const fact = (name: string) => () => card.locator(`[data-test="job-${name}"]`).textContent();
    await expect
      .poll(fact('schedule'))
      .toMatch(/^0 2 \* \* \* \(Africa\/Nairobi\); next run \d{4}-/);
    // The servers are asked in the background; the page shows their answers when they come.
    await expect.poll(fact('analytics')).toMatch(/^\d+ min old \(limit 26 h\)$/);
    await expect.poll(fact('mapping')).toMatch(/^valid/);
  });

  it('starts a dry run from the keyboard and shows its plan, with nothing saved in the target', async () => {
    await page.goto(`${dashboard.url}/jobs`);
    await page.getByRole('button', { name: 'Dry run' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/runs\/[^/]+$/);
    expect(await finishedStatus(page)).toBe('success');
    const plan = page.locator('[data-test="plan"]');
    await expect(plan.locator('tbody tr').count()).resolves.toBeGreaterThan(10);
    await expect(plan.textContent()).resolves.toContain('IMM_BCG_DOSES 202610');
    const held = await get(
      target,
      `dataValueSets.json?dataSet=${ids.dataSet}&period=202610&orgUnit=${ids.root}&children=true`,
    );
    expect(held.dataValues ?? []).toEqual([]);
  });

  it('opens a run with conflicts and reads them grouped by cause, with the objects and the fix', async () => {
    // The HMIS closes a period 40 days after it ends: on 24 November its import user may not write
    // August or September.
    const dataSet = await get(target, `dataSets/${ids.dataSet}?fields=:owner`);
    await send(target, 'PUT', `dataSets/${ids.dataSet}`, { ...dataSet, expiryDays: 40 });
    expect(await runFromJobs('Run now')).toBe('conflicts');
    const issue = page.locator('[data-test="issue"]', {
      hasText: 'Period locked or closed for data entry',
    });
    await expect(issue.locator('[data-test="issue-objects"]').textContent()).resolves.toContain(
      '202609 Immunisation monthly (demo)',
    );
    await expect(issue.locator('[data-test="issue-fix"]').textContent()).resolves.toMatch(
      /^Fix: The data set/,
    );
    await shoot('run-conflicts');
    await send(target, 'PUT', `dataSets/${ids.dataSet}`, dataSet);
  });

  it('starts a run and shows its progress live until it finishes', async () => {
    source.context.faults.add({
      path: '/api/analytics/dataValueSet.json',
      fault: { kind: 'latency', ms: 150 },
    });
    await page.goto(`${dashboard.url}/jobs`);
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    await page.locator('[data-test="run-progress"]', { hasText: /\d+ of \d+ chunks/ }).waitFor();
    expect(await finishedStatus(page)).toBe('success');
    source.context.faults.clear();
    await expect(page.locator('[data-test="counts"]').textContent()).resolves.toMatch(/hmis/);
    await expect(page.getByRole('heading', { name: 'Chunk timings' }).count()).resolves.toBe(1);
    const [run] = await store.runs({ last: 1 });
    expect(run).toMatchObject({ status: 'success', dryRun: false, trigger: 'manual' });
    expect(run!.counts.imported).toBeGreaterThan(0);
    await shoot('run');
  });

  it('lists runs, filtered by status, all with the keyboard', async () => {
    await page.goto(`${dashboard.url}/jobs`);
    await page.locator('[data-test="job-mapping"]', { hasText: 'valid' }).waitFor();
    await shoot('jobs');
    // The first arrow enters the tabs (Jobs), the second moves to Runs.
    await page.getByRole('tablist').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${dashboard.url}/runs`);
    const rows = page.locator('[data-test="runs"] tbody tr');
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(3);
    // The options: Any status, running, success, conflicts, failed, abandoned.
    const filterBy = async (status: 'success' | 'conflicts' | 'failed') => {
      await page.getByRole('combobox', { name: 'Status' }).focus();
      await page.keyboard.press('Enter');
      await page.keyboard.press('Home');
      for (let i = 0; i < ['running', 'success', 'conflicts', 'failed'].indexOf(status) + 1; i++)
        await page.keyboard.press('ArrowDown');
      await page.getByRole('option', { name: status, exact: true, selected: true }).waitFor();
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Filter' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`status=${status}`));
    };
    await filterBy('conflicts');
    await expect.poll(() => rows.count()).toBe(1);
    await filterBy('success');
    await expect.poll(() => rows.count()).toBe(2);
    await shoot('runs');
    await filterBy('failed');
    await page.getByText('No run matches').waitFor();
  });

  it('shows the deletions of a run and restores them', async () => {
    // One indicator now counts nothing (its filter is never true): the values t2a wrote for it are stale.
    const pi = (
      await get(
        source,
        `programIndicators?fields=:owner&filter=programIndicatorGroups.id:eq:${ids.group}&paging=false`,
      )
    ).programIndicators[0];
    await send(source, 'PUT', `programIndicators/${pi.id}`, { ...pi, filter: '1 == 0' });
    await runFromJobs('Run now');
    const deleted = await page.locator('[data-test="deletions"] tbody tr').count();
    expect(deleted).toBeGreaterThan(0);
    await send(source, 'PUT', `programIndicators/${pi.id}`, pi);
    await page.getByRole('button', { name: /^Restore \d+ value/ }).click();
    const restored = page.getByRole('status').filter({ hasText: 'Restored' });
    await expect(restored.textContent()).resolves.toContain(`Restored the ${deleted} value(s)`);
    await expect(restored.textContent()).resolves.toContain(
      `hmis: ${deleted} of ${deleted} taken back`,
    );
  });

  it('refuses an uploaded mapping CSV with an unknown code, writing nothing', async () => {
    await page.goto(`${dashboard.url}/mapping`);
    await page.locator('[data-test="mapping"] tbody tr').first().waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the mapping CSV' }).click();
    const csv = readFileSync((await (await download).path())!, 'utf8');
    expect(csv.split('\n')[0]).toContain('program_indicator_uid');
    const edited = csv.replace('IMM_BCG_DOSES', 'IMM_BCG_DOSES_TYPO');
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'mapping.csv', mimeType: 'text/csv', buffer: Buffer.from(edited) });
    await page.getByLabel(/Write the changes/).check();
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(
      /refused: nothing was written[\s\S]*IMM_BCG_DOSES_TYPO/,
    );
    const indicators = await get(
      source,
      `programIndicators?fields=attributeValues[value]&filter=programIndicatorGroups.id:eq:${ids.group}&paging=false`,
    );
    expect(JSON.stringify(indicators)).not.toContain('IMM_BCG_DOSES_TYPO');
    await shoot('mapping');
  });

  it('shows the transition: totals per period, the facilities ready, and the charts', async () => {
    await page.goto(`${dashboard.url}/transition`);
    const rows = page.locator('[data-test="totals"] tbody tr');
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(3);
    await page.frameLocator('iframe').locator('canvas').first().waitFor();
    await shoot('transition');
  });

  it('logged no console error and asked nothing of another site on any page', () => {
    expect(problems).toEqual([]);
  });
});

/** The run page's status once the run is over (the page follows a running run and then reads it again). */
async function finishedStatus(page: Page): Promise<string> {
  const tag = page.locator('[data-test="run-meta"] [data-test="run-status"]');
  await tag.filter({ hasNotText: /^(running|starting)$/ }).waitFor({ timeout: 20_000 });
  return (await tag.textContent()) ?? '';
}
