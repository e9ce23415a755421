import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobReport } from '../../src/core/report.ts';
import { newRunId, Store } from '../../src/store/store.ts';

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
      counts: { imported: 7, updated: 0, ignored: 2, deleted: 0 },
      plan: { byDataElementPeriod: {}, samples: { create: [], update: [], stale: [] } },
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

describe('the run history', () => {
  it('creates its file and applies the migrations once', () => {
    const path = file();
    const store = new Store(path);
    expect(store.schemaVersion).toBe(2);
    store.close();
    expect(new Store(path).schemaVersion).toBe(2);
  });

  it('keeps a run with its counts and whole report, newest first', () => {
    const store = new Store(file());
    const first = newRunId(new Date('2026-11-23T02:00:00Z'));
    const second = newRunId(new Date('2026-11-24T02:00:00Z'));
    for (const id of [first, second]) {
      store.startRun({
        id,
        job: 'immunisation',
        trigger: 'schedule',
        startedAt: id.startsWith('20261123') ? '2026-11-23T02:00:00Z' : '2026-11-24T02:00:00Z',
        dryRun: false,
        t2aVersion: '0.1.0',
      });
      store.finishRun(id, 'conflicts', report(id));
    }
    const runs = store.runs({ job: 'immunisation' });
    expect(runs.map((run) => run.id)).toEqual([second, first]);
    expect(runs[0]).toMatchObject({
      status: 'conflicts',
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
    expect(store.run(second)?.report?.targets[0]?.issues[0]?.cause).toBe('locked-period');
  });

  it('lets one run of a job hold its lock at a time, across connections to the file', () => {
    const path = file();
    const a = new Store(path);
    const b = new Store(path);
    expect(a.acquireLock('immunisation', 'run-1', 'host:1')).toBe(true);
    expect(b.acquireLock('immunisation', 'run-2', 'host:2')).toBe(false);
    expect(b.lockHolder('immunisation')).toMatchObject({ runId: 'run-1', holder: 'host:1' });
    a.releaseLock('immunisation', 'run-1');
    expect(b.acquireLock('immunisation', 'run-2', 'host:2')).toBe(true);
  });
});
