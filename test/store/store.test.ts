import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobReport } from '../../src/core/report.ts';
import { migrationFiles } from '../../src/store/migration-files.ts';
import { openStore } from '../../src/store/open.ts';
import { newRunId } from '../../src/store/run-id.ts';
import { startPostgres } from './postgres-server.ts';

const file = () => join(mkdtempSync(join(tmpdir(), 't2a-store-')), 'nested', 't2a.sqlite');

const report = (runId: string): JobReport => ({
  runId,
  job: 'immunisation',
  source: 'tracker',
  sourceVersion: '2.40.3',
  periods: ['202409', '202410'],
  orgUnitCount: 3,
  indicators: { total: 4, mapped: 4, unmapped: 0 },
  targets: [
    {
      target: 'hmis',
      dhis2Version: '2.41.0',
      dryRun: false,
      exported: 10,
      withheld: 1,
      sent: 9,
      unchanged: 0,
      stale: 0,
      zeros: 0,
      counts: { imported: 7, updated: 0, ignored: 2, deleted: 0 },
      plan: {
        byDataElementPeriod: {},
        samples: { create: [], update: [], stale: [], heldByOthers: [] },
      },
      conflicted: 2,
      issues: [
        {
          cause: 'locked-period',
          title: 'Period locked',
          fix: 'Exclude it',
          count: 2,
          objects: ['202409'],
          messages: [],
        },
      ],
    },
  ],
  failedChunks: [],
  startedAt: '2026-11-24T02:00:00.000Z',
  finishedAt: '2026-11-24T02:00:05.000Z',
});

const postgres = await startPostgres();
afterAll(() => postgres.stop());
let database = 0;

/** A fresh location per test: a new SQLite file, or a new PostgreSQL database on the test server. */
async function location(kind: 'sqlite' | 'postgres'): Promise<string> {
  if (kind === 'sqlite') return file();
  const admin = await openStore(postgres.url);
  await admin.close();
  const name = `t2a_${process.pid}_${++database}`;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return postgres.url.replace(/\/postgres$/, `/${name}`);
}

