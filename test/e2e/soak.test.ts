import { describe, expect, it } from 'vitest';
import type { FaultKind, FaultRule } from '../../src/sandbox/index.ts';
import { openStore } from '../../src/store/open.ts';
import {
  child,
  configFor,
  demoSandboxes,
  exited,
  expectedValues,
  runAnalytics,
  STAGE,
  send,
  spawnT2a,
  targetValues,
  uid,
} from './harness.ts';

/**
 * The fault-and-crash soak: `t2a sync`, as cron runs it, under random faults on both servers (5xx, dropped
 * connections, hangs, answers lost after the work, a refused login) and random kills (SIGKILL mid-import,
 * SIGTERM), repeated until a run finishes cleanly. Tracker data changes between rounds, so values appear
 * and go stale while runs die. At the end the target holds exactly what the source's analytics says, and
 * the ledger holds exactly what t2a wrote there.
 *
 * Reproducible: T2A_SOAK_SEED picks the dice; T2A_SOAK_ROUNDS makes it longer (`npm run soak`).
 */
const SEED = Number(process.env.T2A_SOAK_SEED ?? 20261130);
const ROUNDS = Number(process.env.T2A_SOAK_ROUNDS ?? 12);
const NOW = new Date('2026-11-24T08:00:00Z');
const PERIODS = ['202609', '202610'];

/** mulberry32: small, seedable, good enough for dice. */
function dice(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    chance: (p: number) => next() < p,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
  };
}

const FAULTS: readonly FaultKind[] = [
  { kind: 'status', status: 500 },
  { kind: 'status', status: 502 },
  { kind: 'status', status: 503 },
  { kind: 'status', status: 504 },
  { kind: 'drop' },
  { kind: 'hang' },
  { kind: 'status', status: 401 },
];

/** A few random faults on the requests t2a makes to one server. */
function randomFaults(roll: ReturnType<typeof dice>, paths: readonly string[]): FaultRule[] {
  return Array.from({ length: roll.int(0, 3) }, () => ({
    path: roll.pick(paths),
    fault: roll.pick(FAULTS),
    after: roll.int(0, 6),
    times: roll.int(1, 3),
    // Half the faults strike after the server did the work: the answer is lost, the write is not.
    late: roll.chance(0.5),
  }));
}

describe('the fault-and-crash soak', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: '2.42',
    facilities: 24,
    now: NOW,
  });
  const { loaded, file, env } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: '{ fixed: [202609, 202610] }',
    jobExtra: '    reconcile: { maxDeleteShare: 1 }',
    timeoutSeconds: 1,
  });
  const facilities = source.seed.facilities as string[];

  /** Children vaccinated in September and October, added to the tracker between rounds. */
  async function addChildren(round: number, count: number) {
    const children = Array.from({ length: count }, (_, i) =>
      child(
        `S${round}x${i}`,
        facilities[(round * 7 + i) % facilities.length]!,
        i % 2 === 0 ? 'FEMALE' : 'MALE',
        '2026-03-01',
        ['BCG', 'PENTA', 'MEASLES'][i % 3]!,
        1,
        i % 2 === 0 ? '2026-09-10' : '2026-10-12',
      ),
    );
    await send(source, 'POST', 'tracker?async=false', { trackedEntities: children });
    return children.map((_, i) => `S${round}x${i}`);
  }

  async function removeChildren(ids: readonly string[]) {
    await send(source, 'POST', 'tracker?async=false&importStrategy=DELETE', {
      events: ids.map((id) => ({ event: uid('Ev', id), programStage: STAGE })),
    });
  }

  it(
    `ends with target = analytics and ledger = t2a's values (seed ${SEED}, ${ROUNDS} rounds)`,
    async () => {
      const roll = dice(SEED);
      const added: string[] = [];
      const outcomes: string[] = [];
      let finished = false;
      for (let round = 1; round <= ROUNDS + 5 && !finished; round++) {
        // The tracker changes: new children, corrections that make earlier values stale.
        if (roll.chance(0.5)) added.push(...(await addChildren(round, roll.int(2, 6))));
        if (added.length > 0 && roll.chance(0.3))
          await removeChildren(added.splice(0, roll.int(1, added.length)));
        await runAnalytics(source);
        // The last rounds run without faults: the soak ends when a run finishes, not when the dice allow.
        const calm = round > ROUNDS;
        if (!calm) {
          for (const rule of randomFaults(roll, [
            '/api/analytics/dataValueSet.json',
            '/api/system/info',
          ]))
            source.context.faults.add(rule);
          for (const rule of randomFaults(roll, ['/api/dataValueSets']))
            target.context.faults.add(rule);
        }
        const sync = spawnT2a(['sync', '--config', file], env);
        let stderr = '';
        sync.stdout?.resume();
        sync.stderr?.on('data', (data) => (stderr += data));
        const done = exited(sync);
        const kill =
          !calm && roll.chance(0.35) ? roll.pick(['SIGKILL', 'SIGTERM'] as const) : undefined;
        if (kill) {
          const after = roll.int(200, 2500);
          const timer = setTimeout(() => sync.kill(kill), after);
          void done.then(() => clearTimeout(timer));
        }
        const code = await done;
        source.context.faults.clear();
        target.context.faults.clear();
        outcomes.push(`${round}:${kill ?? ''}${code ?? 'killed'}`);
        // Never a crash of t2a itself, whatever the servers did.
        expect(code, `round ${round}: ${stderr}`).not.toBe(1);
        finished = calm && code === 0;
      }
      if (process.env.T2A_SOAK_VERBOSE) console.log(`rounds: ${outcomes.join(' ')}`);
      expect(finished, `rounds: ${outcomes.join(' ')}`).toBe(true);

      const expected = await expectedValues(source, ids.group, ids.root, PERIODS);
      const held = await targetValues(target, ids.dataSet, ids.root, PERIODS);
      expect(held).toEqual(expected);
      const store = await openStore(loaded.storePath);
      const ledger = await store.ledger.entries(target.baseUrl, 'immunisation', PERIODS);
      expect(await store.ledger.intents(target.baseUrl, 'immunisation')).toEqual([]);
      expect(await store.lockHolder('immunisation')).toBeUndefined();
      await store.close();
      expect(
        new Map(
          ledger.map((entry) => [
            `${entry.dataElement}|${entry.categoryOptionCombo ?? 'default'}|${entry.period}|${entry.orgUnit}`,
            entry.value,
          ]),
        ),
      ).toEqual(held);
    },
    (ROUNDS + 5) * 8_000,
  );
});
