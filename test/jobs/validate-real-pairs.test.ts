import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  indicatorsFromExport,
  sourceFromExport,
  targetFromExport,
} from '../../src/core/mapping-metadata.ts';
import { validateMapping } from '../../src/core/validation.ts';
import { validateOffline } from '../../src/jobs/validate-offline.ts';
import { packagePath, withPackages } from '../packages.ts';
import { REAL_PAIRS } from './real-pairs.ts';

/** The kinds the independent script looked for. */
const ORACLE_KINDS = new Set([
  'unknown-data-element',
  'unknown-category-option-combo',
  'category-option-combo-not-in-combo',
  'unknown-attribute-option-combo',
  'period-type',
  'no-data-set',
  'unmapped-indicator',
  'broken-reference',
]);

const read = (file: string) => JSON.parse(readFileSync(packagePath(file), 'utf8'));

describe(
  'offline validation of the real package pairs, against an independent reading',
  withPackages,
  () => {
    for (const pair of REAL_PAIRS) {
      it(`${pair.name}: ${pair.findings.length} finding(s), each indicator named`, () => {
        const report = validateOffline({
          sourceFiles: pair.source.map((file) => packagePath(file)),
          targetFiles: [packagePath(pair.target)],
          mappingAttribute: 'vudyDP7jUy5',
        });
        const found = report.findings
          .filter((finding) => ORACLE_KINDS.has(finding.kind))
          .map((finding) => `${finding.kind} ${finding.programIndicator?.id}`)
          .sort();
        expect(found).toEqual(pair.findings);
        if (pair.source.length === 1)
          expect(report).toMatchObject({ indicators: pair.indicators, mapped: pair.mapped });
      });
    }
  },
);

describe('what the real packages do not show, made from them in memory', withPackages, () => {
  const TB_HH = 'TB_HH/TB_HH_TRK_DHIS2.39.4-en.metadata.json';
  const TB_AGG = 'TB_AGG/TB_AGG_AGG_DHIS2.41.6.1-en.2026-02-09.metadata.json';

  it('takes the period type from the package’s aggregate data exchanges, and a job’s over it', () => {
    const source = read(TB_HH);
    const target = targetFromExport([read(TB_AGG)]);
    const options = { mappingAttribute: 'vudyDP7jUy5', source: sourceFromExport([source]) };
    const indicators = indicatorsFromExport([source]);
    const periodFindings = (periodType?: string) =>
      validateMapping(indicators, target, { ...options, periodType })
        .filter((finding) => finding.kind === 'period-type')
        .map((finding) => finding.programIndicator!.id)
        .sort();
    // The exchanges export LAST_4_QUARTERS, and the 12 mapped indicators whose data elements exist sit in
    // quarterly data sets.
    expect(periodFindings()).toEqual([]);
    const known = indicators.filter((pi) =>
      validateMapping([pi], target, options).every((f) => f.kind !== 'unknown-data-element'),
    );
    const mappedKnown = known.filter((pi) => pi.attributeValues?.some((a) => a.value.trim()));
    expect(periodFindings('Monthly')).toEqual(mappedKnown.map((pi) => pi.id).sort());
    expect(mappedKnown).toHaveLength(12);
  });

  it('calls an unmapped indicator that an exchange exports an error, and leaves the others', () => {
    const source = read(TB_HH);
    const exported = source.aggregateDataExchanges[0].source.requests[0].dx[0];
    const unmapped = source.programIndicators.find((pi: { id: string }) => pi.id === exported);
    unmapped.attributeValues = [];
    const findings = validateMapping(
      indicatorsFromExport([source]),
      targetFromExport([read(TB_AGG)]),
      { mappingAttribute: 'vudyDP7jUy5', source: sourceFromExport([source]) },
    ).filter((finding) => finding.kind === 'unmapped-indicator');
    // The package's three indicators that were never mapped are in no exchange.
    expect(findings.map((finding) => finding.programIndicator!.id)).toEqual([exported]);
    expect(findings[0]!.message).toMatch(/aggregate data exchange "TB HH - /);
  });

  it('names a reference to a data element that is not in its stage, and an attribute of no programme', () => {
    const source = read(TB_HH);
    const pi = source.programIndicators.find((candidate: { filter?: string }) =>
      candidate.filter?.includes('#{spe72N5wdi5.PggltT3qKDt}'),
    );
    pi.filter = `${pi.filter} && #{spe72N5wdi5.AAAAAAAAAAA} == 1 && A{BBBBBBBBBBB} == 'x'`;
    const broken = validateMapping(
      indicatorsFromExport([source]),
      targetFromExport([read(TB_AGG)]),
      {
        mappingAttribute: 'vudyDP7jUy5',
        source: sourceFromExport([source]),
      },
    ).filter((finding) => finding.kind === 'broken-reference');
    expect(broken.map((finding) => finding.message)).toEqual([
      expect.stringContaining('#{spe72N5wdi5.AAAAAAAAAAA}: the data element is not in that stage'),
      expect.stringContaining("A{BBBBBBBBBBB}: the attribute is not one of the programme's"),
    ]);
  });
});
