import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRun } from '../../src/jobs/find-run.ts';
import { openStore } from '../../src/store/open.ts';
import { newRunId } from '../../src/store/run-id.ts';
import { startPostgres } from './postgres-server.ts';

const postgres = await startPostgres();
afterAll(() => postgres.stop());

/** `t2a show last`, `t2a show 20261124T02`: a run named as a person types it, on either store. */
describe.each(['sqlite', 'postgres'] as const)(
  'a run named by the start of its id, on %s',
  (kind) => {
    const open = () =>
      openStore(
        kind === 'sqlite'
          ? join(mkdtempSync(join(tmpdir(), 't2a-prefix-')), 't2a.sqlite')
          : postgres.url,
      );

    it('finds the newest, a run by a prefix only it has, and names those a prefix shares', async () => {
      const store = await open();
      // A year apart per store kind, so that PostgreSQL's shared database keeps each test's runs apart.
      const year = kind === 'sqlite' ? 2031 : 2032;
      const ids = [
        newRunId(new Date(`${year}-03-01T02:00:00Z`)),
        newRunId(new Date(`${year}-03-02T02:00:00Z`)),
        newRunId(new Date(`${year}-03-02T02:05:00Z`)),
      ];
      for (const [index, id] of ids.entries())
        await store.startRun({
          id,
          job: index === 0 ? 'tb' : 'immunisation',
          trigger: 'schedule',
          startedAt: new Date(
            `${year}-03-0${index === 0 ? 1 : 2}T02:0${index === 2 ? 5 : 0}:00Z`,
          ).toISOString(),
          dryRun: false,
          t2aVersion: 'test',
        });
      expect((await store.runs({ idPrefix: `${year}0302T02` })).map((run) => run.id)).toEqual([
        ids[2],
        ids[1],
      ]);
      expect(await store.runs({ idPrefix: `${year}0302T02`, job: 'tb' })).toEqual([]);
      // A prefix is a prefix: `%` and `_` match themselves only.
      expect(await store.runs({ idPrefix: `${year}03%` })).toEqual([]);
      expect(await store.runs({ idPrefix: `${year}_30` })).toEqual([]);
      expect((await findRun(store, `${year}0301`)).id).toBe(ids[0]);
      expect((await findRun(store, ids[1]!)).id).toBe(ids[1]);
      await expect(findRun(store, `${year}0302`)).rejects.toMatchObject({
        kind: 'usage',
        message: `"${year}0302" is the start of 2 run ids: ${ids[2]} (immunisation), ${ids[1]} (immunisation).`,
      });
      if (kind === 'sqlite') expect((await findRun(store, 'last')).id).toBe(ids[2]);
      await store.close();
    });
  },
);