describe.each(['sqlite', 'postgres'] as const)('the run history and ledger on %s', (kind) => {
  it('applies the migrations once', async () => {
    const where = await location(kind);
    // As many as the numbered files shipped with t2a.
    const files = readdirSync(new URL('../../src/store/migrations/', import.meta.url));
    const latest = Math.max(...files.map((name) => Number(name.slice(0, 3))));
    expect(latest).toBeGreaterThanOrEqual(5);
    const store = await openStore(where);
    expect(await store.schemaVersion()).toBe(latest);
    await store.close();
    const again = await openStore(where);
    expect(await again.schemaVersion()).toBe(latest);
    await again.close();
  });

  it('keeps a run with its counts and whole report, newest first', async () => {
    const store = await openStore(await location(kind));
    const first = newRunId(new Date('2026-11-23T02:00:00Z'));
    const second = newRunId(new Date('2026-11-24T02:00:00Z'));
    for (const [id, startedAt] of [
      [first, '2026-11-23T02:00:00Z'],
      [second, '2026-11-24T02:00:00Z'],
    ] as const) {
      await store.startRun({
        id,
        job: 'immunisation',
        trigger: 'schedule',
        startedAt,
        dryRun: false,
        t2aVersion: '0.1.0',
      });
      await store.finishRun(id, 'incomplete', report(id));
    }
    const runs = await store.runs({ job: 'immunisation' });
    expect(runs.map((run) => run.id)).toEqual([second, first]);
    expect(runs[0]).toMatchObject({
      status: 'incomplete',
      trigger: 'schedule',
      periods: ['202409', '202410'],
      sourceVersion: '2.40.3',
      targetVersions: ['hmis 2.41.0'],
    });
    expect(runs[0]!.counts).toMatchObject({
      exported: 10,
      sent: 9,
      imported: 7,
      ignored: 2,
      withheld: 1,
      conflicted: 2,
    });
    expect((await store.run(second))?.report?.targets[0]?.issues[0]?.cause).toBe('locked-period');
    await store.close();
  });

  it('lets one run of a job hold its lock at a time, across connections', async () => {
    const where = await location(kind);
    const a = await openStore(where);
    const b = await openStore(where);
    expect(await a.acquireLock('immunisation', 'run-1', 'host:1')).toBe(true);
    expect(await b.acquireLock('immunisation', 'run-2', 'host:2')).toBe(false);
    expect(await b.lockHolder('immunisation')).toMatchObject({ runId: 'run-1', holder: 'host:1' });
    await a.releaseLock('immunisation', 'run-1');
    expect(await b.acquireLock('immunisation', 'run-2', 'host:2')).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it('renews a lock only for its run, and lets exactly one run take over a stale one', async () => {
    const where = await location(kind);
    const a = await openStore(where);
    const b = await openStore(where);
    expect(await a.acquireLock('immunisation', 'run-1', 'host:1')).toBe(true);
    const taken = await a.lockHolder('immunisation');
    expect(taken?.renewedAt).toBe(taken?.acquiredAt);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await a.renewLock('immunisation', 'run-1')).toBe(true);
    expect((await a.lockHolder('immunisation'))!.renewedAt > taken!.renewedAt).toBe(true);
    expect(await b.renewLock('immunisation', 'run-2')).toBe(false);
    // Two runs see the same stale holder: the first takes over, the second finds it gone.
    const [first, second] = await Promise.all([
      a.takeOverLock('immunisation', 'run-1', 'run-2', 'host:2'),
      b.takeOverLock('immunisation', 'run-1', 'run-3', 'host:3'),
    ]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    const holder = await a.lockHolder('immunisation');
    expect(holder?.runId).toBe(first ? 'run-2' : 'run-3');
    // The old run lost its lock: it can no longer renew it.
    expect(await a.renewLock('immunisation', 'run-1')).toBe(false);
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps the ledger of a store made before it was kept by scope (migration 006)', async () => {
    const where = await location(kind);
    const dir = new URL('../../src/store/migrations/', import.meta.url);
    const before = migrationFiles(dir, kind).filter((m) => m.version <= 5);
    const sql = before.map((m) => readFileSync(new URL(m.file, dir), 'utf8'));
    const rows = `INSERT INTO ledger (target, job, data_element, period, org_unit, category_option_combo, attribute_option_combo, value, run_id, written_at) VALUES
      ('https://hmis', 'imm', 'BCG', '202410', 'OuA', 'F', '', '3', 'r1', '2026-10-01'),
      ('https://hmis', 'imm', 'OPV', '202410', 'OuA', '', 'Gov', '4', 'r2', '2026-10-02'),
      ('https://hmis', 'other', 'ANC', '202410', 'OuA', '', '', '5', 'r3', '2026-10-03')`;
    if (kind === 'sqlite') {
      const { default: Database } = await import('better-sqlite3');
      mkdirSync(dirname(where), { recursive: true });
      const db = new Database(where);
      for (const text of sql) db.exec(text);
      db.exec(rows);
      db.pragma('user_version = 5');
      db.close();
    } else {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: where });
      await client.connect();
      for (const text of sql) await client.query(text);
      await client.query(rows);
      await client.query('CREATE TABLE t2a_schema (version INTEGER NOT NULL)');
      await client.query('INSERT INTO t2a_schema (version) VALUES (1), (2), (3), (4), (5)');
      await client.end();
    }
    const store = await openStore(where);
    const entries = await store.ledger.entries('https://hmis', 'imm', ['202410'], ['OuA']);
    expect(entries.sort((a, b) => a.runId.localeCompare(b.runId))).toEqual([
      {
        dataElement: 'BCG',
        period: '202410',
        orgUnit: 'OuA',
        categoryOptionCombo: 'F',
        attributeOptionCombo: undefined,
        value: '3',
        runId: 'r1',
      },
      {
        dataElement: 'OPV',
        period: '202410',
        orgUnit: 'OuA',
        categoryOptionCombo: undefined,
        attributeOptionCombo: 'Gov',
        value: '4',
        runId: 'r2',
      },
    ]);
    expect(await store.ledger.entries('https://hmis', 'other', ['202410'])).toHaveLength(1);
    await store.close();
  });

  it("reads the statuses an older history wrote in today's words (migration 008)", async () => {
    const where = await location(kind);
    const dir = new URL('../../src/store/migrations/', import.meta.url);
    const sql = migrationFiles(dir, kind)
      .filter((m) => m.version <= 7)
      .map((m) => readFileSync(new URL(m.file, dir), 'utf8'));
    const busy =
      'Job "imm" is already running (run r0 on host, since 2026-10-01T02:00:00Z); this run did not start.';
    const rows = `INSERT INTO runs (id, job, trigger, status, started_at, t2a_version, error) VALUES
      ('r1', 'imm', 'schedule', 'conflicts', '2026-10-01T02:00:00Z', '0.1.0', NULL),
      ('r2', 'imm', 'schedule', 'failed', '2026-10-02T02:00:00Z', '0.1.0', '${busy}'),
      ('r3', 'imm', 'schedule', 'failed', '2026-10-03T02:00:00Z', '0.1.0', 'tracker could not be reached')`;
    const versions = [1, 2, 3, 4, 5, 6, 7];
    if (kind === 'sqlite') {
      const { default: Database } = await import('better-sqlite3');
      mkdirSync(dirname(where), { recursive: true });
      const db = new Database(where);
      for (const text of sql) db.exec(text);
      db.exec(rows);
      db.pragma('user_version = 7');
      db.close();
    } else {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: where });
      await client.connect();
      for (const text of sql) await client.query(text);
      await client.query(rows);
      await client.query('CREATE TABLE t2a_schema (version INTEGER NOT NULL)');
      await client.query(
        `INSERT INTO t2a_schema (version) VALUES ${versions.map((v) => `(${v})`).join(', ')}`,
      );
      await client.end();
    }
    const store = await openStore(where);
    const statuses = Object.fromEntries(
      (await store.runs({ job: 'imm' })).map((run) => [run.id, run.status]),
    );
    expect(statuses).toEqual({ r1: 'incomplete', r2: 'busy', r3: 'failed' });
    await store.close();
  });

  it('keeps intents until the answer is in, and settles those a crash left', async () => {
    const store = await openStore(await location(kind));
    const at = (orgUnit: string, value: string) => ({
      dataElement: 'BCG',
      period: '202410',
      orgUnit,
      categoryOptionCombo: 'F',
      value,
    });
    const target = 'https://hmis';
    const first = await store.ledger.intend(target, 'immunisation', 'r1', [
      at('OuA', '3'),
      at('OuB', '4'),
    ]);
    // The answer: OuA was taken, OuB refused.
    await store.ledger.confirm(target, 'immunisation', 'r1', first, [at('OuA', '3')]);
    expect(await store.ledger.intents(target, 'immunisation')).toEqual([]);
    expect(
      (await store.ledger.entries(target, 'immunisation', ['202410'])).map((e) => e.orgUnit),
    ).toEqual(['OuA']);
    // A run dies after sending: its intent stays, under its run id, with the values it sent.
    const second = await store.ledger.intend(target, 'immunisation', 'r2', [
      at('OuC', '5'),
      at('OuD', '6'),
    ]);
    const left = await store.ledger.intents(target, 'immunisation');
    expect(left).toEqual([{ id: second, runId: 'r2', values: [at('OuC', '5'), at('OuD', '6')] }]);
    expect(await store.ledger.intents(target, 'other-job')).toEqual([]);
    await store.ledger.settle(
      target,
      'immunisation',
      [second],
      [{ ...at('OuC', '5'), runId: 'r2' }],
    );
    expect(await store.ledger.intents(target, 'immunisation')).toEqual([]);
    const entries = await store.ledger.entries(target, 'immunisation', ['202410']);
    expect(entries.map((e) => [e.orgUnit, e.runId]).sort()).toEqual([
      ['OuA', 'r1'],
      ['OuC', 'r2'],
    ]);
    await store.close();
  });

  it('remembers what t2a wrote and what it deleted', async () => {
    const store = await openStore(await location(kind));
    const value = {
      dataElement: 'BCG',
      period: '202410',
      orgUnit: 'OuA',
      categoryOptionCombo: 'F',
      value: '3',
    };
    await store.ledger.record('https://hmis', 'immunisation', 'r1', [
      value,
      { ...value, orgUnit: 'OuB' },
    ]);
    expect(
      (await store.ledger.entries('https://hmis', 'immunisation', ['202410'], ['OuA'])).map(
        (e) => e.orgUnit,
      ),
    ).toEqual(['OuA']);
    expect(await store.ledger.entries('https://hmis', 'immunisation', ['202410'])).toHaveLength(2);
    await store.ledger.recordDeletions('r2', 'https://hmis', [
      { held: { ...value, storedBy: 't2a' }, action: 'delete' },
    ]);
    await store.ledger.forget('https://hmis', [value]);
    expect(await store.ledger.entries('https://hmis', 'immunisation', ['202410'])).toHaveLength(1);
    expect(await store.ledger.deletions('r2')).toEqual([
      {
        target: 'https://hmis',
        value: {
          ...value,
          attributeOptionCombo: undefined,
          storedBy: 't2a',
          lastUpdated: undefined,
        },
      },
    ]);
    await store.close();
  });

  it('holds stale values to the end of the job, and gives each out once', async () => {
    const store = await openStore(await location(kind));
    const stale = (orgUnit: string, action: 'delete' | 'zero' = 'delete') => ({
      held: {
        dataElement: 'BCG',
        period: '202410',
        orgUnit,
        categoryOptionCombo: 'F',
        attributeOptionCombo: undefined,
        value: '3',
        storedBy: 't2a',
        lastUpdated: '2026-10-01T02:00:00.000',
      },
      action,
    });
    await store.ledger.holdStale('https://hmis', 'imm', [stale('OuA'), stale('OuB', 'zero')]);
    await store.ledger.holdStale('https://hmis', 'imm', [stale('OuC')]);
    await store.ledger.holdStale('https://hmis', 'other', [stale('OuD')]);
    const first = await store.ledger.takeStale('https://hmis', 'imm', 2);
    const second = await store.ledger.takeStale('https://hmis', 'imm', 2);
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(1);
    expect(
      [...first, ...second].sort((a, b) => a.held.orgUnit.localeCompare(b.held.orgUnit)),
    ).toEqual([stale('OuA'), stale('OuB', 'zero'), stale('OuC')]);
    expect(await store.ledger.takeStale('https://hmis', 'imm', 2)).toEqual([]);
    await store.ledger.dropStale('https://hmis', 'other');
    expect(await store.ledger.takeStale('https://hmis', 'other', 2)).toEqual([]);
    await store.close();
  });

  it('holds notifications for the digest and gives each out once', async () => {
    const store = await openStore(await location(kind));
    await store.holdNotification({
      subject: 'first',
      text: 'a',
      job: 'j',
      runId: 'r1',
      outcome: 'success',
    });
    await store.holdNotification({
      subject: 'second',
      text: 'b',
      job: 'j',
      runId: undefined,
      outcome: 'failed',
    });
    const claimed = await store.claimNotifications();
    expect(claimed.map(({ notification: n }) => [n.subject, n.runId, n.outcome])).toEqual([
      ['first', 'r1', 'success'],
      ['second', undefined, 'failed'],
    ]);
    // Claimed by one process: another does not get them while the first is sending.
    expect(await store.claimNotifications()).toEqual([]);
    // The mail server failed: given back, they come out again at the next digest.
    await store.releaseNotifications(
      claimed.map((held) => held.id),
      false,
    );
    const again = await store.claimNotifications();
    expect(again.map((held) => held.notification.subject)).toEqual(['first', 'second']);
    await store.releaseNotifications(
      again.map((held) => held.id),
      true,
    );
    await store.releaseNotifications([], true);
    expect(await store.claimNotifications()).toEqual([]);
    await store.close();
  });
});
