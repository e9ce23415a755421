import { describe, expect, it } from 'vitest';
import {
  type ExportFacts,
  type IndicatorReach,
  type NarrowInput,
  narrowExport,
  type TrackerRecord,
} from '../../src/core/narrow-export.ts';

const facts = { indicators: 'i1', orgUnits: 'o1', job: 'j1', periods: ['202601', '202602'] };
const last: ExportFacts = {
  ...facts,
  analyticsAt: '2026-03-01T02:00:00.000',
  fullAt: '2026-02-27T03:00:00.000',
};
const indicator = (more: Partial<IndicatorReach> = {}): IndicatorReach => ({
  id: 'pi1',
  program: 'P',
  analyticsType: 'EVENT',
  otherOrgUnit: false,
  otherBoundaries: false,
  dependsOnDay: false,
  ...more,
});
const event = (more: Partial<TrackerRecord> = {}): TrackerRecord => ({
  kind: 'event',
  id: 'ev1',
  program: 'P',
  place: { orgUnit: 'F1', dates: ['2026-02-10'] },
  createdAt: '2026-03-01T12:00:00.000',
  updatedAt: '2026-03-01T12:00:00.000',
  ...more,
});
const input = (more: Partial<NarrowInput> = {}): NarrowInput => ({
  last,
  now: { ...facts, analyticsAt: '2026-03-02T02:00:00.000', serverTime: '2026-03-02T03:00:00.000' },
  fullExportEveryMs: 7 * 86_400_000,
  indicators: [indicator()],
  periods: [
    { id: '202601', startDate: '2026-01-01', endDate: '2026-01-31' },
    { id: '202602', startDate: '2026-02-01', endDate: '2026-02-28' },
  ],
  orgUnits: [
    { id: 'F1', path: '/R/F1' },
    { id: 'F2', path: '/R/F2' },
  ],
  changes: [event()],
  knownPlaces: new Map(),
  paths: new Map([['C1', '/R/F1/C1']]),
  ...more,
});
const scopesOf = (result: ReturnType<typeof narrowExport>) =>
  result.scope.kind === 'narrowed'
    ? Object.fromEntries([...result.scope.scopes].map(([p, units]) => [p, [...units].sort()]))
    : result.scope.reason;

describe('which scopes a quiet night exports', () => {
  it('exports the org unit and month of a new event, nothing else', () => {
    expect(scopesOf(narrowExport(input()))).toEqual({ '202602': ['F1'] });
  });

  it('counts an event below a job org unit at that org unit', () => {
    const below = event({ place: { orgUnit: 'C1', dates: ['2026-01-05'] } });
    expect(scopesOf(narrowExport(input({ changes: [below] })))).toEqual({ '202601': ['F1'] });
  });

  it('exports where an edited event stands now and every place it was seen before', () => {
    const moved = event({ createdAt: '2026-01-03T10:00:00.000' });
    const known = new Map([['ev1', [{ orgUnit: 'F2', dates: ['2026-01-03'] }]]]);
    expect(scopesOf(narrowExport(input({ changes: [moved], knownPlaces: known })))).toEqual({
      '202601': ['F2'],
      '202602': ['F1'],
    });
  });

  it('widens a change to every period where an indicator has other period boundaries', () => {
    const result = narrowExport(input({ indicators: [indicator({ otherBoundaries: true })] }));
    expect(scopesOf(result)).toEqual({ '202601': ['F1'], '202602': ['F1'] });
  });

  it('exports a period the last run did not export, whole', () => {
    const result = narrowExport(input({ last: { ...last, periods: ['202601'] }, changes: [] }));
    expect(scopesOf(result)).toEqual({ '202602': ['F1', 'F2'] });
  });

  it('exports nothing when nothing changed', () => {
    expect(scopesOf(narrowExport(input({ changes: [] })))).toEqual({});
  });

  it.each<[string, Partial<NarrowInput>, RegExp]>([
    ['a first run', { last: undefined }, /first run/],
    [
      'a source that never ran analytics',
      { now: { ...input().now, analyticsAt: undefined } },
      /does not say/,
    ],
    [
      'the full export due',
      { now: { ...input().now, serverTime: '2026-03-06T03:00:00.000' } },
      /scheduled full export/,
    ],
    [
      'an indicator changed',
      { now: { ...input().now, indicators: 'i2' } },
      /program indicator changed/,
    ],
    ['org units moved', { now: { ...input().now, orgUnits: 'o2' } }, /org units changed or moved/],
    ['the job changed', { now: { ...input().now, job: 'j2' } }, /job or its mappings/],
    [
      'an indicator of the day',
      { indicators: [indicator({ dependsOnDay: true })] },
      /V\{current_date\}/,
    ],
    [
      'an indicator counted at another org unit',
      { indicators: [indicator({ otherOrgUnit: true })] },
      /other than the record's own/,
    ],
    [
      'changes that could not be read',
      { changes: { unavailable: 'HTTP 500' } },
      /could not be read/,
    ],
    [
      'analytics older than the last export read',
      { now: { ...input().now, analyticsAt: '2026-02-28T02:00:00.000' } },
      /older than/,
    ],
    ['analytics rebuilt for the last years only', { analyticsLastYears: 0 }, /rebuilt whole/],
    [
      'an edited event t2a never saw',
      { changes: [event({ createdAt: '2025-12-01T00:00:00.000' })] },
      /never saw where it stood/,
    ],
    [
      'an event changed while analytics ran',
      { changes: [event({ updatedAt: '2026-03-02T02:30:00.000' })] },
      /after the analytics run/,
    ],
    [
      'an org unit outside the hierarchy t2a knows',
      { changes: [event({ place: { orgUnit: 'X9', dates: ['2026-02-01'] } })] },
      /did not say where org unit X9/,
    ],
    [
      'an event of an enrollment t2a never saw',
      {
        indicators: [indicator({ analyticsType: 'ENROLLMENT' })],
        changes: [event({ enrollment: 'en1' })],
      },
      /enrollment en1/,
    ],
  ])('exports everything after %s', (_, more, reason) => {
    const result = narrowExport(input(more));
    expect(result.scope.kind).toBe('full');
    expect(scopesOf(result)).toMatch(reason);
  });

  it('forgets where a record changed after the analytics run stood, and remembers the others', () => {
    const during = event({
      id: 'ev2',
      createdAt: '2026-01-01T00:00:00.000',
      updatedAt: '2026-03-02T02:30:00.000',
    });
    const result = narrowExport(input({ changes: [event(), during] }));
    expect(result.forget).toEqual(['ev2']);
    expect([...result.places.keys()]).toEqual(['ev1']);
  });
});
