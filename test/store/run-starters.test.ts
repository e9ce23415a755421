import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import { newRunId } from '../../src/store/run-id.ts';
import { startPostgres } from './postgres-server.ts';

const postgres = await startPostgres();
afterAll(() => postgres.stop());

/** The dashboard names who started a run before the run's own row exists; the history keeps both. */
describe.each(['sqlite', 'postgres'] as const)('who started a run, on %s', (kind) => {
  const open = () =>
    openStore(
      kind === 'sqlite'
        ? join(mkdtempSync(join(tmpdir(), 't2a-starters-')), 't2a.sqlite')
        : postgres.url,
    );

  it('keeps the dashboard user of a run, and nothing for runs started otherwise', async () => {
    const store = await open();
    const [fromPage, fromCron] = [newRunId(), newRunId()];
    await store.recordStarter(fromPage, 'hmis-admin');
    for (const id of [fromPage, fromCron])
      await store.startRun({
        id,
        job: 'immunisation',
        trigger: 'manual',
        startedAt: new Date().toISOString(),
        dryRun: false,
        t2aVersion: 'test',
      });
    const starters = await store.starters([fromPage, fromCron, 'no-such-run']);
    expect([...starters]).toEqual([[fromPage, 'hmis-admin']]);
    expect(await store.starters([])).toEqual(new Map());
    await store.close();
  });

  it('refuses to name a second starter for the same run', async () => {
    const store = await open();
    const id = newRunId();
    await store.recordStarter(id, 'hmis-admin');
    await expect(store.recordStarter(id, 'someone-else')).rejects.toThrow();
    expect((await store.starters([id])).get(id)).toBe('hmis-admin');
    await store.close();
  });
});
