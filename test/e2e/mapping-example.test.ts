import { describe, expect, it } from 'vitest';
import { loadMappingFile } from '../../src/config/mapping-file.ts';
import { generateMapping } from '../../src/jobs/mapping-generate.ts';
import { packagePath, REAL_PACKAGES, withPackages } from '../packages.ts';
import { configFor, contextOf, get, sandbox, send } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const EXAMPLE = new URL('../../examples/mapping.yaml', import.meta.url).pathname;

/**
 * examples/mapping.yaml against the packages it describes: WHO's TB household contacts tracker in a
 * 2.39 source, the TB aggregate package (2026, for 2.41) in a 2.41 target. That package's age combos
 * carry no code, though the tracker package's own indicators name them TB_0004Y and TB_05PLUSY (a
 * real mapping problem, test/jobs/real-pairs.ts): the file is refused until they do, then writes the
 * split the package's own indicators give.
 */
describe('the example mapping file on the TB packages', withPackages, async () => {
  // Collected even when the group is skipped: without the packages, register the group's place only.
  if (!REAL_PACKAGES.available) {
    it('needs the real packages', () => {});
    return;
  }
  const source = await sandbox({
    dhis2Version: '2.39',
    seed: 'empty',
    now: NOW,
    facilities: 2,
    metadata: [packagePath('TB_HH/TB_HH_TRK_DHIS2.39.4-en.metadata.json')],
  });
  const target = await sandbox({
    dhis2Version: '2.41',
    seed: 'empty',
    now: NOW,
    facilities: 2,
    metadata: [packagePath('TB_AGG/TB_AGG_AGG_DHIS2.41.6.1-en.2026-02-09.metadata.json')],
  });
  const { loaded } = configFor({
    source,
    target,
    group: 'unused0000a',
    root: source.seed.root,
    jobExtra: '    periodType: Quarterly',
  });
  const generate = (dryRun: boolean) =>
    generateMapping(contextOf(loaded), loadMappingFile(EXAMPLE), {
      dryRun,
      removeOrphans: false,
      native: false,
    });

  it('is refused while the HMIS’s age combos have no code, naming each combo to fix', async () => {
    const result = await generate(true);
    const errors = result.findings.filter((f) => f.severity === 'error');
    expect(errors).toHaveLength(8);
    expect(new Set(errors.map((f) => f.kind))).toEqual(new Set(['generate-combo-without-code']));
    expect(new Set(errors.map((f) => f.fix))).toEqual(
      new Set([
        'Give the option combo zLdIril7V4x a code in the target (Maintenance app), then generate again.',
        'Give the option combo E7s0OGbpDDC a code in the target (Maintenance app), then generate again.',
      ]),
    );
    expect(result.imports).toEqual([]);
  });

  it('checks clean once they carry the codes the package’s own indicators use', async () => {
    await send(target, 'PATCH', 'categoryOptionCombos/zLdIril7V4x', { code: 'TB_0004Y' });
    await send(target, 'PATCH', 'categoryOptionCombos/E7s0OGbpDDC', { code: 'TB_05PLUSY' });
    const result = await generate(true);
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const made = result.indicators.create.map(
      (object) =>
        `${(object.fields.attributeValues as { value: string }[])[0]!.value} ${object.fields.aggregateExportCategoryOptionCombo}`,
    );
    expect(made.sort()).toEqual(
      ['IDENTIFIED', 'SCREENED', 'TPT_ELIGIBLE', 'TPT_STARTED']
        .flatMap((family) => [
          `TB_HH_CONTACTS_${family} TB_0004Y`,
          `TB_HH_CONTACTS_${family} TB_05PLUSY`,
        ])
        .sort(),
    );
  });

  it('writes them, and a second run changes nothing', async () => {
    const written = await generate(false);
    expect(written.imports[0]).toMatchObject({ status: 'OK', stats: { created: 9 } });
    const pis = await get(
      source,
      'programIndicators?fields=code,filter,analyticsType&filter=code:like:T2A_TBHH_&paging=false',
    );
    expect(pis.programIndicators).toHaveLength(8);
    const under5 = pis.programIndicators.find(
      (pi: { code: string }) => pi.code === 'T2A_TBHH_SCREENED_P0Y--P4Y',
    );
    expect(under5).toEqual({
      code: 'T2A_TBHH_SCREENED_P0Y--P4Y',
      analyticsType: 'ENROLLMENT',
      filter:
        '(#{exuCK1K3A3Q.BMriHTRrSiC} == 1) && (d2:yearsBetween(A{NI0QRzJvQ0k}, V{enrollment_date}) < 5)',
    });
    expect((await generate(false)).imports).toEqual([]);
  });
});
