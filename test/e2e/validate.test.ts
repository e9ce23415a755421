import { beforeAll, describe, expect, it } from 'vitest';
import { mappingFromCsv, mappingToCsv } from '../../src/core/mapping-table.ts';
import { Dhis2Client } from '../../src/dhis2/client.ts';
import { applyMapping, exportMapping } from '../../src/jobs/mapping.ts';
import { setupAttribute } from '../../src/jobs/setup.ts';
import { validateLive } from '../../src/jobs/validate-live.ts';
import { validateOffline } from '../../src/jobs/validate-offline.ts';
import { silentLogger } from '../../src/log.ts';
import { packagePath, withPackages } from '../packages.ts';
import { configFor, contextOf, sandbox } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const kinds = (findings: readonly { kind: string; severity: string }[]) => {
  const counts: Record<string, number> = {};
  for (const f of findings)
    counts[`${f.severity}:${f.kind}`] = (counts[`${f.severity}:${f.kind}`] ?? 0) + 1;
  return counts;
};

describe('t2a validate offline, on the real package pairs', withPackages, () => {
  it('finds the renamed data element codes between the 2025 immunisation packages, with the closest codes', () => {
    const report = validateOffline({
      sourceFiles: [packagePath('IMM_EIR/IMM_EIR_TRK_DHIS2.40.5-en.metadata.json')],
      targetFiles: [packagePath('IMM_AGG/IMM_AGG_AGG_DHIS2.40.5-en.2025-01-14.metadata.json')],
      mappingAttribute: 'vudyDP7jUy5',
    });
    expect(report).toMatchObject({ indicators: 126, mapped: 38, errors: 38 });
    const bcg = report.findings.find((f) => f.dataElement === 'EPI_BCG_GIVEN');
    expect(bcg?.suggestions).toContain('EPI_BCG_ADMINISTERED');
  });

  it('finds combos from another category combo against the 2023 aggregate package', () => {
    const report = validateOffline({
      sourceFiles: [packagePath('IMM_EIR/IMM_EIR_TRK_DHIS2.40.5-en.metadata.json')],
      targetFiles: [packagePath('IMM_AGG/IMM_AGG_AGG_DHIS2.39.1.1-en.2023-03-06.metadata.json')],
      mappingAttribute: 'vudyDP7jUy5',
    });
    expect(kinds(report.findings)).toMatchObject({
      'error:category-option-combo-not-in-combo': 4,
      'error:unknown-data-element': 2,
    });
  });

  it('reports nothing wrong for the clean COVID-19 pair', () => {
    const report = validateOffline({
      sourceFiles: [packagePath('CVC_EIR/CVC_EIR_TRK_DHIS2.39.0-en.metadata.json')],
      targetFiles: [packagePath('CVC_EIR/CVC_EIR_AGG_AGG_DHIS2.38.2-en.metadata.json')],
      mappingAttribute: 'vudyDP7jUy5',
      periodType: 'Daily',
    });
    expect(report).toMatchObject({ mapped: 13, errors: 0 });
  });
});

