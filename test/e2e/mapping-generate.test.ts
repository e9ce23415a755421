import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exitCodeForGenerate } from '../../src/cli/exit-codes.ts';
import { renderGenerate } from '../../src/cli/render-mapping-generate.ts';
import { loadConfig } from '../../src/config/load.ts';
import { loadMappingFile } from '../../src/config/mapping-file.ts';
import { type GenerateOptions, generateMapping } from '../../src/jobs/mapping-generate.ts';
import { configFor, contextOf, demoSandboxes, get } from './harness.ts';
import { demoMappingYaml, mappingFile } from './mapping-files.ts';

const NOW = new Date('2026-11-24T08:00:00Z');
const WRITE: GenerateOptions = { dryRun: false, removeOrphans: false, native: false };
const BCG_FILTER = "#{DemoVaccStg.DemoDeVacc1} == 'BCG' && #{DemoVaccStg.DemoDeDose1} == 1";

type Sandbox = Awaited<ReturnType<typeof demoSandboxes>>['source'];

/** The indicators the file keyed DEMO made on the source, by code. */
async function generated(source: Sandbox): Promise<Map<string, any>> {
  const body = await get(
    source,
    'programIndicators?fields=:owner,programIndicatorGroups[id,name]&filter=code:like:T2A_DEMO_&paging=false',
  );
  return new Map(body.programIndicators.map((pi: any) => [pi.code, pi]));
}

