import type { ExportFacts, Place } from '../core/narrow-export.ts';

/** What the store keeps for narrowing a night's export (ADR 11), per job. */
export interface ExportFactStore {
  /** The facts of the job's last export that delivered every chunk. */
  last(job: string): Promise<ExportFacts | undefined>;
  record(job: string, runId: string, facts: ExportFacts): Promise<void>;
  /** Every place each of these records was seen in. */
  places(job: string, records: readonly string[]): Promise<Map<string, Place[]>>;
  /** Adds places seen, and forgets records whose history has a gap. */
  see(job: string, seen: ReadonlyMap<string, Place>, forget: readonly string[]): Promise<void>;
}

/** A place as one text: equal places, equal keys. */
export const placeText = (place: Place) =>
  JSON.stringify({ orgUnit: place.orgUnit, dates: [...place.dates].sort() });

export function placesFromRows(rows: readonly { record: string; place: string }[]) {
  const places = new Map<string, Place[]>();
  for (const row of rows) {
    const list = places.get(row.record) ?? [];
    list.push(JSON.parse(row.place) as Place);
    places.set(row.record, list);
  }
  return places;
}
