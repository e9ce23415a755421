import type { CountName, RunStatus } from '../../core/vocabulary.ts';
import type { SessionInfo, Vocabulary } from '../api-types.ts';

/**
 * What the server says once per page load and every page uses: the time zone times are shown in
 * (`serve.timeZone`), and the words of statuses and counts (src/core/vocabulary.ts, sent by the server:
 * the page bundles no code of the rest of t2a).
 */
let timeZone = 'UTC';
let vocabulary: Vocabulary | undefined;

export function setSessionWords(info: SessionInfo): void {
  timeZone = info.timeZone;
  vocabulary = info.vocabulary;
}

export const zone = (): string => timeZone;

/** Every status of a run, in the order the history lists them. */
export const runStatuses = (): readonly RunStatus[] => vocabulary?.statuses ?? [];

export const statusMeaning = (status: RunStatus): string => vocabulary?.meaning[status] ?? status;

/** A count's label; a dry run says what it would do ("Would import"), never what it did. */
export const countLabel = (name: CountName, dryRun: boolean): string => {
  const labels = vocabulary?.counts[name];
  return labels ? (dryRun ? labels.dryRun : labels.label) : name;
};

function partsIn(iso: string): Record<string, string> {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
}

/** A moment in serve.timeZone, to the second, without the zone (for a column whose heading names it). */
export function clock(iso: string | undefined): string {
  if (!iso) return '—';
  const p = partsIn(iso);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** A moment as an administrator reads it: the date and time in serve.timeZone, the zone named. */
export const when = (iso: string | undefined): string => (iso ? `${clock(iso)} ${timeZone}` : '—');
