import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';

const dir = mkdtempSync(join(tmpdir(), 't2a-config-slips-'));

function config(name: string, job: string, connection = 'tracker'): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `
connections:
  tracker:
    url: https://tracker.example.org
    auth: { token: d2pat_abc }
  hmis:
    url: https://hmis.example.org
    auth: { token: d2pat_def }
jobs:
  - name: immunisation
    source: ${connection}
    programIndicators: { group: Abcdefghij1 }
    orgUnits: { roots: [ImspTQPwCqd], level: 4 }
    targets:
      - connection: hmis
${job}
`,
  );
  return file;
}

const problem = (file: string) => {
  try {
    loadConfig(file, {});
  } catch (error) {
    return error as { message: string; fix: string };
  }
  throw new Error(`${file} loaded`);
};

describe('slips in the configuration, as a tired administrator makes them', () => {
  it('a misspelt period type names the one meant, at its line, not the 23 there are', () => {
    const file = config('period-type.yaml', '    periodType: Montly');
    const error = problem(file);
    expect(error.message).toContain(
      `${file}:16 jobs.0.periodType: "Montly" is not one of the values allowed. Did you mean "Monthly"?`,
    );
    expect(error.message).not.toContain('FinancialNov');
    expect(error.fix).toMatch(/Correct the value as suggested/);
  });

  it('other enumerations too: notify, the import strategy, the analytics mode', () => {
    const error = problem(
      config(
        'enums.yaml',
        '    notify: failur\n    importStrategy: CREATE_AND_UPDAT\n    analytics: { mode: chek }',
      ),
    );
    expect(error.message).toContain(
      'jobs.0.notify: "failur" is not one of the values allowed. Did you mean "failure"?',
    );
    expect(error.message).toContain('Did you mean "CREATE_AND_UPDATE"?');
    expect(error.message).toContain(
      'jobs.0.analytics.mode: "chek" is not one of the values allowed. Did you mean "check"?',
    );
  });

  it('a value like none of them still lists them all', () => {
    const error = problem(config('far.yaml', '    periodType: EveryFullMoon'));
    expect(error.message).toMatch(
      /jobs\.0\.periodType: Invalid option: expected one of "Daily"\|.*"FinancialNov"/,
    );
    expect(error.fix).toBe('Use one of the listed values.');
  });

  it('a misspelt connection name names the connection meant', () => {
    const error = problem(config('connection.yaml', '', 'trackr'));
    expect(error.message).toContain('names the connection "trackr", which is not defined');
    expect(error.fix).toBe('Did you mean "tracker"? Or define "trackr" under connections.');
  });

  it('--config naming a directory says so, and which file to give', () => {
    const folder = join(dir, 'etc-t2a');
    mkdirSync(folder);
    writeFileSync(join(folder, 't2a.yaml'), 'jobs: []\n');
    writeFileSync(join(folder, 'old.yml'), 'jobs: []\n');
    const error = problem(folder);
    expect(error.message).toBe(`${folder} is a directory, not a configuration file.`);
    expect(error.fix).toBe(
      `Give the file itself: --config ${join(folder, 't2a.yaml')} (the directory holds old.yml, t2a.yaml).`,
    );
    expect(`${error.message} ${error.fix}`).not.toMatch(/EISDIR|Create it/);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(problem(empty).fix).toBe(
      `Give the path of the configuration file (a YAML file), e.g. --config ${join(empty, 't2a.yaml')}.`,
    );
  });
});
