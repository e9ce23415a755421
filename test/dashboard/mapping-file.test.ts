import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MappingState } from '../../src/dashboard/api-types.ts';
import { demoMappingYaml } from '../e2e/mapping-files.ts';
import { inChromium, logIn } from './browser.ts';
import { dashboardOnDemo, logInByFetch } from './harness.ts';

/** The mapping page's answer for a job that names its mapping file (`mappingFile:`). */
describe('the dashboard’s mapping page with a job’s mapping file', async () => {
  const { dashboard, loaded } = await dashboardOnDemo({
    jobExtra: '\n    mappingFile: mapping.yaml',
  });
  const path = join(dirname(loaded.file), 'mapping.yaml');
  const browser = inChromium(dashboard.url);
  const mapping = async () => {
    const { cookie } = await logInByFetch(dashboard.url);
    const response = await fetch(`${dashboard.url}/api/mapping/immunisation`, {
      headers: { cookie },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as MappingState;
  };

  it('shows the file’s path, key and text beside the indicators', async () => {
    writeFileSync(path, demoMappingYaml());
    const state = await mapping();
    expect(state.rows.length).toBeGreaterThan(0);
    expect(state.mappingFile).toEqual({ path, key: 'DEMO', families: 2, text: demoMappingYaml() });
  });

  it('says why a file that does not read cannot be shown', async () => {
    writeFileSync(
      path,
      demoMappingYaml().replace('categories: [age, sex]', 'categories: [gender]'),
    );
    const state = await mapping();
    expect(state.mappingFile && 'problem' in state.mappingFile).toBe(true);
    expect(JSON.stringify(state.mappingFile)).toContain('no category mapping');
  });

  it('shows the file on the mapping page, folded, with the command to run', async () => {
    writeFileSync(path, demoMappingYaml());
    const page = browser.page();
    await logIn(page, dashboard.url);
    await page.goto(`${dashboard.url}/mapping`);
    const section = page.getByRole('region', { name: 'Mapping file' });
    await section.getByText(path).waitFor();
    await expect(section.textContent()).resolves.toContain(
      't2a mapping generate --job immunisation --dry-run',
    );
    await section.getByText('The file', { exact: true }).click();
    await expect(page.locator('[data-test="mapping-file"]').textContent()).resolves.toContain(
      'category: AGE_DEMO',
    );
    expect(browser.problems).toEqual([]);
  });
});
