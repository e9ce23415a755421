import { describe, expect, it } from 'vitest';
import { LOCK_LEASE_MS, parseHolder, staleLockReason } from '../../src/core/job-lock.ts';

const NOW = new Date('2026-11-30T02:00:00Z');
const here = (alive: number[]) => ({
  host: 'hmis-sync',
  pid: 100,
  alive: (pid: number) => alive.includes(pid),
});
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

describe('when a job lock is stale', () => {
  it('reads host and pid, hosts with colons included', () => {
    expect(parseHolder('hmis-sync:4242')).toEqual({ host: 'hmis-sync', pid: 4242 });
    expect(parseHolder('fe80::1:77')).toEqual({ host: 'fe80::1', pid: 77 });
    expect(parseHolder('legacy')).toEqual({ host: 'legacy', pid: undefined });
    expect(parseHolder('host:abc')).toEqual({ host: 'host', pid: undefined });
  });

  it.each([
    // holder, renewed (ms ago), live pids here, stale?
    ['hmis-sync:200', 1000, [200], false, 'a live process on this host'],
    ['hmis-sync:200', 1000, [], true, 'a dead process on this host'],
    ['hmis-sync:100', 1000, [], false, 'this very process (serve runs jobs in one process)'],
    ['other:200', 1000, [], false, 'another host, lease fresh: its pid means nothing here'],
    ['other:200', LOCK_LEASE_MS - 1, [], false, 'another host, lease just within'],
    ['other:200', LOCK_LEASE_MS + 1, [], true, 'another host, lease just run out'],
    ['hmis-sync:200', LOCK_LEASE_MS + 1, [200], true, 'a live but frozen process here'],
    ['legacy', 1000, [], false, 'a holder without pid, lease fresh'],
  ] as const)(
    '%s renewed %i ms ago, live pids %j → stale: %s (%s)',
    (holder, msAgo, alive, stale, _why) => {
      const reason = staleLockReason({ holder, renewedAt: ago(msAgo) }, NOW, here([...alive]));
      expect(reason !== undefined).toBe(stale);
    },
  );

  it('says why', () => {
    expect(staleLockReason({ holder: 'hmis-sync:200', renewedAt: ago(1000) }, NOW, here([]))).toBe(
      'its process (pid 200 on hmis-sync) is no longer running',
    );
    expect(staleLockReason({ holder: 'other:1', renewedAt: ago(12 * 60_000) }, NOW, here([]))).toBe(
      `it has not renewed its lease for 12 min (since ${ago(12 * 60_000)})`,
    );
  });
});
