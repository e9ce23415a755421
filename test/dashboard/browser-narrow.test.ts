import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { get, send } from '../e2e/harness.ts';
import {
  expectNoProblems,
  inChromium,
  logIn,
  misalignedColumns,
  pageOverflow,
  scrollBox,
} from './browser.ts';
import { dashboardOnDemo, logInByFetch } from './harness.ts';

/**
 * The dashboard on a phone (390 px wide) and the Transition page with something to compare: nothing
 * but a table's own box scrolls sideways, and the comparison report fits its frame.
 */
describe('the dashboard at 390 px in Chromium', async () => {
  const { dashboard, target, ids, store } = await dashboardOnDemo();
  const url = dashboard.url;
  const { page: current, problems, shoot } = inChromium(url);
  let page: Page;
  let runId = '';

  it('compares tracker with the values facilities typed by hand, with the charts', async () => {
    page = current();
    // One night's run, started from the dashboard as an administrator would.
    const { cookie, csrf } = await logInByFetch(url);
    const started = await fetch(`${url}/api/jobs/immunisation/run`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: '{}',
    });
    runId = ((await started.json()) as { runId: string }).runId;
    await expect
      .poll(async () => (await store.run(runId))?.status, { timeout: 20_000 })
      .toBe('success');
    // A clerk types August's numbers by hand over some of what t2a wrote: those are manual reports.
    const held = await get(
      target,
      `dataValueSets.json?dataSet=${ids.dataSet}&period=202608&orgUnit=${ids.root}&children=true`,
    );
    const typed = held.dataValues.slice(0, 12).map((value: { value: string }) => ({
      ...value,
      value: String(Number(value.value) + 2),
    }));
    await send(target, 'POST', 'dataValueSets', { dataValues: typed });
    await logIn(page, url);
    await page.goto(`${url}/transition`);
    const rows = page.locator('[data-test="totals"] tbody tr');
    await rows.first().waitFor({ timeout: 20_000 });
    await expect(rows.count()).resolves.toBe(3);
    await expect(rows.first().locator('td').first().textContent()).resolves.toBe(
      'August 2026 (202608)',
    );
    await page.frameLocator('iframe').locator('canvas').first().waitFor();
    expect(await misalignedColumns(page)).toEqual([]);
    await shoot('transition');
  });

  it('scrolls no page sideways at 390 px: wide tables scroll inside their own box', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const pages: [string, string][] = [
      ['/jobs', '[data-test="job-card"]'],
      ['/runs', '[data-test="runs"]'],
      [`/runs/${runId}`, '[data-test="counts"]'],
      ['/mapping', '[data-test="mapping"]'],
      ['/transition', '[data-test="totals"]'],
      ['/nowhere', '[data-test="not-found"]'],
    ];
    for (const [path, ready] of pages) {
      await page.goto(`${url}${path}`);
      await page.locator(ready).first().waitFor({ timeout: 20_000 });
      expect(await pageOverflow(page), path).toBeLessThanOrEqual(0);
    }
    // The runs table is wider than the phone: it scrolls inside its box, which the keyboard can reach.
    await page.goto(`${url}/runs`);
    const box = page.locator('[data-test="table-scroll"]').first();
    await box.waitFor();
    const { scroll, client, tabIndex } = await scrollBox(box);
    expect(scroll).toBeGreaterThan(client);
    expect(client).toBeLessThanOrEqual(390);
    expect(tabIndex).toBe(0);
    await shoot('runs-390');
    await page.goto(`${url}/jobs`);
    await page.locator('[data-test="job-mapping"]', { hasText: 'valid' }).waitFor();
    await shoot('jobs-390');
  });

  it('fits the comparison report in its frame at 390 px, the frame scrolling in its own box', async () => {
    await page.goto(`${url}/transition`);
    await page.frameLocator('iframe').locator('canvas').first().waitFor({ timeout: 20_000 });
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    const box = page.locator('[data-test="report-scroll"]');
    const edges = await box.boundingBox();
    expect(edges!.x).toBeGreaterThanOrEqual(0);
    expect(edges!.x + edges!.width).toBeLessThanOrEqual(390);
    const report = page.frames().find((f) => f.url().endsWith('/report'))!;
    expect(await pageOverflow(report)).toBeLessThanOrEqual(0);
    await shoot('transition-390');
  });

  it('logged no console error and asked nothing of another site on any page', () => {
    expectNoProblems(problems.filter((problem) => !problem.startsWith(`${url}/nowhere:`)));
  });
});
