import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { configJsonSchema } from '../../src/config/schema.ts';

const dir = mkdtempSync(join(tmpdir(), 't2a-config-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

const VALID = `
connections:
  tracker:
    url: https://tracker.example.org/
    auth: { token: "\${TRACKER_TOKEN}" }
  hmis:
    url: https://hmis.example.org
    auth:
      username: t2a
      passwordFile: hmis-password.txt
jobs:
  - name: immunisation
    source: tracker
    programIndicators: { group: Abcdefghij1 }
    orgUnits: { roots: [ImspTQPwCqd], level: 4 }
    targets:
      - connection: hmis
        orgUnitIdScheme: CODE
`;

describe('loading the configuration', () => {
  it('reads secrets from the environment and from files, and applies the defaults', () => {
    write('hmis-password.txt', 'S3cret-from-file\n');
    const loaded = loadConfig(write('ok.yaml', VALID), { TRACKER_TOKEN: 'd2pat_abc123' });
    const job = loaded.config.jobs[0]!;
    expect(job.periodType).toBe('Monthly');
    expect(job.periods).toEqual({ last: 3, includeCurrent: false });
    expect(job.mappingAttribute).toBe('vudyDP7jUy5');
    expect(loaded.connections.get('tracker')).toMatchObject({
      url: 'https://tracker.example.org',
      auth: { kind: 'token', token: 'd2pat_abc123' },
    });
    expect(loaded.connections.get('hmis')?.auth).toEqual({
      kind: 'basic',
      username: 't2a',
      password: 'S3cret-from-file',
    });
    expect(loaded.secrets).toEqual(['d2pat_abc123', 'S3cret-from-file']);
  });

  it('names the missing environment variable, the file and the line', () => {
    const file = write('noenv.yaml', VALID);
    expect(() => loadConfig(file, {})).toThrow(
      new RegExp(`${file.replace(/[/.]/g, '\\$&')}:5 uses \\$\\{TRACKER_TOKEN\\}`),
    );
  });

  it('names the path and line of a wrong value with the fix', () => {
    const file = write(
      'bad.yaml',
      VALID.replace('level: 4', 'level: four').replace('group: Abcdefghij1', 'group: nope'),
    );
    try {
      loadConfig(file, { TRACKER_TOKEN: 'x' });
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/jobs\.0\.programIndicators/);
      expect(message).toMatch(/bad\.yaml:\d+ jobs\.0\.orgUnits\.level/);
    }
  });

  it('refuses a job that names an undefined connection', () => {
    const file = write('ref.yaml', VALID.replace('connection: hmis', 'connection: warehouse'));
    expect(() => loadConfig(file, { TRACKER_TOKEN: 'x' })).toThrow(
      /connection "warehouse", which is not defined/,
    );
  });

  it('emits a JSON Schema that editors can use', () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['connections', 'jobs', 'log']),
    );
  });
});
