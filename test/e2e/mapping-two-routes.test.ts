import { describe, expect, it } from 'vitest';
import { renderGenerate } from '../../src/cli/render-mapping-generate.ts';
import { loadMappingFile } from '../../src/config/mapping-file.ts';
import { generateMapping } from '../../src/jobs/mapping-generate.ts';
import {
  configFor,
  contextOf,
  demoSandboxes,
  expectedValues,
  get,
  sandbox,
  sync,
  targetValues,
} from './harness.ts';
import { demoMappingYaml, mappingFile } from './mapping-files.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202608', '202609', '202610'];
const ELEMENTS = ['IMM_BCG_DOSES', 'IMM_PENTA3_DOSES'];

const mapped = (values: Map<string, string>) =>
  new Map([...values].filter(([key]) => ELEMENTS.includes(key.split('|')[0]!)));

/**
 * Two routes, one answer: from one mapping file, a 2.42 tracker gets the per-combo indicators every
 * version reads, and the native disaggregated indicator (category mappings on the programme, one
 * indicator per family with its category combo); each route is synced by t2a into an HMIS of its own.
 * The two HMIS hold the same values, cell by cell, and so does the demo's hand-made mapping.
 */
// 2.42.0 takes the native form in two imports (the categories first), 2.43 in one.
describe.each(['2.42.0', '2.43'])(
  'the generated per-combo indicators and the generated disaggregated one on %s',
  async (version) => {
    const { source, target, ids } = await demoSandboxes({
      source: version,
      target: '2.41',
      facilities: 4,
      now: NOW,
    });
    const nativeTarget = await sandbox({
      dhis2Version: '2.41',
      seed: 'demo-hmis',
      now: NOW,
      facilities: 4,
    });
    const periods = `{ fixed: [${PERIODS.join(', ')}] }`;
    const perCombo = configFor({ source, target, group: ids.group, root: ids.root, periods });
    const native = configFor({
      source,
      target: nativeTarget,
      group: ids.group,
      root: ids.root,
      periods,
    });
    const groupId = async (name: string) =>
      (await get(source, `programIndicatorGroups?fields=id&filter=name:eq:${name}`))
        .programIndicatorGroups[0].id as string;
    const readGroup = (loaded: typeof perCombo.loaded, group: string) => {
      (loaded.config.jobs[0] as { programIndicators: unknown }).programIndicators = { group };
    };

    it('generates both from one file, each in one import', async () => {
      const combos = await generateMapping(
        contextOf(perCombo.loaded),
        loadMappingFile(mappingFile(demoMappingYaml())),
        { dryRun: false, removeOrphans: false, native: false },
      );
      expect(combos.errors).toBe(0);
      expect(combos.indicators.create).toHaveLength(8);
      const disaggregated = await generateMapping(
        contextOf(native.loaded),
        loadMappingFile(
          mappingFile(demoMappingYaml({ key: 'NAT', group: 'Generated immunisation native' })),
        ),
        { dryRun: false, removeOrphans: false, native: true },
      );
      expect(disaggregated.errors).toBe(0);
      expect(disaggregated.indicators.create).toHaveLength(2);
      expect(disaggregated.imports.every((report) => report.status === 'OK')).toBe(true);
      expect(disaggregated.imports).toHaveLength(version === '2.42.0' ? 2 : 1);
      const shown = renderGenerate(disaggregated);
      expect(shown).toContain('categoryMappings: none → "');
      expect(shown).toContain('"Age at the visit" (2 options)');
      expect(shown).toContain('"Sex in the register" (2 options)');
      const bcg = await get(
        source,
        'programIndicators?fields=categoryCombo[id],categoryMappingIds,aggregateExportDataElement&filter=code:eq:T2A_NAT_BCG',
      );
      expect(bcg.programIndicators[0]).toMatchObject({
        aggregateExportDataElement: 'IMM_BCG_DOSES',
      });
      expect(bcg.programIndicators[0].categoryMappingIds).toHaveLength(2);
      readGroup(perCombo.loaded, await groupId('Generated immunisation (demo)'));
      readGroup(native.loaded, await groupId('Generated immunisation native'));
    });

    it('delivers the same values, cell by cell, through either route', async () => {
      const viaCombos = await sync(perCombo.loaded);
      const viaNative = await sync(native.loaded);
      expect(viaCombos.outcome).toBe('success');
      expect(viaNative.outcome).toBe('success');
      const combos = mapped(await targetValues(target, ids.dataSet, ids.root, PERIODS));
      const disaggregated = mapped(
        await targetValues(nativeTarget, ids.dataSet, ids.root, PERIODS),
      );
      // Not trivially equal: both elements, all four combos, many values above zero.
      const keys = [...combos.keys()].map((key) => key.split('|'));
      expect(new Set(keys.map(([element]) => element))).toEqual(new Set(ELEMENTS));
      expect([...new Set(keys.map(([, combo]) => combo))].sort()).toEqual([
        '1_4Y_F',
        '1_4Y_M',
        'LT1Y_F',
        'LT1Y_M',
      ]);
      expect([...combos.values()].filter((value) => Number(value) > 0).length).toBeGreaterThan(8);
      expect(disaggregated).toEqual(combos);
      // And the demo's own indicators, written by hand, give the same cells.
      expect(combos).toEqual(mapped(await expectedValues(source, ids.group, ids.root, PERIODS)));
    });

    it('finds nothing to change when both are generated again', async () => {
      const again = await generateMapping(
        contextOf(native.loaded),
        loadMappingFile(
          mappingFile(demoMappingYaml({ key: 'NAT', group: 'Generated immunisation native' })),
        ),
        { dryRun: false, removeOrphans: false, native: true },
      );
      expect(again.imports).toEqual([]);
      expect(again.created).toEqual([]);
      expect(again.programs.update).toEqual([]);
      expect(again.indicators.unchanged).toHaveLength(2);
    });
  },
);
