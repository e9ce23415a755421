import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ComparedValue, compareValues } from '../../src/core/compare.ts';
import { renderCompareHtml } from '../../src/report/compare-html.ts';
import { launchChromium } from '../chromium.ts';

const PERIODS = ['202405', '202406', '202407', '202408', '202409', '202410'];
const UNITS = ['Kasese HC III', 'Bwera Hospital', 'Nyakasura HC II', 'Kagando HC IV'];

/** Generated numbers with known differences: one facility under-reports by 10 %, one reports nothing. */
function values(): { manual: ComparedValue[]; tracker: ComparedValue[] } {
  const manual: ComparedValue[] = [];
  const tracker: ComparedValue[] = [];
  PERIODS.forEach((period, p) =>
    UNITS.forEach((unit, u) => {
      const count = 40 + 7 * u + 3 * p;
      tracker.push({ dataElement: 'IMM_BCG_DOSES', orgUnit: `ou${u}`, period, value: count });
      if (unit === 'Kagando HC IV') return;
      manual.push({
        dataElement: 'IMM_BCG_DOSES',
        orgUnit: `ou${u}`,
        period,
        value: unit === 'Bwera Hospital' ? Math.round(count * 0.9) : count,
      });
    }),
  );
  return { manual, tracker };
}

describe('the HTML comparison report in a real browser', async () => {
  const { manual, tracker } = values();
  const html = renderCompareHtml(compareValues(manual, tracker, 0.05), {
    job: 'immunisation',
    tolerance: 0.05,
    agreeFor: 3,
    generatedAt: '2026-11-24 08:00',
    orgUnitNames: new Map(UNITS.map((name, u) => [`ou${u}`, name])),
  });
  const file = join(mkdtempSync(join(tmpdir(), 't2a-report-')), 'compare.html');
  writeFileSync(file, html);
  const browser = await launchChromium();
  afterAll(() => browser.close());

  it('renders its charts without console errors, every canvas drawn', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`file://${file}`);
    const drawn = await page.$$eval('canvas', (canvases) =>
      canvases.map((element) => {
        // Runs in the page; the project has no DOM types, so the canvas is typed by hand.
        const canvas = element as unknown as {
          width: number;
          height: number;
          getContext(kind: '2d'): {
            getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
          };
        };
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted += 1;
        return painted;
      }),
    );
    expect(errors).toEqual([]);
    expect(drawn.length).toBe(1 + UNITS.length + 1);
    for (const pixels of drawn) expect(pixels).toBeGreaterThan(500);
    const summary = await page.locator('.summary').textContent();
    expect(summary).toContain(
      'Agreed for at least 3 periods in a row (ready to end parallel reporting): Kasese HC III, Nyakasura HC II',
    );
    expect(summary).toContain('Only in tracker: Kagando HC IV');
    if (process.env.T2A_UPDATE_SCREENSHOTS) {
      await page.screenshot({
        path: new URL('../../docs/images/compare-report.png', import.meta.url).pathname,
        fullPage: true,
      });
    }
  });
});
