import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/core/csv.ts';
import type { JobReport, TargetReport } from '../../src/core/report.ts';
import { issuesCsv } from '../../src/dashboard/issues-csv.ts';
import { namesOf } from '../../src/dashboard/names.ts';
import { deadBecause, startedBy } from '../../src/dashboard/run-views.ts';

const here = { host: 'hmis-server', pid: 4242, alive: (pid: number) => pid === 777 };
const now = new Date('2026-11-24T02:10:00Z');

describe('a run as the dashboard shows it', () => {
  it('names who started it: the dashboard user, the scheduler, or the command line', () => {
    const starters = new Map([['run-a', 'hmis-admin']]);
    expect(startedBy({ id: 'run-a', trigger: 'manual' }, starters)).toBe('hmis-admin');
    expect(startedBy({ id: 'run-b', trigger: 'schedule' }, starters)).toBe('schedule');
    expect(startedBy({ id: 'run-c', trigger: 'manual' }, starters)).toBe('command line');
  });

  it('calls a running run dead when its process is gone, its lease ran out, or it lost its lock', () => {
    const running = { id: 'run-a', status: 'running' as const };
    const lock = (holder: string, renewedAt = '2026-11-24T02:09:30Z') => ({
      runId: 'run-a',
      holder,
      renewedAt,
    });
    // Alive: this process, a live process of this host, a process elsewhere that renews its lease.
    expect(deadBecause(running, lock('hmis-server:4242'), now, here)).toBeUndefined();
    expect(deadBecause(running, lock('hmis-server:777'), now, here)).toBeUndefined();
    expect(deadBecause(running, lock('replica-2:99'), now, here)).toBeUndefined();
    expect(deadBecause(running, lock('hmis-server:778'), now, here)).toBe(
      'its process (pid 778 on hmis-server) is no longer running',
    );
    expect(deadBecause(running, lock('replica-2:99', '2026-11-24T02:00:00Z'), now, here)).toBe(
      'it has not renewed its lease for 10 min (since 2026-11-24T02:00:00Z)',
    );
    expect(deadBecause(running, undefined, now, here)).toMatch(/no longer holds its job’s lock/);
    expect(
      deadBecause(running, { ...lock('hmis-server:4242'), runId: 'run-b' }, now, here),
    ).toMatch(/no longer holds its job’s lock/);
    // A finished run is what the history says it is.
    expect(deadBecause({ id: 'run-a', status: 'success' }, undefined, now, here)).toBeUndefined();
  });

  it('names periods in the source’s calendar, and org units and data elements it knows, ids alone otherwise', () => {
    const naming = {
      calendar: 'iso8601',
      orgUnits: new Map([['DiszpKrYNg8', 'Ngelehun CHC']]),
      dataElements: new Map([['IMM_BCG_DOSES', 'BCG doses given']]),
    };
    expect(
      namesOf(naming, {
        periods: ['202609', '2026Q3', 'not-a-period'],
        orgUnits: ['DiszpKrYNg8', 'unknownUid1'],
        dataElements: ['IMM_BCG_DOSES'],
      }),
    ).toEqual({
      periods: { '202609': 'September 2026', '2026Q3': 'July - September 2026' },
      orgUnits: { DiszpKrYNg8: 'Ngelehun CHC' },
      dataElements: { IMM_BCG_DOSES: 'BCG doses given' },
    });
    // A source that did not say its calendar: no period is named rather than named wrong.
    expect(
      namesOf(
        { ...naming, calendar: undefined },
        { periods: ['202609'], orgUnits: [], dataElements: [] },
      ).periods,
    ).toEqual({});
    expect(
      namesOf(
        { ...naming, calendar: 'nepali' },
        { periods: ['208201'], orgUnits: [], dataElements: [] },
      ).periods,
    ).toEqual({
      '208201': 'Baisakh 2082',
    });
  });
});

describe('the CSV of a run’s withheld and refused values', () => {
  const target = (name: string, issues: TargetReport['issues']) =>
    ({ target: name, issues }) as unknown as TargetReport;
  const report = {
    targets: [
      target('hmis', [
        {
          cause: 'locked-period',
          title: 'Period locked',
          fix: 'Exclude the period',
          count: 40,
          objects: ['202608 Immunisation monthly', '202609 Immunisation monthly'],
          messages: [],
        },
        {
          cause: 'unknown-org-unit',
          title: 'Org unit, "quoted"',
          fix: 'Map it',
          count: 3,
          objects: [],
          messages: ['DHIS2: Org unit not found: x', 'DHIS2: Org unit not found: y'],
        },
      ]),
      target('hmis-copy', []),
    ],
  } as unknown as JobReport;

  it('has one row per target, cause and object named, with the kind, the values of the cause and the fix', () => {
    expect(parseCsv(issuesCsv(report))).toEqual([
      ['target', 'kind', 'cause', 'title', 'values', 'object', 'messages', 'fix'],
      [
        'hmis',
        'withheld by t2a',
        'locked-period',
        'Period locked',
        '40',
        '202608 Immunisation monthly',
        '',
        'Exclude the period',
      ],
      [
        'hmis',
        'withheld by t2a',
        'locked-period',
        'Period locked',
        '40',
        '202609 Immunisation monthly',
        '',
        'Exclude the period',
      ],
      [
        'hmis',
        'refused by the target',
        'unknown-org-unit',
        'Org unit, "quoted"',
        '3',
        '',
        'DHIS2: Org unit not found: x | DHIS2: Org unit not found: y',
        'Map it',
      ],
    ]);
  });
});
