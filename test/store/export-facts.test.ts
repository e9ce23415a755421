import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import { startPostgres } from './postgres-server.ts';

const postgres = await startPostgres();
afterAll(() => postgres.stop());

const facts = {
  analyticsAt: '2026-03-02T02:00:00.000',
  fullAt: '2026-03-01T03:00:00.000',
  indicators: 'i1',
  orgUnits: 'o1',
  job: 'j1',
  periods: ['202601', '202602'],
};

/** What a quiet night keeps of the last one (ADR 11), the same on both databases. */
describe.each(['sqlite', 'postgres'] as const)('export facts and tracker places, on %s', (kind) => {
  const open = () =>
    openStore(
      kind === 'sqlite'
        ? join(mkdtempSync(join(tmpdir(), 't2a-exports-')), 't2a.sqlite')
        : postgres.url,
    );

  it('keeps the facts of the last complete export per job', async () => {
    const store = await open();
    const job = `national-${kind}-${Date.now()}`;
    expect(await store.exports.last(job)).toBeUndefined();
    await store.exports.record(job, 'run1', facts);
    await store.exports.record(job, 'run2', { ...facts, analyticsAt: '2026-03-03T02:00:00.000' });
    expect(await store.exports.last(job)).toEqual({
      ...facts,
      analyticsAt: '2026-03-03T02:00:00.000',
    });
    expect(await store.exports.last(`${job}-other`)).toBeUndefined();
    await store.close();
  });

  it('keeps every place a record was seen in, once, and forgets a record whose history has a gap', async () => {
    const store = await open();
    const job = `places-${kind}-${Date.now()}`;
    const jan = { orgUnit: 'F1', dates: ['2026-01-05'] };
    const feb = { orgUnit: 'F2', dates: ['2026-02-05'] };
    await store.exports.see(
      job,
      new Map([
        ['ev1', jan],
        ['ev2', jan],
      ]),
      [],
    );
    await store.exports.see(
      job,
      new Map([
        ['ev1', feb],
        ['ev2', jan],
      ]),
      [],
    );
    const places = await store.exports.places(job, ['ev1', 'ev2', 'ev3']);
    expect(places.get('ev1')?.sort((a, b) => a.orgUnit.localeCompare(b.orgUnit))).toEqual([
      jan,
      feb,
    ]);
    expect(places.get('ev2')).toEqual([jan]);
    expect(places.has('ev3')).toBe(false);
    await store.exports.see(job, new Map(), ['ev1']);
    expect([...(await store.exports.places(job, ['ev1', 'ev2'])).keys()]).toEqual(['ev2']);
    await store.close();
  });
});
