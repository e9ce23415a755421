import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { configJsonSchema } from '../../src/config/schema.ts';
import type { T2aError } from '../../src/core/errors.ts';

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
      new RegExp(`\\$\\{TRACKER_TOKEN\\} \\(${file.replace(/[/.]/g, '\\$&')}:5\\)`),
    );
  });

  it('reports every missing environment variable at once', () => {
    const text = VALID.replace('passwordFile: hmis-password.txt', 'password: "${HMIS_PASSWORD}"');
    const file = write('noenv2.yaml', text);
    try {
      loadConfig(file, {});
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/\$\{TRACKER_TOKEN\} \(.*noenv2\.yaml:5\)/);
      expect(message).toMatch(/\$\{HMIS_PASSWORD\} \(.*noenv2\.yaml:10\)/);
      expect((error as T2aError).fix).toMatch(/Set TRACKER_TOKEN, HMIS_PASSWORD/);
    }
  });

  it('fills a number or a boolean from a plain ${VAR}, and keeps quoted ones as text', () => {
    const text = `${VALID}    periods:\n      last: \${MONTHS_BACK}\n      includeCurrent: \${WITH_CURRENT}\n`;
    const loaded = loadConfig(write('typed.yaml', text), {
      TRACKER_TOKEN: '123456',
      MONTHS_BACK: '6',
      WITH_CURRENT: 'true',
    });
    expect(loaded.config.jobs[0]!.periods).toEqual({ last: 6, includeCurrent: true });
    // The token is quoted in the file: a number-looking secret stays text.
    expect(loaded.connections.get('tracker')?.auth).toEqual({ kind: 'token', token: '123456' });
  });

  it("does not need the connections' secrets when asked not to (history, show, unlock)", () => {
    const loaded = loadConfig(write('nosecrets.yaml', VALID), {}, { connections: false });
    expect(loaded.config.jobs[0]!.name).toBe('immunisation');
    expect(loaded.connections.size).toBe(0);
  });

  it('reports an unknown key at its own line with the key it may have meant', () => {
    const text = VALID.replace(
      '    source: tracker',
      '    source: tracker\n    perodType: Quarterly',
    );
    const file = write('unknown-key.yaml', text);
    expect(() => loadConfig(file, { TRACKER_TOKEN: 'x' })).toThrow(
      /unknown-key\.yaml:14 jobs\.0\.perodType: unknown key \(did you mean "periodType"\?\)/,
    );
  });

  it('says what a period window looks like when it is wrong', () => {
    const text = `${VALID}    periods: { back: 3 }\n`;
    expect(() => loadConfig(write('periods.yaml', text), { TRACKER_TOKEN: 'x' })).toThrow(
      /jobs\.0\.periods: expected \{ last: <how many periods back>.* or \{ fixed:/,
    );
  });

  it('keeps credentials written into a URL out of the URL and masks them', () => {
    const text = VALID.replace(
      'https://hmis.example.org',
      'https://admin:district%40pw@hmis.example.org/api/',
    );
    write('hmis-password.txt', 'S3cret-from-file\n');
    const loaded = loadConfig(write('url-creds.yaml', text), { TRACKER_TOKEN: 'x' });
    expect(loaded.connections.get('hmis')?.url).toBe('https://hmis.example.org');
    expect(loaded.secrets).toContain('district@pw');
  });

  it('masks the password of a PostgreSQL store URL', () => {
    write('hmis-password.txt', 'S3cret-from-file\n');
    const text = `${VALID}store: postgres://t2a:Store%23Pw@db.example.org:5432/t2a\n`;
    const loaded = loadConfig(write('pg-store.yaml', text), { TRACKER_TOKEN: 'x' });
    expect(loaded.secrets).toContain('Store#Pw');
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
