import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFor, demoSandboxes, runT2a } from './harness.ts';
import { demoMappingYaml, mappingFile } from './mapping-files.ts';

const NOW = new Date('2026-11-24T08:00:00Z');

/** `t2a mapping generate` as an administrator runs it (needs `npm run build`). */
describe('t2a mapping generate on the command line', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: '2.41',
    facilities: 2,
    now: NOW,
  });
  const { file, env } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    jobExtra: '    mappingFile: mapping.yaml',
  });
  writeFileSync(join(dirname(file), 'mapping.yaml'), demoMappingYaml());

  it('shows a dry run from the job’s mapping file, and exits 0', async () => {
    const run = await runT2a(['mapping', 'generate', '--config', file, '--dry-run'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Would create 8 program indicator(s)');
    expect(run.stdout).toContain(
      'Would create the program indicator group "Generated immunisation (demo)"',
    );
    expect(run.stdout).toContain('Dry run: nothing was written.');
  });

  it('writes, and says so as JSON with DHIS2’s import report', async () => {
    const run = await runT2a(['mapping', 'generate', '--config', file, '--json'], env);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.imports[0]).toMatchObject({ status: 'OK', stats: { created: 9 } });
  });

  it('refuses a file with an unknown data element code, exit 5, nothing written', async () => {
    const bad = mappingFile(demoMappingYaml({ bcgElement: 'IMM_BCG_DOSE', bcgName: 'BCG again' }));
    const run = await runT2a(['mapping', 'generate', '--config', file, '--file', bad], env);
    expect(run.code).toBe(5);
    expect(run.stdout).toContain('unknown-data-element');
    expect(run.stdout).toContain('✖ Nothing was written');
  });
});
