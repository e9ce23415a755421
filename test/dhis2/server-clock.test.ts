import { afterEach, describe, expect, it, vi } from 'vitest';
import { serverClockFrom } from '../../src/dhis2/system.ts';

describe("the server's wall clock", () => {
  afterEach(() => vi.useRealTimers());

  it('follows this machine’s clock from what serverDate showed, behind by the question’s time and two seconds', () => {
    vi.useFakeTimers();
    // Asked at 10:00:00.000 UTC here, answered 300 ms later; the server (Nairobi, UTC+3) said 13:00:05.
    const asked = Date.parse('2026-11-30T10:00:00.000Z');
    vi.setSystemTime(asked + 300);
    const clock = serverClockFrom('2026-11-30T13:00:05.123', asked, asked + 300)!;
    expect(clock()).toBe('2026-11-30T13:00:02');
    vi.setSystemTime(asked + 300 + 3_600_000);
    expect(clock()).toBe('2026-11-30T14:00:02');
  });

  it('reads the wall clock before any zone suffix, and gives none for a date it cannot read', () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse('2026-11-30T10:00:00Z'));
    const now = Date.now();
    expect(serverClockFrom('2026-11-30T10:00:10.000+0000', now, now)!()).toBe(
      '2026-11-30T10:00:08',
    );
    expect(serverClockFrom('not a date', now, now)).toBeUndefined();
  });
});
