import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';

const config = (notify: string | undefined) => `
connections:
  tracker:
    url: https://tracker.example.org/
    auth: { token: "x" }
jobs:
  - name: immunisation
    source: tracker
    programIndicators: { group: Abcdefghij1 }
    orgUnits: { roots: [ImspTQPwCqd], level: 4 }
${notify ? `    notify: ${notify}\n` : ''}    targets:
      - connection: same
`;

describe('when a job sends a message, in today’s words', () => {
  it.each([
    [undefined, 'incomplete'],
    ['incomplete', 'incomplete'],
    // The setting's old name for the same thing: configurations that say it keep working.
    ['conflicts', 'incomplete'],
    ['failure', 'failure'],
  ])('notify: %s is %s', (notify, expected) => {
    const file = join(mkdtempSync(join(tmpdir(), 't2a-notify-')), 't2a.yaml');
    writeFileSync(file, config(notify));
    expect(loadConfig(file, {}).config.jobs[0]!.notify).toBe(expected);
  });
});
