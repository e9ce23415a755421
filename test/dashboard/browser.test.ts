import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, send } from '../e2e/harness.ts';
import { dashboardOnDemo, USER } from './harness.ts';

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core), on the demo data, as an
 * administrator uses it with the keyboard and the mouse. The README's screenshots are taken here.
 */
const SCREENSHOTS = resolve(import.meta.dirname, '../../docs/screenshots');

describe('the dashboard in Chromium', async () => {
  const { dashboard, source, target, ids, store } = await dashboardOnDemo();
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const shoot = (name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
    // No request may leave the machine: everything the pages load comes from the dashboard itself.
    page.on('request', (request) => {
      if (!request.url().startsWith(dashboard.url) && !request.url().startsWith('data:'))
        consoleErrors.push(`request to elsewhere: ${request.url()}`);
    });
  });
  afterAll(() => browser?.close());

  /** Waits until the run page shows a finished run (the page reloads itself when the run ends). */
  const finishedStatus = async () => {
    await page
      .locator('.meta .tag')
      .first()
      .filter({ hasNotText: /running|starting/ })
      .waitFor({ timeout: 20_000 });
    return page.locator('.meta .tag').first().innerText();
  };

  it('sends a visitor to the login page, refuses a wrong password, and logs in with the keyboard', async () => {
    await page.goto(`${dashboard.url}/runs`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('User name').fill(USER.username);
    await page.getByLabel('Password').fill('wrong password');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').innerText()).resolves.toContain(
      'User name or password is wrong',
    );
    await shoot('login');
    await page.getByLabel('Password').fill(USER.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${dashboard.url}/runs`);
    const cookie = (await page.context().cookies()).find((c) => c.name === 't2a_session');
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
  });

  it('shows each job with its schedule, analytics age and validation state', async () => {
    await page.goto(`${dashboard.url}/jobs`);
    const card = page.locator('section.job', { hasText: 'immunisation' });
    await expect(card.innerText()).resolves.toMatch(/0 2 \* \* \* \(Africa\/Nairobi\); next run/);
    await expect(card.innerText()).resolves.toMatch(/Analytics\s+\d+ min old \(limit 26 h\)/);
    await expect(card.getByText('valid', { exact: true }).count()).resolves.toBe(1);
    await shoot('jobs');
  });

  it('starts a dry run and shows its plan, with nothing saved in the target', async () => {
    await page.goto(`${dashboard.url}/jobs`);
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    expect(await finishedStatus()).toBe('success');
    const plan = page.locator('section.plan', { hasText: 'Plan for hmis' });
    await expect(plan.locator('tbody tr').count()).resolves.toBeGreaterThan(10);
    await expect(plan.innerText()).resolves.toContain('IMM_BCG_DOSES 202610');
    const held = await get(
      target,
      `dataValueSets.json?dataSet=${ids.dataSet}&period=202610&orgUnit=${ids.root}&children=true`,
    );
    expect(held.dataValues ?? []).toEqual([]);
  });

  it('opens a run with conflicts and reads them grouped by cause, with the objects and the fix', async () => {
    // The HMIS closes a period 40 days after it ends: September and August are locked on 24 November.
    const dataSet = await get(target, `dataSets/${ids.dataSet}?fields=:owner`);
    await send(target, 'PUT', `dataSets/${ids.dataSet}`, { ...dataSet, expiryDays: 40 });
    await page.goto(`${dashboard.url}/jobs`);
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    expect(await finishedStatus()).toBe('conflicts');
    const issue = page.locator('section.issue', {
      hasText: 'Period locked or closed for data entry',
    });
    await expect(issue.locator('.objects').innerText()).resolves.toContain(
      '202609 Immunisation monthly (demo)',
    );
    await expect(issue.locator('.fix').innerText()).resolves.toMatch(/^Fix: /);
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
    await page.locator('progress').waitFor();
    await page.locator('.progress-text', { hasText: /\d+ of \d+ chunks/ }).waitFor();
    expect(await finishedStatus()).toBe('success');
    source.context.faults.clear();
    const counts = page.locator('table', { hasText: 'Values per target' });
    await expect(counts.innerText()).resolves.toMatch(/hmis/);
    await expect(page.getByRole('heading', { name: 'Chunk timings' }).count()).resolves.toBe(1);
    const [run] = await store.runs({ last: 1 });
    expect(run).toMatchObject({ status: 'success', dryRun: false, trigger: 'manual' });
    expect(run!.counts.imported).toBeGreaterThan(0);
    await shoot('run');
  });

  it('lists runs, filtered by status', async () => {
    await page.goto(`${dashboard.url}/runs`);
    await expect(page.locator('tbody tr').count()).resolves.toBe(3);
    await page.getByLabel('Status').selectOption('conflicts');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    await page.getByLabel('Status').selectOption('success');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(page.locator('tbody tr').count()).resolves.toBe(2);
    await shoot('runs');
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(page.getByText('No run matches').count()).resolves.toBe(1);
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
    await page.goto(`${dashboard.url}/jobs`);
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    await finishedStatus();
    const deleted = page.locator('section', {
      has: page.getByRole('heading', { name: 'Deleted values' }),
    });
    const rows = await deleted.locator('tbody tr').count();
    expect(rows).toBeGreaterThan(0);
    await send(source, 'PUT', `programIndicators/${pi.id}`, pi);
    await page.getByRole('button', { name: /^Restore \d+ value/ }).click();
    await expect(page.locator('.notice-valid').innerText()).resolves.toMatch(
      new RegExp(`Restored the ${rows} value`),
    );
    await expect(page.locator('.notice-valid').innerText()).resolves.toContain(
      `hmis: ${rows} of ${rows} taken back`,
    );
  });

  it('refuses an uploaded mapping CSV with an unknown code, writing nothing', async () => {
    await page.goto(`${dashboard.url}/mapping`);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the mapping CSV' }).click();
    const csv = await (await download)
      .path()
      .then((path) => import('node:fs').then((fs) => fs.readFileSync(path, 'utf8')));
    expect(csv.split('\n')[0]).toContain('program_indicator_uid');
    const edited = csv.replace('IMM_BCG_DOSES', 'IMM_BCG_DOSES_TYPO');
    await page
      .getByLabel('Edited mapping CSV')
      .setInputFiles({ name: 'mapping.csv', mimeType: 'text/csv', buffer: Buffer.from(edited) });
    await page.getByLabel(/Write the changes/).check();
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(
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
    await expect(
      page.locator('table', { hasText: 'Totals per period' }).locator('tbody tr').count(),
    ).resolves.toBe(3);
    const frame = page.frameLocator('iframe.report');
    await frame.locator('canvas').first().waitFor();
    await shoot('transition');
  });

  it('logged no console error and asked nothing of another site on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
