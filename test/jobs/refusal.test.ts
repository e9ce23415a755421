import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isT2aError } from '../../src/core/errors.ts';
import { ERROR_KINDS, type Finding } from '../../src/core/finding.ts';
import { validateForRun } from '../../src/jobs/job-findings.ts';

const mapping = (id: string, dataElement: string) => ({
  programIndicator: id,
  name: `Indicator ${id}`,
  dataElement,
  categoryOptionCombo: undefined,
  attributeOptionCombo: undefined,
  decimals: undefined,
  aggregationType: 'COUNT',
});
const resolved = {
  job: { name: 'immunisation' },
  mappings: [mapping('PiA00000001', 'BCG'), mapping('PiB00000001', 'OPV')],
};
const finding = (kind: string, indicator?: string): Finding => ({
  kind,
  severity: 'error',
  message: `a ${kind} finding`,
  fix: 'correct it',
  ...(indicator ? { programIndicator: { id: indicator, name: indicator } } : {}),
});

/** Every error kind a code path of validation gives: `kind: '…'` with an error severity beside it. */
function errorKindsInSource(): Set<string> {
  const found = new Set<string>();
  const root = new URL('../../src/', import.meta.url).pathname;
  const files = [
    'core/validation.ts',
    'core/references.ts',
    'core/disaggregation.ts',
    'jobs/disaggregation.ts',
    'jobs/job-checks.ts',
    'jobs/job-findings.ts',
  ];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    // `severity: 'error'`, or a severity decided at run time (`severity,`: it may be an error).
    for (const match of text.matchAll(/kind: '([a-z-]+)',\s*\n\s*severity(: [^\n]+|,)/g))
      if (match[2] === ',' || /'error'|severity/.test(match[2]!)) found.add(match[1]!);
    // core/disaggregation.ts words its findings through `finding(indicator, kind, …)`: all errors.
    for (const match of text.matchAll(/finding\(\s*indicator,\s*'([a-z-]+)'/g))
      found.add(match[1]!);
  }
  const resolve = readFileSync(join(root, 'jobs/resolve-job.ts'), 'utf8');
  for (const match of resolve.matchAll(/finding: '([a-z-]+)'/g)) found.add(match[1]!);
  expect(readdirSync(join(root, 'jobs'))).toContain('job-checks.ts');
  return found;
}

describe('sync refuses every job validate refuses', () => {
  it('lists every error kind the code can give', () => {
    expect([...errorKindsInSource()].sort()).toEqual(Object.keys(ERROR_KINDS).sort());
  });

  it.each(Object.keys(ERROR_KINDS))(
    'refuses a job with a %s error (exit 5), and runs it forced',
    (kind) => {
      // Job-level and target-level alike: wherever the finding sits, the run does not start.
      for (const found of [
        { job: [finding(kind)], perTarget: [[]] },
        { job: [], perTarget: [[finding(kind)]] },
      ]) {
        let refused: unknown;
        try {
          validateForRun(resolved, found, false);
        } catch (error) {
          refused = error;
        }
        expect(isT2aError(refused) && refused.kind === 'validation', kind).toBe(true);
        expect((refused as Error).message).toContain(`a ${kind} finding`);
        expect(() => validateForRun(resolved, found, true)).not.toThrow();
      }
    },
  );

  it('withholds, when forced, only the indicators that failed, and refuses when none is left', () => {
    const one = { job: [], perTarget: [[finding('unknown-data-element', 'PiA00000001')]] };
    const failed = validateForRun(resolved, one, true);
    expect([...failed[0]!.keys()]).toEqual(['BCG||']);
    const both = {
      job: [],
      perTarget: [
        [finding('unknown-data-element', 'PiA00000001'), finding('period-type', 'PiB00000001')],
      ],
    };
    expect(() => validateForRun(resolved, both, true)).toThrow(
      /no indicator of it passes validation/,
    );
  });

  it('lets warnings through', () => {
    const warning = { ...finding('current-period-closed'), severity: 'warning' as const };
    expect(() =>
      validateForRun(resolved, { job: [warning], perTarget: [[]] }, false),
    ).not.toThrow();
  });
});
