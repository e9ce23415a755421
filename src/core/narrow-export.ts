/**
 * Which scopes (period × org unit) a night must export, from what the source says changed in its
 * tracker since the analytics run the previous export read (ADR 11). Pure: the tracker's answers, the
 * indicators' metadata, the job's periods and org units and the last export's facts come in; the
 * scopes to export, or "full" with the reason, come out. Wherever a change's reach is not certain the
 * answer is "full", never a guess.
 */

/** Where a tracker record counts: its org unit and the days (ISO `yyyy-MM-dd`) analytics places it by. */
export interface Place {
  readonly orgUnit: string;
  readonly dates: readonly string[];
}

/**
 * One record the source reported changed (or one under a changed record): an event, an enrollment or a
 * tracked entity, with the records under it (a tracked entity's enrollments and events, an enrollment's
 * events), whose values its change can move too (attributes, enrollment dates, cascading deletes).
 */
export interface TrackerRecord {
  readonly kind: 'event' | 'enrollment' | 'trackedEntity';
  readonly id: string;
  readonly program: string | undefined;
  /** Undefined for a tracked entity: its indicators count at its enrollments and events. */
  readonly place: Place | undefined;
  /** An event's enrollment (undefined in an event programme). */
  readonly enrollment?: string | undefined;
  /** The source's wall clock, as it prints it (`yyyy-MM-ddTHH:mm:ss.SSS`). */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly within?: readonly TrackerRecord[] | undefined;
}

/** What of an indicator decides where a change can reach it. */
export interface IndicatorReach {
  readonly id: string;
  readonly program: string;
  readonly analyticsType: 'EVENT' | 'ENROLLMENT';
  /** An org unit field other than the record's own (registration, owner, a data element…). */
  readonly otherOrgUnit: boolean;
  /** Period boundaries other than the record's own date inside the period (cumulative, offset…). */
  readonly otherBoundaries: boolean;
  /** `V{current_date}`: the value depends on the day it is computed. */
  readonly dependsOnDay: boolean;
}

/** What t2a keeps of the last export that delivered every chunk, per job. */
export interface ExportFacts {
  /** `lastAnalyticsTableSuccess`: when the analytics run the export read started (source wall clock). */
  readonly analyticsAt: string;
  /** The source's wall clock when the last full export ran. */
  readonly fullAt: string;
  /** Fingerprints: the indicators' definitions, the job's org units and paths, the job and its mappings. */
  readonly indicators: string;
  readonly orgUnits: string;
  readonly job: string;
  readonly periods: readonly string[];
  /**
   * Per target, the values its whole scope held at the last full export: a narrowed night's deletions
   * are measured against it, not against the few scopes it exported.
   */
  readonly held?: Readonly<Record<string, number>> | undefined;
}

export interface JobPeriod {
  readonly id: string;
  readonly startDate: string;
  readonly endDate: string;
}

export interface NarrowInput {
  readonly last: ExportFacts | undefined;
  /** This night's facts; `analyticsAt` undefined when the source never said its analytics ran. */
  readonly now: Omit<ExportFacts, 'analyticsAt' | 'fullAt'> & {
    readonly analyticsAt: string | undefined;
    readonly serverTime: string;
  };
  readonly fullExportEveryMs: number | undefined;
  /** The job itself rebuilds analytics for its last N years only, so older periods change later. */
  readonly analyticsLastYears?: number | undefined;
  readonly indicators: readonly IndicatorReach[];
  readonly periods: readonly JobPeriod[];
  /** The job's org units with their paths (`/root/…/id`). */
  readonly orgUnits: readonly { readonly id: string; readonly path: string }[];
  /** The records changed since `last.analyticsAt`, or why they could not be read. */
  readonly changes: readonly TrackerRecord[] | { readonly unavailable: string };
  /** Every place t2a saw each record in, on earlier nights. */
  readonly knownPlaces: ReadonlyMap<string, readonly Place[]>;
  /** The paths of the changes' org units that are not the job's own. */
  readonly paths: ReadonlyMap<string, string>;
}

export type ExportScope =
  | { readonly kind: 'full'; readonly reason: string }
  | {
      readonly kind: 'narrowed';
      /** Period → the job's org units to export in it. */
      readonly scopes: ReadonlyMap<string, ReadonlySet<string>>;
      readonly changes: number;
    };

