import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Notification } from '../../src/core/notification.ts';
import { startScheduler } from '../../src/jobs/serve.ts';
import type { Notifier } from '../../src/notify/notifier.ts';
import { openStore } from '../../src/store/open.ts';
import { configFor, contextOf, sandbox } from '../e2e/harness.ts';

const NOW = new Date('2026-11-24T01:59:00Z');

function recorder(): Notifier & { sent: Notification[] } {
  const sent: Notification[] = [];
  return { name: 'recorder', sent, send: async (n) => void sent.push(n) };
}

describe('t2a serve', async () => {
  const source = await sandbox({
    dhis2Version: '2.40',
    seed: 'demo-tracker',
    runAnalytics: true,
    now: NOW,
    facilities: 3,
    months: 2,
  });
  const target = await sandbox({
    dhis2Version: '2.40',
    seed: 'demo-hmis',
    now: NOW,
    facilities: 3,
  });
  const { loaded } = configFor({
    source,
    target,
    group: 'DemoPiGrp01',
    root: source.seed.root,
    jobExtra: '    schedule: "0 2 * * *"',
  });
  afterEach(() => vi.useRealTimers());

  it('runs a job at its scheduled time, with the clock moved rather than slept', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const store = await openStore(':memory:');
    const scheduler = startScheduler({ ...contextOf(loaded, { notifiers: [] }), store });
    expect(scheduler.nextRuns(1)[0]!.at[0]!.toISOString()).toBe('2026-11-24T02:00:00.000Z');
    await vi.advanceTimersByTimeAsync(61_000);
    vi.useRealTimers();
    for (let i = 0; i < 100 && (await store.runs()).every((run) => run.status === 'running'); i++)
      await new Promise((r) => setTimeout(r, 50));
    const [run] = await store.runs();
    expect(run).toMatchObject({ job: 'immunisation', trigger: 'schedule', status: 'success' });
    await scheduler.stop(1000);
  });

  it('refuses and records a second run of a job while one holds the lock', async () => {
    const store = await openStore(':memory:');
    await store.acquireLock('immunisation', 'other-run', 'another-host:42');
    const { runSync } = await import('../../src/jobs/sync.ts');
    const report = await runSync(contextOf(loaded, { store }), { trigger: 'schedule' });
    expect(report.jobs[0]!.error).toMatchObject({
      kind: 'busy',
      message: expect.stringContaining('another-host:42'),
    });
    expect((await store.runs())[0]).toMatchObject({
      status: 'busy',
      error: expect.stringContaining('already running'),
    });
  });

  it('leaves an abandoned, resumable run when stopped mid-run', async () => {
    const store = await openStore(':memory:');
    const abort = new AbortController();
    source.context.faults.add({
      path: '/api/analytics/dataValueSet.json',
      fault: { kind: 'latency', ms: 200 },
    });
    const { runSync } = await import('../../src/jobs/sync.ts');
    const running = runSync(contextOf(loaded, { store }), { signal: abort.signal });
    setTimeout(() => abort.abort(), 250);
    const report = await running;
    source.context.faults.clear();
    expect(report.jobs[0]!.error?.kind).toBe('aborted');
    expect((await store.runs())[0]).toMatchObject({ status: 'abandoned' });
    expect(await store.lockHolder('immunisation')).toBeUndefined();
    const resumed = await runSync(contextOf(loaded, { store }));
    expect(resumed.outcome).toBe('success');
    expect(resumed.totals.unchanged).toBeGreaterThan(0);
  });

  it('says once a day when the source’s analytics is older than the job allows', async () => {
    const store = await openStore(':memory:');
    const notifier = recorder();
    const scheduler = startScheduler({ ...contextOf(loaded, { notifiers: [notifier] }), store });
    expect(await scheduler.checkMissedRuns(NOW)).toEqual([]);
    source.context.clock.set(new Date('2026-11-26T08:00:00Z'));
    const alerts = await scheduler.checkMissedRuns(new Date('2026-11-26T08:00:00Z'));
    source.context.clock.set(NOW);
    expect(alerts).toEqual([
      expect.stringMatching(/analytics on tracker is 54 h old .*over the job's limit of 26 h/),
    ]);
    expect(notifier.sent[0]?.subject).toBe('[t2a] immunisation: analytics is stale on tracker');
    await scheduler.stop(100);
  });

  it('holds the messages of jobs with notify: digest, and sends them as one daily digest', async () => {
    const { loaded: digest } = configFor({
      source,
      target,
      group: 'DemoPiGrp01',
      root: source.seed.root,
      jobExtra: '    schedule: "0 2 * * *"\n    notify: digest',
    });
    const store = await openStore(':memory:');
    const notifier = recorder();
    const { runSync } = await import('../../src/jobs/sync.ts');
    await runSync(contextOf(digest, { store, notifiers: [notifier] }));
    await runSync(contextOf(digest, { store, notifiers: [notifier] }));
    expect(notifier.sent).toEqual([]);
    const scheduler = startScheduler({ ...contextOf(digest, { notifiers: [notifier] }), store });
    expect(await scheduler.sendDigest()).toBe(
      '[t2a] daily digest: 2 run(s), 0 failed, 0 with problems',
    );
    expect(notifier.sent[0]?.text.match(/\[t2a\] immunisation: delivered/g)).toHaveLength(2);
    expect(await scheduler.sendDigest()).toBeUndefined();
    await scheduler.stop(100);
  });

  it('keeps the digest when every notifier fails, and sends it whole the next time', async () => {
    const { loaded: digest } = configFor({
      source,
      target,
      group: 'DemoPiGrp01',
      root: source.seed.root,
      jobExtra: '    schedule: "0 2 * * *"\n    notify: digest',
    });
    const store = await openStore(':memory:');
    const { runSync } = await import('../../src/jobs/sync.ts');
    await runSync(contextOf(digest, { store }));
    const failing: Notifier = {
      name: 'smtp',
      send: async () => {
        throw new Error('connect ECONNREFUSED 10.0.0.5:587');
      },
    };
    const down = startScheduler({ ...contextOf(digest, { notifiers: [failing] }), store });
    await expect(down.sendDigest()).rejects.toThrow(
      /digest of 1 message\(s\) was not sent: every notifier failed \(smtp: connect ECONNREFUSED/,
    );
    await down.stop(100);
    await runSync(contextOf(digest, { store }));
    const notifier = recorder();
    const up = startScheduler({ ...contextOf(digest, { notifiers: [failing, notifier] }), store });
    expect(await up.sendDigest()).toBe('[t2a] daily digest: 2 run(s), 0 failed, 0 with problems');
    // One notifier took it: it is not sent again.
    expect(await up.sendDigest()).toBeUndefined();
    await up.stop(100);
  });

  it('records and announces a scheduled run that failed outside the job, and keeps serving', async () => {
    const store = await openStore(':memory:');
    // The store fails as the run starts (a full disk): the run itself cannot record its failure.
    const broken = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'startRun')
          return async () => Promise.reject(new Error('SQLITE_FULL: database or disk is full'));
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const notifier = recorder();
    vi.useFakeTimers({ now: NOW, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const scheduler = startScheduler({
      ...contextOf(loaded, { notifiers: [notifier] }),
      store: broken,
    });
    await vi.advanceTimersByTimeAsync(61_000);
    vi.useRealTimers();
    for (let i = 0; i < 100 && notifier.sent.length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(notifier.sent[0]).toMatchObject({
      subject: '[t2a] immunisation: scheduled run failed',
      outcome: 'failed',
      text: expect.stringContaining('SQLITE_FULL'),
    });
    const runs = await store.runs();
    expect(runs[0]).toMatchObject({
      job: 'immunisation',
      trigger: 'schedule',
      status: 'failed',
      error: expect.stringContaining('The scheduled run failed: SQLITE_FULL'),
    });
    // The lock was released: the next night can run.
    expect(await store.lockHolder('immunisation')).toBeUndefined();
    expect(scheduler.nextRuns(1)[0]!.at).toHaveLength(1);
    await scheduler.stop(100);
  });

  it('survives a digest whose store fails: the error is logged, the server keeps running', async () => {
    const { loaded: digest } = configFor({
      source,
      target,
      group: 'DemoPiGrp01',
      root: source.seed.root,
      jobExtra: '    schedule: "0 3 * * *"\n    notify: digest',
    });
    const store = await openStore(':memory:');
    const broken = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'claimNotifications')
          return async () => Promise.reject(new Error('database is locked'));
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    // The digest is due at 07:00 in the configured zone: move the clock over it.
    vi.useFakeTimers({
      now: new Date('2026-11-24T06:59:00Z'),
      toFake: ['setTimeout', 'clearTimeout', 'Date'],
    });
    const scheduler = startScheduler({ ...contextOf(digest, { notifiers: [] }), store: broken });
    await vi.advanceTimersByTimeAsync(61_000);
    vi.useRealTimers();
    await new Promise((r) => setTimeout(r, 50));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
    await expect(scheduler.sendDigest()).rejects.toThrow('database is locked');
    await scheduler.stop(100);
  });

  it('says so when a scheduled run did not happen', async () => {
    const store = await openStore(':memory:');
    await store.startRun({
      id: 'r1',
      job: 'immunisation',
      trigger: 'schedule',
      startedAt: '2026-11-22T02:00:00.000Z',
      dryRun: false,
      t2aVersion: '0.1.0',
    });
    await store.finishRun('r1', 'success', undefined);
    const notifier = recorder();
    const scheduler = startScheduler({ ...contextOf(loaded, { notifiers: [notifier] }), store });
    const missed = await scheduler.checkMissedRuns(new Date('2026-11-24T08:00:00Z'));
    expect(missed).toHaveLength(1);
    expect(notifier.sent[0]).toMatchObject({
      subject: '[t2a] immunisation: scheduled run missed',
      text: expect.stringContaining('was due at 2026-11-23T02:00:00.000Z'),
    });
    expect(await scheduler.checkMissedRuns(new Date('2026-11-24T08:05:00Z'))).toEqual([]);
    await scheduler.stop(100);
  });
});
