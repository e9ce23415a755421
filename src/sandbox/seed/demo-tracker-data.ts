import type { SandboxDb } from '../db/schema.ts';
import { addDays, isoDate } from '../periods/period.ts';
import { DEMO } from './demo-packages.ts';
import { pick, seededRandom, uidFrom } from './random.ts';
import { insertEvent, insertStatements, type TrackerInserts } from './tracker-rows.ts';

/**
 * Deterministic immunisation registry data: children born at each facility over the months before
 * `until`, vaccinated on the EPI schedule (BCG at birth, Penta at 6 and 14 weeks, measles-rubella at 9
 * months), with drop-outs and some catch-up doses after the first birthday. Facility sizes vary.
 */
export interface TrackerDataOptions {
  readonly facilities: readonly string[];
  readonly months: number;
  readonly seed: number;
  readonly until: Date;
}

const FIRST = [
  'Amina',
  'Grace',
  'Joseph',
  'Moses',
  'Ruth',
  'Peter',
  'Esther',
  'Daniel',
  'Sarah',
  'Isaac',
  'Mercy',
  'John',
  'Faith',
  'Brian',
  'Joy',
  'Samuel',
];
const LAST = [
  'Akiki',
  'Amooti',
  'Atwooki',
  'Abwooli',
  'Adyeeri',
  'Apuuli',
  'Araali',
  'Acaali',
  'Okello',
  'Namara',
  'Kato',
  'Nakato',
];

const SCHEDULE = [
  { vaccine: 'BCG', dose: 1, days: 0, coverage: 0.95 },
  { vaccine: 'PENTA', dose: 1, days: 42, coverage: 0.9 },
  { vaccine: 'PENTA', dose: 3, days: 98, coverage: 0.8 },
  { vaccine: 'MEASLES', dose: 1, days: 274, coverage: 0.75 },
] as const;

export interface TrackerDataCounts {
  readonly people: number;
  readonly events: number;
}

export function generateTrackerData(db: SandboxDb, options: TrackerDataOptions): TrackerDataCounts {
  const random = seededRandom(options.seed);
  const end = isoDate(options.until);
  const start = addDays(end, -Math.round(options.months * 30.44));
  const insert = insertStatements(db);
  let people = 0;
  let events = 0;
  db.transaction(() => {
    for (const facility of options.facilities) {
      const birthsPerMonth = 2 + Math.floor(random() * 10);
      const births = Math.round(birthsPerMonth * options.months);
      for (let b = 0; b < births; b++) {
        const child = drawChild(random, options.months, start, end);
        if (child.doses.length === 0) continue;
        people += 1;
        events += insertChild(insert, random, facility, child);
      }
    }
  })();
  return { people, events };
}

type Dose = [date: string, vaccine: string, dose: number];

interface Child {
  readonly te: string;
  readonly enrollment: string;
  readonly born: string;
  readonly enrolled: string;
  readonly attributes: Record<string, string>;
  readonly doses: readonly Dose[];
}

/** One child born at a facility, with the doses given within the window. */
function drawChild(random: () => number, months: number, start: string, end: string): Child {
  // Born within the window, or up to a year before it (their later doses fall inside).
  const born = addDays(start, Math.floor(random() * (months * 30.44 + 365)) - 365);
  const te = uidFrom(random);
  const enrollment = uidFrom(random);
  const sex = random() < 0.5 ? 'FEMALE' : 'MALE';
  const attributes = {
    [DEMO.attributes.sex]: sex,
    [DEMO.attributes.birth]: born,
    [DEMO.attributes.firstName]: pick(random, FIRST),
    [DEMO.attributes.lastName]: pick(random, LAST),
  };
  const enrolled = born < start ? start : born;
  return { te, enrollment, born, enrolled, attributes, doses: doses(random, born, start, end) };
}

/** The schedule followed until the child drops out; a dose outside the window is not recorded. */
function doses(random: () => number, born: string, start: string, end: string): Dose[] {
  let dropped = false;
  const given: Dose[] = [];
  for (const step of SCHEDULE) {
    if (dropped || random() > step.coverage / (given.length === 0 ? 1 : 0.97)) {
      dropped = true;
      continue;
    }
    // Most come on time; some weeks late; a few only after their first birthday (catch-up).
    const delay = random() < 0.08 ? 330 + Math.floor(random() * 300) : Math.floor(random() * 21);
    const date = addDays(born, step.days + delay);
    if (date > end || date < start) continue;
    given.push([date, step.vaccine, step.dose]);
  }
  return given;
}

/** Stores the child, its enrollment and a completed event per dose; returns the event count. */
function insertChild(
  insert: TrackerInserts,
  random: () => number,
  facility: string,
  { te, enrollment, born, enrolled, attributes, doses }: Child,
): number {
  insert.trackedEntity.run(
    te,
    DEMO.trackedEntityType,
    facility,
    JSON.stringify(attributes),
    enrolled,
    enrolled,
  );
  insert.enrollment.run(
    enrollment,
    te,
    DEMO.program,
    facility,
    enrolled,
    born,
    'ACTIVE',
    enrolled,
    enrolled,
  );
  for (const [date, vaccine, dose] of doses) {
    const values = {
      [DEMO.dataElements.vaccine]: vaccine,
      [DEMO.dataElements.dose]: String(dose),
    };
    insertEvent(insert, {
      id: uidFrom(random),
      enrollment,
      program: DEMO.program,
      stage: DEMO.stage,
      orgUnit: facility,
      date,
      values,
    });
  }
  return doses.length;
}
