import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { T2aError } from '../../src/core/errors.ts';
import { mappingFileFor, readJobMappingFile } from '../../src/jobs/mapping-file.ts';
import type { RunningSandbox } from '../../src/sandbox/index.ts';
import { configFor, contextOf } from '../e2e/harness.ts';
import { demoMappingYaml } from '../e2e/mapping-files.ts';

/** A configuration on no server at all: the mapping file is read, nothing is asked. */
const nowhere = { baseUrl: 'http://127.0.0.1:9' } as RunningSandbox;

function configWith(jobExtra: string) {
  const { file, loaded } = configFor({
    source: nowhere,
    target: 'same',
    group: 'DemoPiGrp01',
    root: 'DemoRoot001',
    jobExtra,
  });
  return { dir: dirname(file), ctx: contextOf(loaded) };
}

describe('a job’s mapping file', () => {
  it('is read relative to the configuration when --file is not given', () => {
    const { dir, ctx } = configWith('    mappingFile: mapping.yaml');
    writeFileSync(join(dir, 'mapping.yaml'), demoMappingYaml());
    expect(mappingFileFor(ctx, undefined).path).toBe(join(dir, 'mapping.yaml'));
    expect(readJobMappingFile(ctx, 'immunisation')).toMatchObject({
      path: join(dir, 'mapping.yaml'),
      key: 'DEMO',
      families: 2,
      text: demoMappingYaml(),
    });
  });

  it('is shown with its problem where it does not read', () => {
    const { dir, ctx } = configWith('    mappingFile: mapping.yaml');
    writeFileSync(join(dir, 'mapping.yaml'), demoMappingYaml().replace('key: DEMO', 'key: DE-MO'));
    const shown = readJobMappingFile(ctx, 'immunisation');
    expect(shown && 'problem' in shown && shown.problem).toContain('1 to 12 letters or digits');
  });

  it('is asked for by name when neither --file nor the job gives one', () => {
    const { ctx } = configWith('');
    expect(readJobMappingFile(ctx, 'immunisation')).toBeUndefined();
    expect(() => mappingFileFor(ctx, undefined)).toThrow(T2aError);
    expect(() => mappingFileFor(ctx, undefined)).toThrow('names no mapping file');
  });
});