describe.each(['2.36', '2.39', '2.42'])(
  't2a mapping generate into a %s tracker',
  async (version) => {
    const { source, target, ids } = await demoSandboxes({
      source: version,
      target: '2.41',
      facilities: 2,
      now: NOW,
    });
    const { loaded } = configFor({ source, target, group: ids.group, root: ids.root });
    const generate = (yaml: string, options: Partial<GenerateOptions> = {}) =>
      generateMapping(contextOf(loaded), loadMappingFile(mappingFile(yaml)), {
        ...WRITE,
        ...options,
      });

    it('shows on a dry run the indicators and the group it would create, and writes nothing', async () => {
      const result = await generate(demoMappingYaml(), { dryRun: true });
      expect(result.errors).toBe(0);
      expect(result.indicators.create.map((object) => object.fields.code).sort()).toEqual([
        'T2A_DEMO_BCG_1_4Y_F',
        'T2A_DEMO_BCG_1_4Y_M',
        'T2A_DEMO_BCG_LT1Y_F',
        'T2A_DEMO_BCG_LT1Y_M',
        'T2A_DEMO_PENTA3_1_4Y_F',
        'T2A_DEMO_PENTA3_1_4Y_M',
        'T2A_DEMO_PENTA3_LT1Y_F',
        'T2A_DEMO_PENTA3_LT1Y_M',
      ]);
      expect(result.groups).toMatchObject([
        { name: 'Generated immunisation (demo)', create: true },
      ]);
      expect(result.imports).toEqual([]);
      expect(renderGenerate(result)).toContain('Would create 8 program indicator(s)');
      expect((await generated(source)).size).toBe(0);
    });

    it('writes one indicator per combo in one import, each as the implementation guide sets it up', async () => {
      const result = await generate(demoMappingYaml());
      expect(result.imports).toHaveLength(1);
      expect(result.imports[0]).toMatchObject({ status: 'OK', stats: { created: 9, ignored: 0 } });
      const written = await generated(source);
      expect(written.size).toBe(8);
      const pi = written.get('T2A_DEMO_BCG_LT1Y_F');
      expect(pi).toMatchObject({
        name: 'BCG doses given, <1 year, Female',
        shortName: 'BCG doses given LT1Y F',
        program: { id: 'DemoEirPrg1' },
        expression: 'V{event_count}',
        filter: `(${BCG_FILTER}) && (d2:yearsBetween(A{DemoTeaDob1}, V{event_date}) < 1) && (A{DemoTeaSex1} == 'FEMALE')`,
        aggregationType: 'COUNT',
        analyticsType: 'EVENT',
        decimals: 0,
        aggregateExportCategoryOptionCombo: 'LT1Y_F',
        attributeValues: [{ attribute: { id: 'vudyDP7jUy5' }, value: 'IMM_BCG_DOSES' }],
      });
      expect(
        pi.analyticsPeriodBoundaries.map((b: any) => b.analyticsPeriodBoundaryType).sort(),
      ).toEqual(['AFTER_START_OF_REPORTING_PERIOD', 'BEFORE_END_OF_REPORTING_PERIOD']);
      expect(pi.programIndicatorGroups.map((g: any) => g.name)).toEqual([
        'Generated immunisation (demo)',
      ]);
      expect(renderGenerate(result)).toContain('Created 8 program indicator(s)');
    });

    it('finds nothing to change on a second run: the same UIDs, names and fields', async () => {
      const before = [...(await generated(source)).values()].map((pi) => pi.id).sort();
      const again = await generate(demoMappingYaml());
      expect(again.imports).toEqual([]);
      expect(again.indicators.create).toEqual([]);
      expect(again.indicators.update).toEqual([]);
      expect(again.indicators.unchanged).toHaveLength(8);
      expect(again.groups).toEqual([]);
      expect([...(await generated(source)).values()].map((pi) => pi.id).sort()).toEqual(before);
      expect(renderGenerate(again)).toContain('Nothing to change');
    });

    it('changes, field by field, the indicators an edited file describes otherwise', async () => {
      const edited = demoMappingYaml({
        bcgName: 'BCG given',
        maleFilter: "A{DemoTeaSex1} == 'MALE' && d2:hasValue(A{DemoTeaDob1})",
      });
      const planned = await generate(edited, { dryRun: true });
      // The 4 BCG indicators change name; the 2 Penta male ones their filter; BCG male both.
      expect(planned.indicators.update).toHaveLength(6);
      const bcgMale = planned.indicators.update.find(
        (change) => change.desired.fields.code === 'T2A_DEMO_BCG_LT1Y_M',
      )!;
      expect(bcgMale.changes.map((c) => c.field).sort()).toEqual(['filter', 'name', 'shortName']);
      expect(bcgMale.changes.find((c) => c.field === 'name')).toMatchObject({
        from: 'BCG doses given, <1 year, Male',
        to: 'BCG given, <1 year, Male',
      });
      const result = await generate(edited);
      expect(result.imports[0]).toMatchObject({ status: 'OK', stats: { updated: 6, created: 0 } });
      expect((await generated(source)).get('T2A_DEMO_BCG_1_4Y_F').name).toBe(
        'BCG given, 1-4 years, Female',
      );
      expect((await generate(edited)).imports).toEqual([]);
    });

    it('lists the indicators of a family the file dropped, and removes them only with --remove-orphans', async () => {
      const dropped = demoMappingYaml({ withoutPenta: true });
      const kept = await generate(dropped);
      expect(kept.orphans.map((pi) => pi.code).sort()).toEqual([
        'T2A_DEMO_PENTA3_1_4Y_F',
        'T2A_DEMO_PENTA3_1_4Y_M',
        'T2A_DEMO_PENTA3_LT1Y_F',
        'T2A_DEMO_PENTA3_LT1Y_M',
      ]);
      expect(renderGenerate(kept)).toContain('kept: run again with --remove-orphans');
      expect((await generated(source)).size).toBe(8);
      const dry = await generate(dropped, { removeOrphans: true, dryRun: true });
      expect(dry.groups[0]!.removed).toHaveLength(4);
      expect((await generated(source)).size).toBe(8);
      const removed = await generate(dropped, { removeOrphans: true });
      expect(removed.deleted).toHaveLength(4);
      expect(removed.imports.at(-1)).toMatchObject({ status: 'OK', stats: { deleted: 4 } });
      const left = await generated(source);
      expect([...left.keys()].every((code) => code.startsWith('T2A_DEMO_BCG_'))).toBe(true);
      const group = await get(
        source,
        `programIndicatorGroups?fields=name,programIndicators[id]&filter=name:eq:Generated immunisation (demo)`,
      );
      expect(group.programIndicatorGroups[0].programIndicators).toHaveLength(4);
      expect((await generate(dropped, { removeOrphans: true })).orphans).toEqual([]);
    });
  },
);

