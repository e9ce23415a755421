import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { get, send } from '../e2e/harness.ts';
import { expectNoProblems, inChromium, logIn, pageOverflow } from './browser.ts';
import { dashboardOnDemo, logInByFetch } from './harness.ts';

/**
 * "Where does this number come from?" on a phone (390 px): a difference of the Transition page opens
 * its explanation, a facility opens its month of values with the manual number beside each, and a
 * number there opens the same explanation; Escape closes it.
 */
describe('explanations on the dashboard at 390 px', async () => {
  const { dashboard, target, ids, store } = await dashboardOnDemo();
  const url = dashboard.url;
  const { page: current, problems, shoot } = inChromium(url, 390);
  let page: Page;
  let runId = '';

  it('opens the explanation of a difference of the Transition page', async () => {
    page = current();
    const { cookie, csrf } = await logInByFetch(url);
    const started = await fetch(`${url}/api/jobs/immunisation/run`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: '{}',
    });
    ({ runId } = (await started.json()) as { runId: string });
    await expect
      .poll(async () => (await store.run(runId))?.status, { timeout: 20_000 })
      .toBe('success');
    // A clerk types numbers by hand over some of what t2a wrote: those are the manual side.
    const held = await get(
      target,
      `dataValueSets.json?dataSet=${ids.dataSet}&period=202608&orgUnit=${ids.root}&children=true`,
    );
    const typed = held.dataValues.slice(0, 6).map((value: { value: string }) => ({
      ...value,
      value: String(Number(value.value) + 2),
    }));
    await send(target, 'POST', 'dataValueSets', { dataValues: typed });
    await logIn(page, url);
    await page.goto(`${url}/transition`);
    const explain = page.locator('[data-test="differences"] [data-test="explain-value"]');
    await explain.first().waitFor({ timeout: 20_000 });
    await explain.first().click();
    const dialog = page.locator('[data-test="explanation"]');
    await dialog.locator('[data-test="adds-up"]').waitFor({ timeout: 20_000 });
    await expect(
      dialog.locator('[data-test="indicator-words"]').first().textContent(),
    ).resolves.toMatch(/events whose event date falls in/);
    await expect(dialog.locator('[data-test="target-value"]').textContent()).resolves.toMatch(
      /changed after t2a/,
    );
    expect(await pageOverflow(page)).toBe(0);
    await shoot('explain-390');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Every number of a row (tracker, manual, difference) opens the same cell's explanation, by keyboard.
    const rows = page.locator('[data-test="differences"] tbody tr');
    for (const row of await rows.all())
      expect(await row.locator('[data-test="explain-value"]').count()).toBe(3);
    const trackerWords = await page
      .locator('[data-test="differences"] tbody tr')
      .first()
      .locator('td')
      .nth(2)
      .textContent();
    await rows.first().locator('[data-test="explain-value"]').nth(2).focus();
    await page.keyboard.press('Enter');
    await dialog.locator('[data-test="adds-up"]').waitFor({ timeout: 20_000 });
    expect(await dialog.textContent()).toContain(trackerWords!.split(' ')[0]);
    expect(await pageOverflow(page)).toBe(0);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it("lists a facility's month with the manual number beside each, each opening its explanation", async () => {
    await page.locator('[data-test="differences"] a').first().click();
    const rows = page.locator('[data-test="facility-month"] tbody tr');
    await rows.first().waitFor({ timeout: 20_000 });
    expect(await rows.count()).toBeGreaterThan(0);
    const withManual = rows.filter({ hasNot: page.locator('td:nth-child(4):text-is("—")') });
    expect(await withManual.count()).toBeGreaterThan(0);
    await rows.first().locator('[data-test="explain-value"]').focus();
    await page.keyboard.press('Enter');
    await page
      .locator('[data-test="explanation"] [data-test="source-value"]')
      .waitFor({ timeout: 20_000 });
    expect(await pageOverflow(page)).toBe(0);
    await shoot('facility-month-390');
    await page.keyboard.press('Escape');
  });

  it("opens a value of the run's page", async () => {
    await page.goto(`${url}/runs/${runId}`);
    const value = page.locator('[data-test="explain-value"]').first();
    await value.waitFor({ timeout: 20_000 });
    await value.click();
    await page
      .locator('[data-test="explanation"] [data-test="adds-up"]')
      .waitFor({ timeout: 20_000 });
    await page.keyboard.press('Escape');
    expectNoProblems(problems);
  });
});
