import { describe, expect, it } from 'vitest';
import type { TrackerRecord } from '../../src/core/narrow-export.ts';
import { Dhis2Client } from '../../src/dhis2/client.ts';
import { getSystemInfo } from '../../src/dhis2/system.ts';
import { readTrackerChanges } from '../../src/dhis2/tracker-changes.ts';
import { silentLogger } from '../../src/log.ts';
import { child, STAGE, sandbox, send, uid } from './harness.ts';

const NOW = new Date('2026-11-24T08:00:00Z');

/**
 * `/api/tracker` asked what changed since a moment, on every era of its parameters and answers
 * (`instances` and `ouMode` up to 2.40, `orgUnits`/`orgUnitMode` and lists named by kind from 2.41, more
 * than one page): the records changed, deleted ones included, with where they stand.
 */
describe.each(['2.36.13', '2.38.7', '2.40.12', '2.41', '2.43'])(
  'tracker changes on %s',
  (version) => {
    it('reads every record changed since a moment, and no other', async () => {
      const source = await sandbox({
        dhis2Version: version,
        seed: 'demo-tracker',
        now: NOW,
        facilities: 4,
        months: 0,
      });
      const [a, b] = source.seed.facilities as [string, string];
      await send(source, 'POST', 'tracker?async=false', {
        trackedEntities: [child('1', a, 'FEMALE', '2026-01-10', 'BCG', 1, '2026-10-05')],
      });
      // A day later by the server's clock: only what follows counts.
      source.context.clock.set(new Date('2026-11-25T08:00:00Z'));
      const since = '2026-11-25T07:00:00.000';
      await send(source, 'POST', 'tracker?async=false', {
        trackedEntities: [child('2', b, 'MALE', '2026-02-01', 'PENTA', 1, '2026-09-07')],
      });
      await send(source, 'POST', 'tracker?async=false&importStrategy=DELETE', {
        events: [{ event: uid('Ev', '1'), programStage: STAGE }],
      });
      const client = new Dhis2Client(
        {
          name: 'tracker',
          url: source.baseUrl,
          auth: { kind: 'basic', username: 'admin', password: 'district' },
          timeoutMs: 5000,
          retries: 0,
          retryDelayMs: 0,
        },
        silentLogger(),
      );
      const info = await getSystemInfo(client);
      const records = await readTrackerChanges(client, info.profile, {
        programs: [{ id: 'DemoEirPrg1', registration: true, readsAttributes: true }],
        roots: [source.seed.root],
        since,
      });
      // Every event changed, at its place: on 2.36–2.37 a deleted event keeps its stamp, and is seen
      // under its enrollment, which the deletion updated.
      const events = new Map<string, unknown>();
      const visit = (record: TrackerRecord) => {
        if (record.kind === 'event') events.set(record.id, record.place);
        for (const inner of record.within ?? []) visit(inner);
      };
      for (const record of records) visit(record);
      expect(Object.fromEntries(events)).toEqual({
        [uid('Ev', '1')]: { orgUnit: a, dates: ['2026-10-05', '2026-10-05'] },
        [uid('Ev', '2')]: { orgUnit: b, dates: ['2026-09-07', '2026-09-07'] },
      });
      expect(records.some((r) => r.id === uid('Ev', '0') || r.id === uid('En', '0'))).toBe(false);
      const enrollments = records.filter((r) => r.kind === 'enrollment');
      expect(enrollments.map((r) => r.id)).toContain(uid('En', '2'));
      expect(enrollments.find((r) => r.id === uid('En', '2'))?.within?.map((e) => e.id)).toEqual([
        uid('Ev', '2'),
      ]);
      expect(records.filter((r) => r.kind === 'trackedEntity').map((r) => r.id)).toContain(
        uid('Te', '2'),
      );
    });
  },
);
