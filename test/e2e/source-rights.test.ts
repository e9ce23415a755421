import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { validateLive } from '../../src/jobs/validate-live.ts';
import { configFor, contextOf, demoSandboxes, sync } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const VIEWER = { username: 'dv-viewer', password: 'Viewer-2026!' };

/**
 * A source user that may open Data Visualizer but lacks "View event analytics": every program indicator
 * request is refused 409 E7217 (`DefaultAnalyticsSecurityManager.decideAccessEventQuery`, 2.36.13
 * l.183–208, 2.43.1 l.200–221), whatever app authorities it has. validate says so before a night does.
 */
describe('a source user without F_VIEW_EVENT_ANALYTICS', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: '2.41',
    facilities: 2,
    now: NOW,
    sourceUsers: [{ ...VIEWER, authorities: ['M_dhis-web-data-visualizer'] }],
  });
  const { file, env } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: '{ fixed: [202610] }',
  });
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(
      'auth: { username: admin, password: "${SOURCE_PASSWORD}" }',
      `auth: { username: ${VIEWER.username}, password: "${VIEWER.password}" }`,
    ),
  );
  const loaded = loadConfig(file, env);

  it('is an error of validate that names the authority', async () => {
    const validation = await validateLive(contextOf(loaded));
    const access = validation.jobs[0]!.findings.find((finding) => finding.kind === 'access');
    expect(access).toMatchObject({ severity: 'error' });
    expect(access!.message).toContain('F_VIEW_EVENT_ANALYTICS');
  });

  it('fails the sync with DHIS2’s refusal and the fix', async () => {
    const report = await sync(loaded, { force: true });
    const failed = report.jobs[0]!.failedChunks ?? [];
    expect(failed.length).toBeGreaterThan(0);
    expect(JSON.stringify(failed[0])).toContain('View event analytics');
    expect(report.totals.imported).toBe(0);
  });
});
