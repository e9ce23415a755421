import type { JobContext } from '../jobs/context.ts';
import { resolveJob } from '../jobs/resolve-job.ts';
import { periodNameOf } from '../periods/period-name.ts';
import type { Names } from './api-types.ts';
import { Remembered } from './remembered.ts';

/** What a job's instances call things: the source's calendar, org units and data elements by id. */
export interface Naming {
  /** The source's calendar, in which the job's period ids are written; undefined when unknown. */
  readonly calendar: string | undefined;
  /** By source UID and by each target's id of it (its UID, code or mapped id). */
  readonly orgUnits: ReadonlyMap<string, string>;
  /** By the code t2a delivers to (a shadow code included). */
  readonly dataElements: ReadonlyMap<string, string>;
}

const UNKNOWN: Naming = { calendar: undefined, orgUnits: new Map(), dataElements: new Map() };
/** Names change seldom; a job is resolved again at most every ten minutes for them. */
const NAMES_MS = 10 * 60_000;
/** A page waits no longer for names: a server that is slow to answer leaves the ids on it. */
const WAIT_MS = 3000;

const waitAtMost = <T>(ms: number, fallback: T) =>
  new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms).unref());

/**
 * The names the pages show beside ids, read through the same `resolveJob` as a run: the job's org units
 * (the source's names, under the ids each target knows them by), the targets' data elements, and the
 * source's calendar for period names.
 */
export class JobNames {
  private readonly remembered = new Remembered<Naming>(NAMES_MS);
  private readonly waited = new Set<string>();

  constructor(private readonly ctx: JobContext) {}

  /**
   * The job's naming, or none (ids stay ids) when its instances do not answer within a few seconds. A
   * page waits for a job's names once; while they are still on their way, the next pages do not wait.
   */
  async of(job: string): Promise<Naming> {
    const ask = () => this.ask(job);
    const known = this.remembered.peek(job, ask);
    if (known) return known;
    if (this.waited.has(job)) return UNKNOWN;
    this.waited.add(job);
    const asked = this.remembered.get(job, ask).catch(() => UNKNOWN);
    return Promise.race([asked, waitAtMost(WAIT_MS, UNKNOWN)]);
  }

  private async ask(job: string): Promise<Naming> {
    const resolved = await resolveJob(this.ctx, job, { dryRun: true });
    const orgUnits = new Map<string, string>();
    const dataElements = new Map<string, string>();
    for (const unit of resolved.orgUnits) {
      orgUnits.set(unit.id, unit.name);
      for (const target of resolved.targets) {
        const id = target.translate(unit.id);
        if (id && !orgUnits.has(id)) orgUnits.set(id, unit.name);
      }
    }
    for (const target of resolved.targets)
      for (const [code, element] of target.dataElements) dataElements.set(code, element.name);
    return { calendar: resolved.source.info.calendar, orgUnits, dataElements };
  }
}

/** Periods as DHIS2 names them, for those ids that are periods of the calendar. */
export function periodNames(
  ids: Iterable<string>,
  calendar: string | undefined,
): Record<string, string> {
  const names: Record<string, string> = {};
  if (!calendar) return names;
  for (const id of ids) {
    const name = periodNameOf(id, calendar);
    if (name) names[id] = name;
  }
  return names;
}

const pick = (known: ReadonlyMap<string, string>, ids: Iterable<string>) => {
  const names: Record<string, string> = {};
  for (const id of ids) {
    const name = known.get(id);
    if (name) names[id] = name;
  }
  return names;
};

/** The names of just the ids an answer shows. */
export function namesOf(
  naming: Naming,
  ids: {
    readonly periods: Iterable<string>;
    readonly orgUnits: Iterable<string>;
    readonly dataElements: Iterable<string>;
  },
): Names {
  return {
    periods: periodNames(ids.periods, naming.calendar),
    orgUnits: pick(naming.orgUnits, ids.orgUnits),
    dataElements: pick(naming.dataElements, ids.dataElements),
  };
}
