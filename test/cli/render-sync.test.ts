import { describe, expect, it } from 'vitest';
import { exitCodeForRun } from '../../src/cli/exit-codes.ts';
import { renderSyncReport } from '../../src/cli/render-sync.ts';
import { conflictIssue, issue } from '../../src/core/issues.ts';
import {
  delivered,
  foldTargetReport,
  type JobReport,
  outcomeOf,
  summarise,
} from '../../src/core/report.ts';

const target = (name: string, dryRun: boolean, steps: Parameters<typeof delivered>[0][]) =>
  foldTargetReport(
    { target: name, dhis2Version: '2.41.0', dryRun },
    steps.map((step) => delivered(step)),
  );

const job = (targets: JobReport['targets'], extra: Partial<JobReport> = {}): JobReport => ({
  runId: '20261130T020000Z-abcdef',
  job: 'immunisation',
  source: 'tracker',
  sourceVersion: '2.41.0',
  periods: ['202610'],
  orgUnitCount: 4,
  indicators: { total: 4, mapped: 4, unmapped: 0 },
  targets,
  failedChunks: [],
  startedAt: '2026-11-30T02:00:00.000Z',
  finishedAt: '2026-11-30T02:00:05.000Z',
  ...extra,
});

const sent = {
  exported: 10,
  sent: 10,
  counts: { imported: 10, updated: 0, ignored: 0, deleted: 0 },
};

describe('how a sync report reads', () => {
  it('a dry run says what would happen, never that values arrived', () => {
    const clean = renderSyncReport(summarise([job([target('hmis', true, [sent])])]));
    expect(clean).toMatch(/✔ Dry run: every value would arrive; nothing was saved\.$/);
    expect(clean).not.toContain('Every value arrived');
    const withStale = renderSyncReport(
      summarise([
        job([
          target('hmis', true, [sent, { stale: 2, issues: [issue('would-delete', 2, ['A'])] }]),
        ]),
      ]),
    );
    // Stale values a dry run would clear are its plan, not a problem: `t2a plan` exits 0.
    expect(withStale).toMatch(/✔ Dry run: every value would arrive/);
    expect(
      exitCodeForRun(
        summarise([
          job([
            target('hmis', true, [sent, { stale: 2, issues: [issue('would-delete', 2, ['A'])] }]),
          ]),
        ]),
      ),
    ).toBe(0);
    const refused = renderSyncReport(
      summarise([
        job([
          target('hmis', true, [
            { ...sent, conflicted: 1, issues: [issue('locked-period', 1, ['202610'])] },
          ]),
        ]),
      ]),
    );
    expect(refused).toMatch(
      /⚠ Dry run: incomplete — some values would not arrive \(see above\); nothing was saved\.$/,
    );
  });

  it('labels DHIS2’s messages as DHIS2’s, and t2a’s own refusals as its own', () => {
    const text = renderSyncReport(
      summarise([
        job([
          target('hmis', false, [
            {
              ...sent,
              conflicted: 1,
              issues: [
                conflictIssue({
                  cause: 'locked-period',
                  count: 1,
                  objects: { period: '202610' },
                  message: 'Period: 202610 is after latest open future period',
                  indexes: [0],
                  errorCode: 'E7641',
                }),
                issue(
                  'deletion-withheld',
                  40,
                  ['A 202610 ou1'],
                  'Not deleted: 40 of 50 values (80 %) exceed maxDeleteShare 0.2.',
                ),
              ],
            },
          ]),
        ]),
      ]),
    );
    expect(text).toContain('      DHIS2: Period: 202610 is after latest open future period');
    expect(text).toContain('      Not deleted: 40 of 50 values');
    expect(text).not.toContain('DHIS2: Not deleted');
  });

  it('says the Total line adds targets up, when there are several', () => {
    const one = renderSyncReport(summarise([job([target('hmis', false, [sent])])]));
    expect(one).toMatch(/^Total: 10 exported, 0 withheld, 0 zeros not stored/m);
    const two = renderSyncReport(
      summarise([job([target('hmis', false, [sent]), target('hmis2', false, [sent])])]),
    );
    expect(two).toMatch(
      /^Total \(exported once per job; the rest added over 2 targets\): 10 exported, .* 20 sent/m,
    );
  });

  it('calls a run that exported nothing empty, never "every value arrived", with what to check, exit 8', () => {
    const nothing = {
      exported: 0,
      sent: 0,
      counts: { imported: 0, updated: 0, ignored: 0, deleted: 0 },
    };
    const report = summarise([job([target('hmis', false, [nothing])], { orgUnitCount: 40 })]);
    expect(report.outcome).toBe('empty');
    const text = renderSyncReport(report);
    expect(text).not.toContain('Every value arrived');
    expect(text).toContain(
      '✖ Empty: the source gave no value at all (1 period(s), 40 org unit(s))',
    );
    expect(text).toMatch(/analytics: has the source's analytics run/);
    expect(exitCodeForRun(report)).toBe(8);
    // One job with values makes the run no longer empty.
    expect(
      summarise([job([target('hmis', false, [nothing])]), job([target('hmis', false, [sent])])])
        .outcome,
    ).toBe('success');
  });

  it('calls a run whose chunks failed on the network failed, not "incomplete"', () => {
    const failedChunk = {
      periods: ['202610'],
      orgUnits: 'Ngelehun CHC (DiszpKrYNg8)',
      error: 'import into hmis: Cannot reach hmis at https://hmis.example.org: ECONNRESET.',
      fix: undefined,
    };
    const report = job([target('hmis', false, [sent])], { failedChunks: [failedChunk] });
    expect(outcomeOf([report])).toBe('failed');
    const text = renderSyncReport(summarise([report]));
    expect(text).toContain(
      '  ✖ Chunk failed: periods 202610, org units Ngelehun CHC (DiszpKrYNg8)',
    );
    expect(text).not.toContain('after retries');
  });
});