/** Places to remember after the night (records whose place at the analytics run is known). */
export interface NarrowResult {
  readonly scope: ExportScope;
  readonly places: ReadonlyMap<string, Place>;
  /** Records whose history has a gap: their remembered places are forgotten. */
  readonly forget: readonly string[];
}

const full = (reason: string): ExportScope => ({ kind: 'full', reason });

/** The wall clock's text as a comparable moment (zone-less, read as UTC). */
const moment = (text: string) =>
  Date.parse(`${text.slice(0, 23)}${text.length > 10 ? '' : 'T00:00'}Z`);

/** Why this night cannot be narrowed before any change is looked at, or undefined. */
export function reasonForFull(input: NarrowInput): string | undefined {
  const { last, now } = input;
  if (!last) return 'the first run of the job (nothing exported before to compare with)';
  if (now.analyticsAt === undefined) return 'the source does not say when its analytics last ran';
  if (moment(now.analyticsAt) < moment(last.analyticsAt))
    return `the source's analytics (${now.analyticsAt}) is older than the one the last export read (${last.analyticsAt})`;
  if (
    input.fullExportEveryMs !== undefined &&
    moment(now.serverTime) - moment(last.fullAt) >= input.fullExportEveryMs
  )
    return `the scheduled full export (fullExportEvery; the last was at ${last.fullAt})`;
  if (now.job !== last.job) return 'the job or its mappings changed since the last run';
  if (now.indicators !== last.indicators) return 'a program indicator changed since the last run';
  if (now.orgUnits !== last.orgUnits)
    return "the job's org units changed or moved since the last run";
  const daily = input.indicators.find((indicator) => indicator.dependsOnDay);
  if (daily) return `indicator ${daily.id} depends on the day it is computed (V{current_date})`;
  const elsewhere = input.indicators.find((indicator) => indicator.otherOrgUnit);
  if (elsewhere)
    return `indicator ${elsewhere.id} counts at an org unit other than the record's own`;
  if (input.analyticsLastYears !== undefined) {
    const covered = Number(now.serverTime.slice(0, 4)) - input.analyticsLastYears + 1;
    const older = input.periods.find((period) => Number(period.startDate.slice(0, 4)) < covered);
    if (older)
      return `analytics is rebuilt for the last ${input.analyticsLastYears} years only: ${older.id} changes when it is rebuilt whole`;
  }
  if ('unavailable' in input.changes)
    return `the source's tracker changes could not be read (${input.changes.unavailable})`;
  return undefined;
}

/** The scopes this night exports, and what to remember of the records it read. */
export function narrowExport(input: NarrowInput): NarrowResult {
  const before = reasonForFull(input);
  const changes = 'unavailable' in input.changes ? [] : input.changes;
  const { places, forget } = remembered(changes, input);
  if (before) return { scope: full(before), places, forget };
  const reach = new Reach(input);
  for (const record of changes) {
    const unsure = reach.add(record);
    if (unsure) return { scope: full(unsure), places, forget };
  }
  const last = input.last!;
  for (const period of input.periods)
    if (!last.periods.includes(period.id)) reach.wholePeriod(period.id);
  return {
    scope: { kind: 'narrowed', scopes: reach.scopes, changes: changes.length },
    places,
    forget,
  };
}

/** The places worth keeping: every record read but those changed after the analytics run. */
function remembered(changes: readonly TrackerRecord[], input: NarrowInput) {
  const places = new Map<string, Place>();
  const forget: string[] = [];
  const analyticsAt = input.now.analyticsAt;
  const visit = (record: TrackerRecord) => {
    if (record.place) {
      if (analyticsAt !== undefined && afterAnalytics(record, analyticsAt)) forget.push(record.id);
      else places.set(record.id, record.place);
    }
    for (const inner of record.within ?? []) visit(inner);
  };
  for (const record of changes) visit(record);
  return { places, forget };
}

/** Changed after the analytics run, but there before it: where it stood when analytics read it is unknown. */
const afterAnalytics = (record: TrackerRecord, analyticsAt: string) =>
  moment(record.updatedAt) > moment(analyticsAt) && moment(record.createdAt) <= moment(analyticsAt);

