import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/core/csv.ts';
import { get, send } from '../e2e/harness.ts';
import {
  expectNoProblems,
  finishedStatus,
  inChromium,
  misalignedColumns,
  tabTo,
} from './browser.ts';
import { dashboardOnDemo, USER } from './harness.ts';

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core), on the demo data, as an
 * administrator uses it with the keyboard and the mouse. The README's screenshots are taken here and in
 * the other browser tests.
 */
describe('the dashboard in Chromium', async () => {
  const { dashboard, source, target, ids, store } = await dashboardOnDemo();
  const { page: current, problems, shoot } = inChromium(dashboard.url);
  let page: Page;

  /** Starts a run from the Jobs page and waits for the run page to show it finished. */
  const runFromJobs = async (button: 'Dry run' | 'Run now') => {
    await page.goto(`${dashboard.url}/jobs`);
    await page.getByRole('button', { name: button }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    return finishedStatus(page);
  };
  /** "2026-11-24 02:00:00": an ISO moment as the pages show it in serve.timeZone. */
  const inNairobi = (iso: string) =>
    new Date(new Date(iso).getTime() + 3 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

  it('sends a visitor to the login page, refuses a wrong password, and logs in with the keyboard', async () => {
    page = current();
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

  it('shows each job with its schedule in serve.timeZone, named, its analytics age and validation', async () => {
    await page.goto(`${dashboard.url}/jobs`);
    const card = page.locator('[data-test="job-card"]', { hasText: 'immunisation' });
    const fact = (name: string) => () => card.locator(`[data-test="job-${name}"]`).textContent();
    // 02:00 in Nairobi, not 23:00 UTC.
    await expect
      .poll(fact('schedule'))
      .toMatch(
        /^0 2 \* \* \* \(Africa\/Nairobi\); next run \d{4}-\d\d-\d\d 02:00:00 Africa\/Nairobi$/,
      );
    // The servers are asked in the background; the page shows their answers when they come.
    await expect.poll(fact('analytics')).toMatch(/^\d+ min old \(limit 26 h\)$/);
    await expect.poll(fact('mapping')).toMatch(/^valid/);
  });

  it('reaches every section tab with Tab and opens one with Enter', async () => {
    await page.goto(`${dashboard.url}/jobs`);
    await page.locator('[data-test="job-mapping"]', { hasText: 'valid' }).waitFor();
    const reached: string[] = [];
    for (const name of ['Jobs', 'Runs', 'Mapping', 'Transition']) {
      await tabTo(page, name);
      reached.push(name);
    }
    expect(reached).toEqual(['Jobs', 'Runs', 'Mapping', 'Transition']);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${dashboard.url}/mapping`);
    const tab = page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Mapping' });
    await expect(tab.getAttribute('aria-current')).resolves.toBe('page');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Mapping');
  });

  it('starts a dry run from the keyboard and shows what it would send, by name, with nothing saved', async () => {
    await page.goto(`${dashboard.url}/jobs`);
    await page.getByRole('button', { name: 'Dry run' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/runs\/[^/]+$/);
    expect(await finishedStatus(page)).toBe('success');
    const plan = page.locator('[data-test="plan"]');
    await expect(plan.locator('tbody tr').count()).resolves.toBeGreaterThan(10);
    // A dry run says what it would do.
    const headings = await plan.locator('thead th').allTextContents();
    expect(headings).toEqual([
      'Data element',
      'Period',
      'Would import',
      'Would update',
      'Unchanged',
      'Stale',
      'Would withhold: held by others',
    ]);
    await expect(page.locator('[data-test="counts"] thead').textContent()).resolves.toContain(
      'Would import',
    );
    // The data element by its name, its code on hover; the period as DHIS2 names it, beside its id.
    const row = plan.locator('tbody tr', { has: page.locator('[title="IMM_BCG_DOSES"]') }).first();
    await expect(row.locator('td').nth(0).textContent()).resolves.not.toBe('IMM_BCG_DOSES');
    await expect(plan.textContent()).resolves.toContain('October 2026 (202610)');
    await expect(page.locator('[data-test="run-scope"]').textContent()).resolves.toContain(
      'August 2026 (202608), September 2026 (202609), October 2026 (202610)',
    );
    expect(await misalignedColumns(page)).toEqual([]);
    const held = await get(
      target,
      `dataValueSets.json?dataSet=${ids.dataSet}&period=202610&orgUnit=${ids.root}&children=true`,
    );
    expect(held.dataValues ?? []).toEqual([]);
  });

  it('opens an incomplete run, reads its withheld values by cause, and downloads them as CSV', async () => {
    // The HMIS closes a period 40 days after it ends: on 24 November its import user may not write
    // August or September.
    const dataSet = await get(target, `dataSets/${ids.dataSet}?fields=:owner`);
    await send(target, 'PUT', `dataSets/${ids.dataSet}`, { ...dataSet, expiryDays: 40 });
    expect(await runFromJobs('Run now')).toBe('incomplete');
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
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the list as CSV' }).click();
    const rows = parseCsv(readFileSync((await (await download).path())!, 'utf8'));
    expect(rows[0]).toEqual([
      'target',
      'kind',
      'cause',
      'title',
      'data element',
      'category option combo',
      'attribute option combo',
      'period',
      'org unit',
      'value',
      'message',
      'fix',
    ]);
    // Every value withheld or refused, one row each: as many as the run counted, not the names kept.
    const [run] = await store.runs({ last: 1 });
    expect(rows.length - 1).toBe(run!.counts.withheld + run!.counts.conflicted);
    expect(rows.length - 1).toBeGreaterThan(20);
    const periods = new Set(
      rows
        .slice(1)
        .filter((r) => r[2] === 'locked-period')
        .map((r) => r[7]),
    );
    expect([...periods].sort()).toEqual(['202608', '202609']);
    const answer = await page.request.get(`${dashboard.url}/api/runs/${run!.id}/issues.csv`);
    expect(answer.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers()['content-disposition']).toBe(
      `attachment; filename="t2a-immunisation-${run!.id}-withheld-and-refused.csv"`,
    );
    const locked = rows.find((r) => r[2] === 'locked-period')!;
    expect(locked.slice(0, 2)).toEqual(['hmis', 'withheld by t2a']);
    await send(target, 'PUT', `dataSets/${ids.dataSet}`, dataSet);
  });

  it('starts a run, shows its progress live, then who started it and when, in serve.timeZone', async () => {
    source.context.faults.add({
      path: '/api/analytics/dataValueSet.json',
      fault: { kind: 'latency', ms: 150 },
    });
    await page.goto(`${dashboard.url}/jobs`);
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    await page.locator('[data-test="run-progress"]', { hasText: /\d+ of \d+ chunks/ }).waitFor();
    const status = await finishedStatus(page);
    source.context.faults.clear();
    const [run] = await store.runs({ last: 1 });
    expect(status, JSON.stringify(run?.report?.targets.map((t) => t.issues))).toBe('success');
    await expect(page.locator('[data-test="counts"]').textContent()).resolves.toMatch(/hmis/);
    await expect(page.getByRole('heading', { name: 'Chunk timings' }).count()).resolves.toBe(1);
    expect(run).toMatchObject({ status: 'success', dryRun: false, trigger: 'manual' });
    expect(run!.counts.imported).toBeGreaterThan(0);
    await expect(page.locator('[data-test="run-started-by"]').textContent()).resolves.toBe(
      'Started by: hmis-admin',
    );
    await expect(page.locator('[data-test="run-meta"]').textContent()).resolves.toContain(
      `started ${inNairobi(run!.startedAt)} Africa/Nairobi`,
    );
    expect(await misalignedColumns(page)).toEqual([]);
    await shoot('run');
  });

  it('lists runs with who started them, filtered by status, all with the keyboard', async () => {
    await page.goto(`${dashboard.url}/jobs`);
    await page.locator('[data-test="job-mapping"]', { hasText: 'valid' }).waitFor();
    await shoot('jobs');
    await tabTo(page, 'Runs');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${dashboard.url}/runs`);
    const rows = page.locator('[data-test="runs"] tbody tr');
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(3);
    const headings = await page.locator('[data-test="runs"] thead th').allTextContents();
    expect(headings).toEqual([
      'Run',
      'Job',
      'Status',
      'Started by',
      'Started (Africa/Nairobi)',
      'Periods',
      'Exported',
      'Withheld',
      'Sent',
      'Imported',
      'Updated',
      'Refused',
      'Deleted',
    ]);
    const dry = rows.filter({ hasText: 'dry run' });
    await expect(dry.locator('td').nth(3).textContent()).resolves.toBe('hmis-admin');
    await expect(dry.locator('td').nth(5).textContent()).resolves.toBe(
      'August 2026 (202608) … October 2026 (202610)',
    );
    // A dry run's counts say they would happen.
    await expect(dry.locator('td').nth(9).textContent()).resolves.toMatch(/^would \d+$/);
    expect(await misalignedColumns(page)).toEqual([]);
    const options = ['running', 'success', 'incomplete', 'empty', 'failed'];
    const filterBy = async (status: 'success' | 'incomplete' | 'failed') => {
      await page.getByRole('combobox', { name: 'Status' }).focus();
      await page.keyboard.press('Enter');
      await page.keyboard.press('Home');
      for (let i = 0; i < options.indexOf(status) + 1; i++) await page.keyboard.press('ArrowDown');
      await page.getByRole('option', { name: status, exact: true, selected: true }).waitFor();
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Filter' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`status=${status}`));
    };
    await filterBy('incomplete');
    await expect.poll(() => rows.count()).toBe(1);
    await filterBy('success');
    await expect.poll(() => rows.count()).toBe(2);
    await shoot('runs');
    await filterBy('failed');
    await page.getByText('No run matches').waitFor();
  });

  it('shows the deletions of a run by name, and restores them', async () => {
    // One indicator now counts nothing (its filter is never true): the values t2a wrote for it are stale.
    const pi = (
      await get(
        source,
        `programIndicators?fields=:owner&filter=programIndicatorGroups.id:eq:${ids.group}&paging=false`,
      )
    ).programIndicators[0];
    await send(source, 'PUT', `programIndicators/${pi.id}`, { ...pi, filter: '1 == 0' });
    await runFromJobs('Run now');
    const deletions = page.locator('[data-test="deletions"] tbody tr');
    const deleted = await deletions.count();
    expect(deleted).toBeGreaterThan(0);
    // The org unit by its name, its UID on hover.
    const orgUnit = deletions.first().locator('td').nth(4).locator('span');
    const uid = await orgUnit.getAttribute('title');
    expect(uid).toMatch(/^[A-Za-z][A-Za-z0-9]{10}$/);
    await expect(orgUnit.textContent()).resolves.not.toBe(uid);
    await send(source, 'PUT', `programIndicators/${pi.id}`, pi);
    await page.getByRole('button', { name: /^Restore \d+ value/ }).click();
    const restored = page.getByRole('status').filter({ hasText: 'Restored' });
    await expect(restored.textContent()).resolves.toContain(`Restored the ${deleted} value(s)`);
    await expect(restored.textContent()).resolves.toContain(
      `hmis: ${deleted} of ${deleted} taken back`,
    );
  });

  it('refuses an uploaded mapping CSV with an unknown code, writing nothing, the form by keyboard', async () => {
    await page.goto(`${dashboard.url}/mapping`);
    await page.locator('[data-test="mapping"] tbody tr').first().waitFor();
    const indicator = page
      .locator('[data-test="mapping"] tbody tr td')
      .first()
      .locator('span[title]');
    await expect(indicator.first().getAttribute('title')).resolves.toMatch(/^[A-Za-z0-9]{11}$/);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the mapping CSV' }).click();
    const csv = readFileSync((await (await download).path())!, 'utf8');
    expect(csv.split('\n')[0]).toContain('program_indicator_uid');
    const edited = csv.replace('IMM_BCG_DOSES', 'IMM_BCG_DOSES_TYPO');
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'mapping.csv', mimeType: 'text/csv', buffer: Buffer.from(edited) });
    await tabTo(page, /Write the changes/);
    await page.keyboard.press('Space');
    await tabTo(page, 'Upload');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(
      /refused: nothing was written[\s\S]*IMM_BCG_DOSES_TYPO/,
    );
    const indicators = await get(
      source,
      `programIndicators?fields=attributeValues[value]&filter=programIndicatorGroups.id:eq:${ids.group}&paging=false`,
    );
    expect(JSON.stringify(indicators)).not.toContain('IMM_BCG_DOSES_TYPO');
    expect(await misalignedColumns(page)).toEqual([]);
    await shoot('mapping');
  });

  it('says on the Transition page that the job has no shadow data, and how to give it some', async () => {
    await page.goto(`${dashboard.url}/transition`);
    const empty = page.locator('[data-test="no-shadow-data"]');
    await empty.waitFor({ timeout: 20_000 });
    await expect(empty.textContent()).resolves.toMatch(/This job has no shadow data/);
    await expect(empty.textContent()).resolves.toContain('shadow: { suffix: _TRACKER }');
    // No table of zeros, no charts of nothing.
    await expect(page.locator('[data-test="totals"]').count()).resolves.toBe(0);
    await expect(page.locator('iframe').count()).resolves.toBe(0);
    await shoot('transition-empty');
  });

  it('answers an unknown address with a page that says so (404), not the Jobs page', async () => {
    const before = problems.length;
    const paths = ['/nowhere', '/runs/some-run/more', '/jobs/immunisation'];
    for (const path of paths) {
      const response = await page.goto(`${dashboard.url}${path}`);
      expect(response?.status(), path).toBe(404);
      await page.locator('[data-test="not-found"]').waitFor();
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'Page not found',
      );
      await expect(page.locator('[data-test="job-card"]').count()).resolves.toBe(0);
    }
    await expect(page.title()).resolves.toBe('Page not found · t2a');
    // Chromium reports each 404 it was answered in the console: those are this test's own.
    expect(problems.splice(before)).toEqual(
      paths.map(
        (path) =>
          `${dashboard.url}${path}: Failed to load resource: the server responded with a status of 404 (Not Found)`,
      ),
    );
    await page.getByRole('link', { name: 'Jobs' }).last().click();
    await page.locator('[data-test="job-card"]').waitFor();
  });

  it('logged no console error and asked nothing of another site on any page', () => {
    expectNoProblems(problems);
  });
});
