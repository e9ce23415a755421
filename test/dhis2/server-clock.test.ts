import { describe, expect, it } from 'vitest';
import { wallClockFrom } from '../../src/dhis2/system.ts';

describe("the server's wall clock", () => {
  // serverDate (the server's wall clock, no zone) and the Date header (UTC, whole seconds) of one
  // answer, a few seconds apart; then a later Date header and the wall clock DHIS2 would stamp then.
  const TABLE = [
    [
      'UTC',
      '2026-11-30T10:00:04.900',
      '2026-11-30T10:00:05Z',
      '2026-11-30T22:15:00Z',
      '2026-11-30T22:15:00',
    ],
    [
      'Nairobi, UTC+3',
      '2026-11-30T13:00:03.123',
      '2026-11-30T10:00:05Z',
      '2026-11-30T22:15:00Z',
      '2026-12-01T01:15:00',
    ],
    [
      'Kathmandu, UTC+5:45',
      '2026-11-30T15:45:07.000',
      '2026-11-30T10:00:05Z',
      '2026-11-30T10:00:09Z',
      '2026-11-30T15:45:09',
    ],
    [
      'Bogotá, UTC−5',
      '2026-11-30T04:59:58.999',
      '2026-11-30T10:00:01Z',
      '2026-12-01T03:00:00Z',
      '2026-11-30T22:00:00',
    ],
    [
      'a zone suffix',
      '2026-11-30T13:00:05.000+0300',
      '2026-11-30T10:00:05Z',
      '2026-11-30T10:00:05Z',
      '2026-11-30T13:00:05',
    ],
  ] as const;
  for (const [where, serverDate, date, later, wall] of TABLE)
    it(`${where}: a later Date header is the wall clock the server stamps`, () => {
      expect(wallClockFrom(serverDate, Date.parse(date))!(Date.parse(later))).toBe(wall);
    });

  it('gives none for a serverDate it cannot read', () => {
    expect(wallClockFrom('not a date', Date.now())).toBeUndefined();
  });
});
