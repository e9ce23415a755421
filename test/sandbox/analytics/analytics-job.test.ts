import { describe, expect, it } from 'vitest';
import { api } from '../helpers.ts';
import {
  addEnrollment,
  addEvent,
  analyticsSandbox,
  auth,
  CLERK,
  dataValueSet,
  OU,
  PI,
  runAnalyticsJob,
  waitForJob,
} from './builder.ts';

// ResourceTableController.analytics, WebMessageUtils.jobConfigurationReport,
// DefaultAnalyticsTableGenerator, NotifierJobProgress and SystemController (api-notes §3).
const UID = /^[A-Za-z][A-Za-z0-9]{10}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/;
const visits = (ou: string, pe: string) =>
  `dimension=dx:${PI.visits}&dimension=pe:${pe}&dimension=ou:${ou}`;
const valuesOf = (body: any) => body.dataValues.map((v: any) => v.value);
const ms = (dhis2Time: string) => new Date(`${dhis2Time}Z`).getTime();

describe('the analytics table job on 2.40', async () => {
  const sandbox = await analyticsSandbox('2.40');
  const ctx = sandbox.context;

  it('answers with the job configuration and lists the notifications newest first, the last completed', async () => {
    addEvent(ctx, { orgUnit: OU.clinicA, date: '2026-02-03' });
    const { started, notifications } = await runAnalyticsJob(sandbox);
    expect(started.status).toBe(200);
    expect(started.headers.get('location')).toBeNull(); // setLocation came with 2.41
    expect(started.body).toMatchObject({
      httpStatus: 'OK',
      httpStatusCode: 200,
      status: 'OK',
      message: 'Initiated inMemoryAnalyticsJob',
      response: {
        name: 'inMemoryAnalyticsJob',
        jobType: 'ANALYTICS_TABLE',
        jobStatus: 'SCHEDULED',
        jobParameters: { skipTableTypes: [], skipPrograms: [], skipResourceTables: false },
      },
    });
    expect(started.body.response.responseType).toBeUndefined();
    const id = started.body.response.id;
    expect(id).toMatch(UID);
    expect(started.body.response.relativeNotifierEndpoint).toBe(
      `/api/system/tasks/ANALYTICS_TABLE/${id}`,
    );
    const [newest, ...older] = notifications as any[];
    expect(newest).toMatchObject({ level: 'INFO', category: 'ANALYTICS_TABLE', completed: true });
    expect(newest.message).toMatch(/^Analytics tables updated: \d{2}:\d{2}:\d{2}\.\d{3}$/);
    expect(older.every((n) => n.completed === false && n.level === 'INFO')).toBe(true);
    expect(older.at(-1)).toMatchObject({
      message: 'Analytics table update process',
      dataType: 'PARAMETERS',
      data: { skipTableTypes: [], skipResourceTables: false },
    });
    for (const n of notifications as any[]) {
      expect(n.uid).toBe(n.id);
      expect(n.time).toMatch(DATE_TIME);
    }
    const times = (notifications as any[]).map((n) => ms(n.time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const byJob = await api(sandbox, '/api/system/tasks/ANALYTICS_TABLE');
    expect(byJob.body[id]).toEqual(notifications);
    const summary = await api(sandbox, `/api/system/taskSummaries/ANALYTICS_TABLE/${id}`);
    expect([summary.status, summary.body]).toEqual([200, undefined]);
    expect(valuesOf((await dataValueSet(sandbox, visits(OU.clinicA, '202602'))).body)).toEqual([
      '1',
    ]);
  });

  it('records the start of the run as lastAnalyticsTableSuccess, with its runtime', async () => {
    ctx.faults.analytics = { durationMs: 300 };
    const { notifications } = await runAnalyticsJob(sandbox, '?skipResourceTables=true');
    ctx.faults.analytics = {};
    const info = (await api(sandbox, '/api/system/info')).body;
    expect(info.lastAnalyticsTableSuccess).toMatch(DATE_TIME);
    expect(info.lastAnalyticsTableRuntime).toMatch(/^00:00:00\.[1-9]\d{2}$/);
    // The start, not the end: the completion came some 300 ms later (updateLastSuccessfulSystemSettings).
    const completed = ms((notifications[0] as any).time);
    expect(completed - ms(info.lastAnalyticsTableSuccess)).toBeGreaterThanOrEqual(250);
    expect((notifications as any[]).map((n) => n.message)).not.toContain(
      'Generating resource tables',
    );
  });

  it('keeps tracker data written after the run out of analytics until the next run', async () => {
    const before = valuesOf((await dataValueSet(sandbox, visits(OU.clinicB, '202602'))).body);
    expect(before).toEqual([]);
    addEvent(ctx, { orgUnit: OU.clinicB, date: '2026-02-10' });
    expect((await dataValueSet(sandbox, visits(OU.clinicB, '202602'))).body.dataValues).toEqual([]);
    await runAnalyticsJob(sandbox);
    expect(valuesOf((await dataValueSet(sandbox, visits(OU.clinicB, '202602'))).body)).toEqual([
      '1',
    ]);
  });

  it('leaves out an event updated while the job ran: the tables hold what was there at its start', async () => {
    ctx.faults.analytics = { durationMs: 300 };
    const started = await api(sandbox, '/api/resourceTables/analytics', { method: 'POST' });
    ctx.faults.analytics = {};
    const during = new Date(ctx.clock.now().getTime() + 100).toISOString().slice(0, 23);
    addEvent(ctx, { orgUnit: OU.clinicC, date: '2026-02-11', lastUpdated: during });
    await waitForJob(sandbox, started.body.response.id);
    expect((await dataValueSet(sandbox, visits(OU.clinicC, '202602'))).body.dataValues).toEqual([]);
    await runAnalyticsJob(sandbox);
    expect(valuesOf((await dataValueSet(sandbox, visits(OU.clinicC, '202602'))).body)).toEqual([
      '1',
    ]);
  });

  it('counts no deleted, skipped or visited event (EXPORTABLE_EVENT_STATUSES)', async () => {
    for (const status of ['SKIPPED', 'VISITED', 'ACTIVE', 'SCHEDULE'])
      addEvent(ctx, { orgUnit: OU.clinicA, date: '2026-01-20', status });
    const deleted = addEvent(ctx, { orgUnit: OU.clinicA, date: '2026-01-21' });
    ctx.db.prepare('UPDATE events SET deleted = 1 WHERE id = ?').run(deleted);
    await runAnalyticsJob(sandbox);
    // The tables take ACTIVE and SCHEDULE (not SKIPPED, VISITED, deleted); V{event_count} then counts
    // only ACTIVE and COMPLETED events (`vEventCount`: case when psistatus in ('ACTIVE','COMPLETED')).
    expect(valuesOf((await dataValueSet(sandbox, visits(OU.clinicA, '202601'))).body)).toEqual([
      '1',
    ]);
  });

  it('reports a failing job with level ERROR and keeps the previous tables and success time', async () => {
    const success = (await api(sandbox, '/api/system/info')).body.lastAnalyticsTableSuccess;
    addEvent(ctx, { orgUnit: OU.clinicA, date: '2025-12-01' });
    ctx.faults.analytics = { fail: 'could not extend file: No space left on device' };
    const { notifications } = await runAnalyticsJob(sandbox);
    ctx.faults.analytics = {};
    expect(notifications[0]).toMatchObject({
      level: 'ERROR',
      completed: true,
      message: 'Process failed: could not extend file: No space left on device',
    });
    expect((await api(sandbox, '/api/system/info')).body.lastAnalyticsTableSuccess).toBe(success);
    expect((await dataValueSet(sandbox, visits(OU.clinicA, '202512'))).body.dataValues).toEqual([]);
  });

  it('runs as long as the fault says, its newest notification not completed until then', async () => {
    ctx.faults.analytics = { durationMs: 400 };
    const started = await api(sandbox, '/api/resourceTables/analytics', { method: 'PUT' });
    ctx.faults.analytics = {};
    const id = started.body.response.id;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const running = (await api(sandbox, `/api/system/tasks/ANALYTICS_TABLE/${id}`)).body;
    expect(running.length).toBeGreaterThan(0);
    expect(running[0].completed).toBe(false);
    // 2.39/2.40 refuse a second analytics job while one runs (ResourceTableController.execute).
    const second = await api(sandbox, '/api/resourceTables/analytics', { method: 'POST' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      httpStatus: 'Conflict',
      httpStatusCode: 409,
      status: 'ERROR',
      message: 'Job of type ANALYTICS_TABLE is already running',
      response: { jobType: 'ANALYTICS_TABLE', jobStatus: 'FAILED' },
    });
    expect((await waitForJob(sandbox, id))[0]).toMatchObject({ completed: true, level: 'INFO' });
  });

  it('refuses a user without F_PERFORM_MAINTENANCE with 403', async () => {
    const refused = await api(sandbox, '/api/resourceTables/analytics', {
      method: 'POST',
      auth: auth(CLERK),
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ httpStatusCode: 403, status: 'ERROR' });
  });
});

describe('which tables a run rebuilds', async () => {
  const sandbox = await analyticsSandbox('2.41');
  const ctx = sandbox.context;
  const enrolled = (pe: string) =>
    `dimension=dx:${PI.enrollments}&dimension=pe:${pe}&dimension=ou:${OU.root}`;

  it('skipEvents leaves the event tables as they were and still rebuilds enrollments', async () => {
    addEvent(ctx, { orgUnit: OU.clinicA, date: '2026-01-05' });
    addEnrollment(ctx, { orgUnit: OU.clinicA, date: '2026-01-06' });
    await runAnalyticsJob(sandbox);
    addEvent(ctx, { orgUnit: OU.clinicA, date: '2026-01-07' });
    addEnrollment(ctx, { orgUnit: OU.clinicC, date: '2026-01-08' });
    const { started } = await runAnalyticsJob(sandbox, '?skipEvents=true');
    expect(started.body.response.jobParameters.skipTableTypes).toEqual(['EVENT']);
    expect(valuesOf((await dataValueSet(sandbox, visits(OU.root, '202601'))).body)).toEqual(['1']);
    expect(valuesOf((await dataValueSet(sandbox, enrolled('202601'))).body)).toEqual(['2']);
  });

  it('skipEnrollment leaves the enrollment tables as they were and still rebuilds events', async () => {
    addEnrollment(ctx, { orgUnit: OU.clinicB, date: '2026-01-09' });
    await runAnalyticsJob(sandbox, '?skipEnrollment=true');
    expect(valuesOf((await dataValueSet(sandbox, visits(OU.root, '202601'))).body)).toEqual(['2']);
    expect(valuesOf((await dataValueSet(sandbox, enrolled('202601'))).body)).toEqual(['2']);
  });

  it('lastYears rebuilds only the recent event partitions and keeps the older rows', async () => {
    await runAnalyticsJob(sandbox);
    addEvent(ctx, { orgUnit: OU.clinicB, date: '2025-06-01', lastUpdated: '2026-03-01' });
    addEvent(ctx, { orgUnit: OU.clinicB, date: '2026-02-01', lastUpdated: '2026-03-01' });
    ctx.db.prepare("UPDATE events SET deleted = 1 WHERE occurred_at = '2026-01-05'").run();
    await runAnalyticsJob(sandbox, '?lastYears=1');
    const clinicB = (pe: string) => dataValueSet(sandbox, visits(OU.clinicB, pe));
    expect((await clinicB('2025')).body.dataValues).toEqual([]);
    expect(valuesOf((await clinicB('2026')).body)).toEqual(['1']);
    expect(valuesOf((await dataValueSet(sandbox, visits(OU.clinicA, '2026'))).body)).toEqual(['1']);
    await runAnalyticsJob(sandbox);
    expect(valuesOf((await clinicB('2025')).body)).toEqual(['1']);
  });

  it('lastYears=0 updates the latest partition after a full run, with its own success time', async () => {
    const full = (await api(sandbox, '/api/system/info')).body.lastAnalyticsTableSuccess;
    const now = ctx.clock.now().toISOString().slice(0, 23);
    addEvent(ctx, { orgUnit: OU.clinicC, date: '2026-03-02', lastUpdated: now });
    const { notifications } = await runAnalyticsJob(sandbox, '?lastYears=0');
    expect((notifications as any[]).at(-1).message).toBe(
      'Analytics table update process (latest partition)',
    );
    expect(valuesOf((await dataValueSet(sandbox, visits(OU.clinicC, '202603'))).body)).toEqual([
      '1',
    ]);
    expect((await api(sandbox, '/api/system/info')).body.lastAnalyticsTableSuccess).toBe(full);
  });
});

describe('the job across versions', async () => {
  const v236 = await analyticsSandbox('2.36');
  const v238 = await analyticsSandbox('2.38');
  const v241 = await analyticsSandbox('2.41');
  const v242 = await analyticsSandbox('2.42');

  it('writes the notifier messages of 2.36 and lets two jobs run at once', async () => {
    v236.context.faults.analytics = { durationMs: 200 };
    const first = await api(v236, '/api/resourceTables/analytics', { method: 'POST' });
    const second = await api(v236, '/api/resourceTables/analytics', { method: 'POST' });
    v236.context.faults.analytics = {};
    expect(first.body.response.jobStatus).toBeUndefined();
    expect(first.body.response.jobParameters).toEqual({
      skipTableTypes: [],
      skipResourceTables: false,
    });
    const notifications = await waitForJob(v236, first.body.response.id);
    expect((await waitForJob(v236, second.body.response.id))[0]?.completed).toBe(true);
    expect((notifications as any[]).map((n) => n.message).reverse()).toEqual([
      'Analytics table update process started',
      'Updating resource tables',
      'Updating tables: DATA_VALUE',
      'Updating tables: COMPLETENESS',
      'Updating tables: COMPLETENESS_TARGET',
      'Updating tables: ORG_UNIT_TARGET',
      'Updating tables: EVENT',
      'Updating tables: ENROLLMENT',
      'Updating tables: VALIDATION_RESULT',
      expect.stringMatching(/^Analytics tables updated: /),
    ]);
    expect(notifications.every((n) => n.dataType === undefined)).toBe(true);
  });

  it('says "Initiated" on 2.38 for a second job while one runs, but never runs it', async () => {
    v238.context.faults.analytics = { durationMs: 200 };
    const first = await api(v238, '/api/resourceTables/analytics', { method: 'POST' });
    const second = await api(v238, '/api/resourceTables/analytics', { method: 'POST' });
    v238.context.faults.analytics = {};
    expect(second.status).toBe(200);
    expect(second.body.message).toBe('Initiated inMemoryAnalyticsJob');
    await waitForJob(v238, first.body.response.id);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(
      (await api(v238, `/api/system/tasks/ANALYTICS_TABLE/${second.body.response.id}`)).body,
    ).toEqual([]);
  });

  it('names the job ANALYTICS_TABLE (millis) from 2.41, with a Location, and queues a second one', async () => {
    v241.context.faults.analytics = { durationMs: 200 };
    const first = await api(v241, '/api/resourceTables/analytics?skipOutliers=true', {
      method: 'POST',
    });
    const second = await api(v241, '/api/resourceTables/analytics', { method: 'POST' });
    v241.context.faults.analytics = {};
    expect(first.body.message).toMatch(/^Initiated ANALYTICS_TABLE \(\d{13}\)$/);
    expect(first.body.response).toMatchObject({
      name: first.body.message.slice('Initiated '.length),
      jobStatus: 'NOT_STARTED',
      jobParameters: { skipOutliers: true },
    });
    expect(second.body.response.name).not.toBe(first.body.response.name);
    expect(first.headers.get('location')).toBe(`${v241.baseUrl}/api/system/tasks/ANALYTICS_TABLE`);
    const waiting = await api(v241, `/api/system/tasks/ANALYTICS_TABLE/${second.body.response.id}`);
    expect(waiting.body).toEqual([]);
    await waitForJob(v241, first.body.response.id);
    expect((await waitForJob(v241, second.body.response.id))[0]).toMatchObject({
      completed: true,
      level: 'INFO',
    });
  });

  it('adds responseType on 2.42 and closes the list of a job that no longer runs', async () => {
    const { started } = await runAnalyticsJob(v242);
    expect(started.body.response.responseType).toBe('JobConfiguration');
    // A job cut off by a restart: its newest notification comes back alone, marked completed.
    v242.context.db
      .prepare(
        "INSERT INTO task_notifications (job_id, category, seq, json) VALUES ('Orphan00001', 'ANALYTICS_TABLE', 0, ?)",
      )
      .run(JSON.stringify({ uid: 'N1', id: 'N1', level: 'INFO', message: 'x', completed: false }));
    const orphan = await api(v242, '/api/system/tasks/ANALYTICS_TABLE/Orphan00001');
    expect(orphan.body).toEqual([
      { uid: 'N1', id: 'N1', level: 'INFO', message: 'x', completed: true },
    ]);
  });
});
