import { describe, expect, it } from 'vitest';
import { Dhis2Client } from '../../src/dhis2/client.ts';
import { runSync } from '../../src/jobs/sync.ts';
import { silentLogger } from '../../src/log.ts';
import { dhis2MessageNotifier } from '../../src/notify/dhis2-message.ts';
import { openStore } from '../../src/store/open.ts';
import { configFor, contextOf, get, sandbox } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');

describe('analytics before export, and failure notices', async () => {
  // Tracker data but no analytics run yet: the job must run analytics itself.
  const source = await sandbox({
    dhis2Version: '2.41',
    seed: 'demo-tracker',
    now: NOW,
    facilities: 3,
    months: 3,
  });
  const target = await sandbox({
    dhis2Version: '2.41',
    seed: 'demo-hmis',
    now: NOW,
    facilities: 3,
  });
  const admin = target.context.metadata.list('users').find((user) => user.username === 'admin')!;
  const messages = dhis2MessageNotifier(
    new Dhis2Client(
      {
        name: 'hmis',
        url: target.baseUrl,
        auth: { kind: 'basic', username: 'admin', password: 'district' },
        timeoutMs: 5000,
        retries: 0,
        retryDelayMs: 0,
      },
      silentLogger(),
    ),
    { users: [admin.id], userGroups: [] },
  );
  const run = async (jobExtra: string) => {
    const { loaded } = configFor({
      source,
      target,
      group: 'DemoPiGrp01',
      root: source.seed.root,
      jobExtra,
    });
    return runSync(
      contextOf(loaded, { store: await openStore(':memory:'), notifiers: [messages] }),
    );
  };

  it('refuses analytics that never ran when the job checks freshness', async () => {
    const report = await run('    analytics: { mode: check, maxAgeHours: 26 }');
    expect(report.jobs[0]!.error).toMatchObject({
      kind: 'dhis2',
      message: 'Analytics has never run on tracker.',
    });
  });

  it('runs analytics, waits for it, then exports', async () => {
    const report = await run('    analytics: { mode: run, lastYears: 2 }');
    expect(report.outcome).toBe('success');
    expect(report.totals.imported).toBeGreaterThan(0);
    const info = await get(source, 'system/info');
    expect(info.lastAnalyticsTableSuccess).toBeDefined();
  });

  it('stops the run with a clear message when analytics fails, and tells the users in a DHIS2 message', async () => {
    source.context.faults.analytics = { fail: 'could not create table analytics_event_temp' };
    const report = await run('    analytics: { mode: run }\n    notify: failure');
    source.context.faults.analytics = {};
    expect(report.jobs[0]!.error).toMatchObject({
      kind: 'dhis2',
      message:
        'Analytics on tracker failed: Process failed: could not create table analytics_event_temp.',
    });
    const inbox = await get(target, 'messageConversations');
    expect(inbox.messageConversations[0].subject).toMatch(
      /^\[t2a\] immunisation: FAILED — Analytics on tracker failed/,
    );
    expect(inbox.messageConversations[0].messages[0].text).toContain(
      `t2a show ${report.jobs[0]!.runId}`,
    );
  });

  it('gives up on analytics that runs longer than the job allows', async () => {
    source.context.faults.analytics = { durationMs: 5000 };
    const report = await run('    analytics: { mode: run, timeoutMinutes: 0.01 }');
    source.context.faults.analytics = {};
    expect(report.jobs[0]!.error?.message).toMatch(/did not finish within 1 s \(job \w+\)/);
  });
});

describe('t2a doctor', async () => {
  const source = await sandbox({
    dhis2Version: '2.40',
    seed: 'demo-tracker',
    runAnalytics: true,
    now: NOW,
    facilities: 2,
    months: 1,
  });
  const target = await sandbox({
    dhis2Version: '2.42',
    seed: 'demo-hmis',
    now: NOW,
    facilities: 2,
    users: [
      { username: 'viewer', password: 'Viewer-2026!', authorities: ['M_dhis-web-dashboard'] },
    ],
  });

  it('checks store, log, reach, login, rights, analytics age and the job, and says what is wrong', async () => {
    const { runDoctor } = await import('../../src/jobs/doctor.ts');
    const { loaded } = configFor({
      source,
      target,
      group: 'DemoPiGrp01',
      root: source.seed.root,
      targetAuth: '{ username: viewer, password: "Viewer-2026!" }',
    });
    const checks = await runDoctor(loaded, silentLogger());
    expect(checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          subject: 'tracker: reach',
          ok: true,
          detail: expect.stringContaining('DHIS2 2.40.0'),
        }),
        expect.objectContaining({ subject: 'tracker: analytics', ok: true }),
        expect.objectContaining({
          subject: 'hmis: login',
          ok: true,
          detail: 'as viewer (basic auth)',
        }),
        expect.objectContaining({
          subject: 'hmis: rights',
          ok: false,
          detail:
            'viewer lacks F_DATAVALUE_ADD (to import data values); F_DATAVALUE_DELETE (to clear stale values (reconcile.deleteStale))',
        }),
        expect.objectContaining({ subject: 'tracker: rights', ok: true, detail: 'admin has ALL' }),
        expect.objectContaining({ subject: 'store', ok: true }),
        expect.objectContaining({ subject: 'log', ok: true }),
        // The import user's rights and org units are validation errors: sync would refuse the job.
        expect.objectContaining({
          subject: 'job immunisation',
          ok: false,
          detail: expect.stringMatching(/so sync refuses the job: .*may not add data values/),
        }),
      ]),
    );
    const { loaded: wrong } = configFor({
      source,
      target,
      group: 'DemoPiGrp01',
      root: source.seed.root,
      targetAuth: '{ username: viewer, password: "nope-nope" }',
    });
    const failing = await runDoctor(wrong, silentLogger());
    expect(failing.find((check) => check.subject === 'hmis: reach')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/refused t2a's credentials/),
    });
  });
});
