import { describe, expect, it } from 'vitest';
import { validateLive } from '../../src/jobs/validate-live.ts';
import { validateOffline } from '../../src/jobs/validate-offline.ts';
import { REAL_PAIRS } from '../jobs/real-pairs.ts';
import { packagePath, withPackages } from '../packages.ts';
import { configFor, contextOf, sandbox } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
/** Findings about indicators' mappings and expressions, which offline and live checks share. */
const MAPPING_KINDS = new Set([
  'unknown-data-element',
  'unknown-category-option-combo',
  'category-option-combo-not-in-combo',
  'unknown-attribute-option-combo',
  'period-type',
  'no-data-set',
  'broken-reference',
]);
const keyed = (
  findings: readonly { kind: string; programIndicator?: { id: string } | undefined }[],
) =>
  findings
    .filter((finding) => MAPPING_KINDS.has(finding.kind))
    .map((finding) => `${finding.kind} ${finding.programIndicator?.id}`)
    .sort();

/** One real pair loaded into two sandboxes, and a job over every indicator of the source package. */
async function live(pairName: string, periodType: string) {
  const pair = REAL_PAIRS.find((candidate) => candidate.name === pairName)!;
  const source = await sandbox({
    dhis2Version: '2.41',
    seed: 'empty',
    now: NOW,
    facilities: 2,
    metadata: pair.source.map((file) => packagePath(file)),
  });
  const target = await sandbox({
    dhis2Version: '2.42',
    seed: 'empty',
    now: NOW,
    facilities: 2,
    metadata: [packagePath(pair.target)],
  });
  const { loaded } = configFor({
    source,
    target,
    group: 'unused0000a',
    root: source.seed.root,
    jobExtra: `    periodType: ${periodType}`,
  });
  (loaded.config.jobs[0] as { programIndicators: unknown }).programIndicators = {
    ids: source.context.metadata.list('programIndicators').map((pi) => pi.id),
  };
  const offline = validateOffline({
    sourceFiles: pair.source.map((file) => packagePath(file)),
    targetFiles: [packagePath(pair.target)],
    mappingAttribute: 'vudyDP7jUy5',
    periodType,
  });
  const report = await validateLive(contextOf(loaded));
  return { pair, offline: keyed(offline.findings), live: keyed(report.jobs[0]!.findings) };
}

describe('the same findings offline and live, for the real pairs', withPackages, () => {
  it('TB household contacts into the 2026 TB package (quarterly): unknown codes, combos without codes', async () => {
    const {
      pair,
      offline,
      live: found,
    } = await live('TB_HH -> TB_AGG 2026 (2.41.6.1)', 'Quarterly');
    expect(found).toEqual(offline);
    expect(found).toEqual(pair.findings);
  });

  it('immunisation into the 2023 EPI package (monthly): a combo of another category combo, named so live too', async () => {
    const {
      pair,
      offline,
      live: found,
    } = await live('IMM_EIR -> IMM_AGG 2023 (2.39.1.1)', 'Monthly');
    expect(found).toEqual(offline);
    expect(found).toEqual(pair.findings);
  });

  it('the integration-t2a registry: indicators that name a stage the package does not have', async () => {
    const {
      pair,
      offline,
      live: found,
    } = await live('integration-t2a -> IMM_AGG 2025 (2.40.5)', 'Monthly');
    expect(found).toEqual(offline);
    expect(found).toEqual(pair.findings);
  });
});