describe('t2a mapping generate refuses the whole write', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.40',
    target: '2.41',
    facilities: 2,
    now: NOW,
  });
  const { loaded } = configFor({ source, target, group: ids.group, root: ids.root });
  const generate = (yaml: string) =>
    generateMapping(contextOf(loaded), loadMappingFile(mappingFile(yaml)), WRITE);

  it('on a filter the source cannot parse, naming the family and the parser’s words', async () => {
    const result = await generate(
      demoMappingYaml({ bcgFilter: "#{DemoVaccStg.NoSuchDe001} == 'BCG'" }),
    );
    const invalid = result.findings.filter((f) => f.kind === 'generate-invalid-expression');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]!.message).toContain('family "BCG" (filter)');
    expect(invalid[0]!.message).toContain('NoSuchDe001');
    // Said once, for the family: not again for each of its indicators by validation.
    expect(result.errors).toBe(1);
    expect(result.imports).toEqual([]);
    expect(renderGenerate(result)).toContain('Nothing was written');
    expect(exitCodeForGenerate(result)).toBe(5);
    expect((await generated(source)).size).toBe(0);
  });

  it('on a data element code the target lacks', async () => {
    const result = await generate(demoMappingYaml({ bcgElement: 'IMM_BCG_DOSE' }));
    const unknown = result.findings.find((f) => f.kind === 'unknown-data-element');
    expect(unknown?.severity).toBe('error');
    expect(unknown?.message).toContain('IMM_BCG_DOSE');
    expect(result.imports).toEqual([]);
    expect((await generated(source)).size).toBe(0);
  });

  it('on an option code the target’s category lacks, naming the target’s category', async () => {
    const result = await generate(
      demoMappingYaml({
        sexOptions: "      F: A{DemoTeaSex1} == 'FEMALE'\n      MALE: A{DemoTeaSex1} == 'MALE'",
      }),
    );
    const unknown = result.findings.find((f) => f.kind === 'generate-unknown-option');
    expect(unknown?.message).toContain('no option with code "MALE"');
    expect(result.findings.map((f) => f.kind)).toContain('generate-option-not-mapped');
    expect(result.imports).toEqual([]);
    expect((await generated(source)).size).toBe(0);
  });
});

describe('t2a mapping generate shows the import report of a source that refuses it', async () => {
  const CLERK = { username: 'pi-clerk', password: 'Clerk-2026!' };
  const { source, target, ids } = await demoSandboxes({
    source: '2.42',
    target: '2.41',
    facilities: 2,
    now: NOW,
    sourceUsers: [{ ...CLERK, authorities: ['M_dhis-web-maintenance'] }],
  });
  const { file, env } = configFor({ source, target, group: ids.group, root: ids.root });
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(
      'auth: { username: admin, password: "${SOURCE_PASSWORD}" }',
      `auth: { username: ${CLERK.username}, password: "${CLERK.password}" }`,
    ),
  );
  const loaded = loadConfig(file, env);

  it('names each refusal (E3000), writes nothing, and says the import was atomic', async () => {
    const result = await generateMapping(
      contextOf(loaded),
      loadMappingFile(mappingFile(demoMappingYaml())),
      WRITE,
    );
    expect(result.errors).toBe(0);
    expect(result.imports).toHaveLength(1);
    const report = result.imports[0]!;
    expect(report.status).toBe('ERROR');
    expect(report.errors.length).toBeGreaterThanOrEqual(8);
    expect(report.errors.every((error) => error.errorCode === 'E3000')).toBe(true);
    const text = renderGenerate(result);
    expect(text).toContain('E3000 User `pi-clerk');
    expect(text).toContain('nothing of it was written');
    expect(exitCodeForGenerate(result)).toBe(4);
    expect((await generated(source)).size).toBe(0);
  });
});