describe('t2a validate against live instances loaded with the real packages', withPackages, () => {
  let loaded: ReturnType<typeof configFor>['loaded'];
  beforeAll(async () => {
    const source = await sandbox({
      dhis2Version: '2.40',
      seed: 'empty',
      now: NOW,
      facilities: 6,
      metadata: [packagePath('TB_HH/TB_HH_TRK_DHIS2.39.4-en.metadata.json')],
    });
    const target = await sandbox({
      dhis2Version: '2.41',
      seed: 'empty',
      now: NOW,
      facilities: 6,
      orgUnitIds: 'distinct',
      metadata: [packagePath('TB_AGG/TB_AGG_AGG_DHIS2.41.6.1-en.2026-02-09.metadata.json')],
    });
    const ids = source.context.metadata.list('programIndicators').map((pi) => pi.id);
    ({ loaded } = configFor({
      source,
      target,
      group: 'unused0000a',
      root: source.seed.root,
      periods: '{ fixed: [2026Q2] }',
      jobExtra: '    periodType: Quarterly',
    }));
    const job = loaded.config.jobs[0]!;
    (job as { programIndicators: unknown }).programIndicators = { ids };
  });

  it('lists each mapping problem, and the org units the target lacks by name and path', async () => {
    const report = await validateLive(contextOf(loaded));
    const findings = report.jobs[0]!.findings;
    expect(kinds(findings)).toMatchObject({
      'error:unmapped-indicator': 3,
      'error:unknown-category-option-combo': 14,
      'error:unknown-data-element': 2,
      'error:org-unit-missing': 1,
    });
    const missing = findings.find((f) => f.kind === 'org-unit-missing')!;
    expect(missing.message).toMatch(
      /6 org unit\(s\) of the job do not exist in hmis under UID: .*Health Centre.* \(\/\w{11}\//,
    );
    expect(report.errors).toBeGreaterThan(0);
  });
});

describe('t2a setup and the mapping round trip', async () => {
  const source = await sandbox({
    dhis2Version: '2.40',
    seed: 'demo-tracker',
    now: NOW,
    facilities: 3,
    months: 1,
    runAnalytics: true,
  });
  const target = await sandbox({
    dhis2Version: '2.40',
    seed: 'demo-hmis',
    now: NOW,
    facilities: 3,
  });
  const { loaded } = configFor({ source, target, group: 'DemoPiGrp01', root: source.seed.root });

  it('reports a clean demo mapping as clean', async () => {
    const report = await validateLive(contextOf(loaded));
    expect(report.errors).toBe(0);
  });

  it('creates the mapping attribute once, and finds it afterwards', async () => {
    const empty = await sandbox({ dhis2Version: '2.40', seed: 'empty', facilities: 1 });
    const client = new Dhis2Client(
      {
        name: 'empty',
        url: empty.baseUrl,
        auth: { kind: 'basic', username: 'admin', password: 'district' },
        timeoutMs: 5000,
        retries: 0,
        retryDelayMs: 0,
      },
      silentLogger(),
    );
    expect(await setupAttribute(client)).toEqual({ attribute: 'vudyDP7jUy5', action: 'created' });
    expect(await setupAttribute(client)).toEqual({ attribute: 'vudyDP7jUy5', action: 'found' });
    expect(empty.context.metadata.get('attributes', 'vudyDP7jUy5')).toMatchObject({
      valueType: 'TEXT',
      programIndicatorAttribute: true,
      unique: false,
      mandatory: false,
    });
  });

  it('changes exactly the rows edited, and touches nothing else of the indicators', async () => {
    const before = await exportMapping(contextOf(loaded));
    const csv = mappingToCsv(before);
    const edited = csv.replace(/^(DemoPi30000,.*?),IMM_MR1_DOSES,/m, '$1,IMM_PENTA3_DOSES,');
    expect(edited).not.toBe(csv);
    const refused = await applyMapping(
      contextOf(loaded),
      mappingFromCsv(csv.replace(/^(DemoPi30000,.*?),IMM_MR1_DOSES,/m, '$1,IMM_NOPE,'), 'm.csv'),
      { dryRun: false },
    );
    expect(refused.refused).toEqual([
      'DemoPi30000: data element code "IMM_NOPE" does not exist in the target.',
    ]);
    expect(refused.written).toBe(0);
    const untouched = source.context.metadata.get('programIndicators', 'DemoPi30000')!;
    const applied = await applyMapping(contextOf(loaded), mappingFromCsv(edited, 'm.csv'), {
      dryRun: false,
    });
    expect(applied.changes).toEqual([
      {
        programIndicator: 'DemoPi30000',
        name: untouched.name,
        field: 'dataElement',
        from: 'IMM_MR1_DOSES',
        to: 'IMM_PENTA3_DOSES',
      },
    ]);
    const after = await exportMapping(contextOf(loaded));
    const changed = after.filter((row, i) => JSON.stringify(row) !== JSON.stringify(before[i]));
    expect(changed.map((row) => [row.programIndicator, row.dataElement])).toEqual([
      ['DemoPi30000', 'IMM_PENTA3_DOSES'],
    ]);
    const written = source.context.metadata.get('programIndicators', 'DemoPi30000')!;
    expect({ ...written, attributeValues: undefined }).toEqual({
      ...untouched,
      attributeValues: undefined,
    });
  });
});
