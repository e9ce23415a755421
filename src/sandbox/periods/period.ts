import { addDays } from '../../periods/days.ts';
import { type Period, parsePeriodId } from '../../periods/period.ts';

export { periodOfDate as periodContaining, shiftPeriod } from '../../periods/period.ts';
/**
 * Periods as the sandbox's DHIS2 reads them. The arithmetic is t2a's shared period module (src/periods),
 * proven against dhis2-core's own tests and a hand-written table; only DHIS2's reading of request text
 * lives here.
 */
export type { Period };
export { addDays };

const cache = new Map<string, Period | null>();

/**
 * An ISO period id as `PeriodType.getPeriodFromIsoString` reads it (`202401`, `2024-01`, `2024W01`…), or
 * undefined. Cached: an import asks once per value.
 */
export function parsePeriod(id: string): Period | undefined {
  let period = cache.get(id);
  if (period === undefined) {
    period = parsePeriodId(id) ?? null;
    cache.set(id, period);
  }
  return period ?? undefined;
}

/** ISO date (yyyy-MM-dd) of a moment in UTC. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
