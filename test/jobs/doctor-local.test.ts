import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../src/config/load.ts';
import { checkLocal } from '../../src/jobs/doctor-local.ts';

const config = (storePath: string, logFile: string) => ({ storePath, logFile }) as LoadedConfig;

describe('doctor on this machine', () => {
  it('opens the store and appends to the log where they can be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 't2a-doctor-'));
    const checks = await checkLocal(
      config(join(dir, 'a', 't2a.sqlite'), join(dir, 'b', 't2a.log')),
    );
    expect(checks.map((c) => [c.subject, c.ok])).toEqual([
      ['store', true],
      ['log', true],
    ]);
  });

  it('names a log path that is a folder, and a store under a file, with the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 't2a-doctor-'));
    // A file where the store's folder should be: no user, root included, can create the store there.
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, '');
    const [store, log] = await checkLocal(config(join(file, 't2a.sqlite'), dir));
    expect(log).toMatchObject({ ok: false, detail: `${dir}: it is a folder, not a file` });
    expect(log!.fix).toContain('log.file');
    expect(store).toMatchObject({ ok: false });
    expect(store!.fix).toContain(file);
  });
});