class Reach {
  readonly scopes = new Map<string, Set<string>>();
  private readonly jobUnits: ReadonlyMap<string, string>;
  private readonly seen = new Map<string, TrackerRecord>();

  constructor(private readonly input: NarrowInput) {
    this.jobUnits = new Map(input.orgUnits.map((unit) => [unit.id, unit.path]));
    const index = (record: TrackerRecord) => {
      this.seen.set(record.id, record);
      for (const inner of record.within ?? []) index(inner);
    };
    for (const record of 'unavailable' in input.changes ? [] : input.changes) index(record);
  }

  wholePeriod(period: string): void {
    const units = this.scopes.get(period) ?? new Set<string>();
    for (const unit of this.jobUnits.keys()) units.add(unit);
    this.scopes.set(period, units);
  }

  /** Adds what one changed record reaches; a reason when its reach is not certain. */
  add(record: TrackerRecord): string | undefined {
    const { last, now } = this.input;
    if (record.kind !== 'trackedEntity') {
      if (afterAnalytics(record, now.analyticsAt!))
        return `${record.kind} ${record.id} changed after the analytics run this export reads (${now.analyticsAt}): where it stood when analytics read it is unknown`;
      if (moment(record.createdAt) > moment(now.analyticsAt!)) return undefined;
      const known = this.input.knownPlaces.has(record.id);
      if (!known && moment(record.createdAt) <= moment(last!.analyticsAt))
        return `${record.kind} ${record.id} existed before the last export and t2a never saw where it stood`;
    }
    return this.touch(record);
  }

  /** A record whose values may have changed: every indicator of its programme that can count it. */
  private touch(record: TrackerRecord): string | undefined {
    for (const indicator of this.input.indicators) {
      if (indicator.program !== record.program) continue;
      if (record.kind === 'event') {
        const unsure =
          indicator.analyticsType === 'EVENT'
            ? this.placeAll(record.id, record.place, indicator)
            : this.placeEnrollmentOf(record, indicator);
        if (unsure) return unsure;
      } else if (record.kind === 'enrollment' && indicator.analyticsType === 'ENROLLMENT') {
        const unsure = this.placeAll(record.id, record.place, indicator);
        if (unsure) return unsure;
      }
    }
    for (const inner of record.within ?? []) {
      const unsure = this.touch(inner);
      if (unsure) return unsure;
    }
    return undefined;
  }

  /** An enrollment indicator counts an event at its enrollment's place. */
  private placeEnrollmentOf(event: TrackerRecord, indicator: IndicatorReach): string | undefined {
    if (!event.enrollment) return undefined;
    const enrollment = this.seen.get(event.enrollment);
    if (!enrollment && !this.input.knownPlaces.has(event.enrollment))
      return `event ${event.id} belongs to enrollment ${event.enrollment}, whose place t2a never saw`;
    return this.placeAll(event.enrollment, enrollment?.place, indicator);
  }

  /** The record's place now and every place it was seen in. */
  private placeAll(id: string, current: Place | undefined, indicator: IndicatorReach) {
    const places = [...(this.input.knownPlaces.get(id) ?? []), ...(current ? [current] : [])];
    for (const place of places) {
      const unsure = this.place(place, indicator);
      if (unsure) return unsure;
    }
    return undefined;
  }

  private place(place: Place, indicator: IndicatorReach): string | undefined {
    const path = this.jobUnits.get(place.orgUnit) ?? this.input.paths.get(place.orgUnit);
    if (!path)
      return `the source did not say where org unit ${place.orgUnit} stands in its hierarchy`;
    const units = path.split('/').filter((id) => this.jobUnits.has(id));
    if (units.length === 0) return undefined;
    const periods = indicator.otherBoundaries
      ? this.input.periods
      : this.input.periods.filter((period) =>
          place.dates.some((date) => date >= period.startDate && date <= period.endDate),
        );
    for (const period of periods) {
      const set = this.scopes.get(period.id) ?? new Set<string>();
      for (const unit of units) set.add(unit);
      this.scopes.set(period.id, set);
    }
    return undefined;
  }
}

/** A short, stable fingerprint of a text (cyrb53): equal definitions, equal fingerprints. */
export function fingerprint(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
