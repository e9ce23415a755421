import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchChromium } from '../chromium.ts';
import { USER } from './harness.ts';

/**
 * The little of the DOM the checks below read inside the page. The tests compile with Node's types only
 * (tsconfig.json); these functions run in Chromium, not here.
 */
interface Rect {
  readonly left: number;
  readonly right: number;
}
interface PageElement {
  readonly textContent: string | null;
  readonly innerText: string;
  readonly labels?: ArrayLike<PageElement> | null;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly tabIndex: number;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
declare const document: {
  readonly activeElement: PageElement | null;
  readonly documentElement: PageElement;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  createRange(): { selectNodeContents(node: PageElement): void; getBoundingClientRect(): Rect };
};
declare const window: { readonly innerWidth: number };
declare function getComputedStyle(element: PageElement): { readonly textAlign: string };

// `npm run screenshots` keeps them for the README; a plain test run takes them where they bother no one.
const SCREENSHOTS = process.env.T2A_SCREENSHOTS_DIR
  ? resolve(process.env.T2A_SCREENSHOTS_DIR)
  : mkdtempSync(join(tmpdir(), 't2a-screenshots-'));

export interface BrowserSession {
  readonly page: () => Page;
  /** What went wrong in the pages: console errors, page errors, requests to elsewhere. */
  readonly problems: string[];
  readonly shoot: (name: string) => Promise<unknown>;
}

/**
 * Debian's Chromium through playwright-core on a dashboard, one page, as an administrator uses it; every
 * console error and every request that leaves the dashboard is noted for the last test to read.
 */
export function inChromium(url: string, width = 1280): BrowserSession {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width, height: 800 } });
    // Shorter than the test's own limit, so that a failure names the step that waited.
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
    // No request may leave the machine: everything the pages load comes from the dashboard itself.
    page.on('request', (request) => {
      if (!request.url().startsWith(url) && !request.url().startsWith('data:'))
        problems.push(`request to elsewhere: ${request.url()}`);
    });
  });
  afterAll(() => browser?.close());
  return {
    page: () => page,
    problems,
    shoot: (name) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true }),
  };
}

/** Logs in through the form, with the keyboard. */
export async function logIn(page: Page, url: string, user = USER): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('User name').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${url}/jobs`);
}

/** The run page's status once the run is over (the page follows a running run and then reads it again). */
export async function finishedStatus(page: Page): Promise<string> {
  const tag = page.locator('[data-test="run-meta"] [data-test="run-status"]');
  await tag.filter({ hasNotText: /^(running|starting)$/ }).waitFor({ timeout: 20_000 });
  return (await tag.textContent()) ?? '';
}

/** Presses Tab until the element is focused (as a keyboard user reaches it), at most `limit` times. */
export async function tabTo(page: Page, name: string | RegExp, limit = 60): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    // The focused element's name as a screen reader says it: its aria-label, its label, or its text.
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element) return '';
      const label = element.getAttribute('aria-label') ?? element.labels?.[0]?.innerText;
      return (label ?? element.innerText ?? '').trim();
    });
    if (typeof name === 'string' ? focused === name : name.test(focused)) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

/**
 * Columns whose heading does not stand over its values: numeric cells (right-aligned) must end where
 * their heading ends, text cells begin where it begins, within two pixels. Read from what Chromium
 * lays out, for every table of the page.
 */
export function misalignedColumns(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const edges = (element: PageElement) => {
      const range = document.createRange();
      range.selectNodeContents(element);
      const rect = range.getBoundingClientRect();
      return { left: rect.left, right: rect.right };
    };
    const wrong: string[] = [];
    Array.from(document.querySelectorAll('table')).forEach((table, t) => {
      const heads = Array.from(table.querySelectorAll('thead th'));
      for (const row of Array.from(table.querySelectorAll('tbody tr'))) {
        Array.from(row.querySelectorAll('td')).forEach((cell, index) => {
          const head = heads[index]?.querySelector('span.content') ?? heads[index];
          if (!head || !cell.textContent?.trim()) return;
          const right = getComputedStyle(cell).textAlign === 'right';
          const [h, c] = [edges(head), edges(cell)];
          const off = right ? Math.abs(h.right - c.right) : Math.abs(h.left - c.left);
          if (off > 2)
            wrong.push(
              `table ${t} column "${heads[index]?.textContent}" (${right ? 'right' : 'left'}): ${Math.round(off)} px`,
            );
        });
      }
    });
    return [...new Set(wrong)];
  });
}

/** How far a page (or a frame) scrolls sideways: it must not, wide tables scroll inside themselves. */
export const pageOverflow = (page: Page | Frame) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** A scrolling box's widths, and whether the keyboard reaches it. */
export const scrollBox = (box: Locator) =>
  box.evaluate((element: PageElement) => ({
    scroll: element.scrollWidth,
    client: element.clientWidth,
    tabIndex: element.tabIndex,
  }));

export const expectNoProblems = (problems: readonly string[]) => expect(problems).toEqual([]);
