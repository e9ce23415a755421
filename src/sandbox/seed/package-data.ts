import type { SandboxDb } from '../db/schema.ts';
import type { MetadataObject, MetadataStore } from '../metadata/store.ts';
import { refIds } from '../metadata/store.ts';
import { addDays, isoDate } from '../periods/period.ts';
import { pick, seededRandom, uidFrom } from './random.ts';
import { insertEvent, insertStatements, type TrackerInserts } from './tracker-rows.ts';

/**
 * Tracker data for any loaded programme, so a user can rehearse a mapping on their own package: for each
 * programme and facility, enrollments spread over the months before `until` (tracker programmes) or
 * single events (event programmes), an event per stage (repeatable stages a few times), every data element
 * and attribute filled by its value type and option set. Values are drawn first from the constants the
 * package's own program indicators compare them with (`#{stage.de} == 'BCG'`, `A{sex} == 'FEMALE'`,
 * `d2:countIfValue(#{x}, 3)`), so that their filters hold often enough for analytics to have numbers.
 * Deterministic for a seed.
 */
export interface PackageDataOptions {
  readonly facilities: readonly string[];
  readonly months: number;
  readonly seed: number;
  readonly until: Date;
  /** Programmes not to fill (the demo registry has its own generator). */
  readonly skip?: ReadonlySet<string>;
}

export interface PackageDataCounts {
  readonly people: number;
  readonly events: number;
}

type Random = () => number;

/** Constants the indicators compare each data element or attribute with, by its UID. */
export function comparedConstants(indicators: readonly MetadataObject[]): Map<string, string[]> {
  const found = new Map<string, Set<string>>();
  const add = (item: string, literal: string) => {
    const id = item.split('.').at(-1)!.trim();
    const value = literal.replace(/^['"]|['"]$/g, '');
    found.set(id, (found.get(id) ?? new Set()).add(value));
  };
  const item = String.raw`(?:#|A)\{([^}]+)\}`;
  const literal = String.raw`('[^']*'|"[^"]*"|-?\d+(?:\.\d+)?|true|false)`;
  const patterns = [
    new RegExp(String.raw`${item}\s*(?:==|!=|>=|<=|>|<)\s*${literal}`, 'g'),
    new RegExp(String.raw`${literal}\s*(?:==|!=|>=|<=|>|<)\s*${item}`, 'g'),
    new RegExp(String.raw`d2:countIfValue\(\s*${item}\s*,\s*${literal}`, 'g'),
    // contains(#{x}, 'a', 'b') / containsItems(#{x}, 'a'): the searched texts (2.41+).
    new RegExp(String.raw`contains(?:Items)?\(\s*${item}\s*,\s*${literal}`, 'g'),
  ];
  for (const indicator of indicators) {
    const text = `${indicator.expression ?? ''} ${indicator.filter ?? ''}`;
    for (const [index, pattern] of patterns.entries()) {
      for (const match of text.matchAll(pattern)) {
        if (index === 1) add(match[2]!, match[1]!);
        else add(match[1]!, match[2]!);
      }
    }
  }
  return new Map([...found].map(([id, values]) => [id, [...values]]));
}

interface ValueSource {
  readonly metadata: MetadataStore;
  readonly constants: ReadonlyMap<string, readonly string[]>;
  readonly random: Random;
  readonly start: string;
  readonly end: string;
}

/** The option codes of an option set, in order. */
function optionCodes(metadata: MetadataStore, optionSet: unknown): string[] {
  const set = metadata.get('optionSets', (optionSet as { id?: string } | undefined)?.id ?? '');
  return refIds(set?.options).flatMap((id) => {
    const code = metadata.get('options', id)?.code;
    return typeof code === 'string' ? [code] : [];
  });
}

const NUMERIC =
  /^(INTEGER|INTEGER_POSITIVE|INTEGER_NEGATIVE|INTEGER_ZERO_OR_POSITIVE|NUMBER|PERCENTAGE|UNIT_INTERVAL)$/;

/**
 * A constant an indicator compares an item with, as DHIS2 stores such a value: a yes/no is `true` or
 * `false` (the analytics tables make them 1 and 0, so `== 1` means `true`), a number only a number.
 */
function storable(object: MetadataObject, constant: string): string[] {
  const type = String(object.valueType ?? 'TEXT');
  if (type === 'BOOLEAN' || type === 'TRUE_ONLY') {
    if (constant === '1' || constant === 'true') return ['true'];
    return (constant === '0' || constant === 'false') && type === 'BOOLEAN' ? ['false'] : [];
  }
  if (NUMERIC.test(type)) return /^-?\d+(\.\d+)?$/.test(constant) ? [constant] : [];
  return [constant];
}

/** A value for a data element or attribute, or undefined to leave it empty. */
function valueFor(source: ValueSource, object: MetadataObject, date: string): string | undefined {
  const { random, metadata } = source;
  const compared = (source.constants.get(object.id) ?? []).flatMap((c) => storable(object, c));
  if (compared.length > 0 && random() < 0.7) return pick(random, compared);
  const options = object.optionSet ? optionCodes(metadata, object.optionSet) : [];
  // A multi-text value is option codes joined by commas (what containsItems splits).
  if (options.length > 0 && object.valueType === 'MULTI_TEXT')
    return [...new Set([pick(random, options), pick(random, options)])].join(',');
  if (options.length > 0) return pick(random, options);
  switch (object.valueType) {
    case 'BOOLEAN':
      return random() < 0.5 ? 'true' : 'false';
    case 'TRUE_ONLY':
      return random() < 0.6 ? 'true' : undefined;
    case 'INTEGER':
    case 'INTEGER_ZERO_OR_POSITIVE':
    case 'NUMBER':
      return String(Math.floor(random() * 12));
    case 'INTEGER_POSITIVE':
      return String(1 + Math.floor(random() * 11));
    case 'INTEGER_NEGATIVE':
      return String(-1 - Math.floor(random() * 11));
    case 'PERCENTAGE':
      return String(Math.floor(random() * 101));
    case 'UNIT_INTERVAL':
      return (Math.round(random() * 100) / 100).toString();
    case 'DATE':
    case 'AGE': {
      // Birth dates as a register holds them: infants, children and adults of every age bracket a
      // package's indicators split by (under 1, 1–17, 18–59, 60 and over).
      const roll = random();
      const years = roll < 0.3 ? random() : roll < 0.55 ? 1 + random() * 17 : 18 + random() * 72;
      return addDays(date, -Math.floor(years * 365.25));
    }
    case 'DATETIME':
      return `${addDays(date, -Math.floor(random() * 30))}T10:00:00.000`;
    case 'ORGANISATION_UNIT':
    case 'FILE_RESOURCE':
    case 'IMAGE':
    case 'COORDINATE':
    case 'GEOJSON':
      return undefined;
    default:
      return `${object.code ?? object.name ?? 'value'} ${Math.floor(random() * 5)}`.slice(0, 50);
  }
}

/** Values for every element of a stage: some left empty, as in real registers. */
function stageValues(source: ValueSource, stage: MetadataObject, date: string) {
  const values: Record<string, string> = {};
  for (const entry of (stage.programStageDataElements as
    | { dataElement?: { id?: string }; compulsory?: boolean }[]
    | undefined) ?? []) {
    const element = source.metadata.get('dataElements', entry.dataElement?.id ?? '');
    if (!element || (!entry.compulsory && source.random() < 0.15)) continue;
    const value = valueFor(source, element, date);
    if (value !== undefined) values[element.id] = value;
  }
  return values;
}

function attributeValues(source: ValueSource, program: MetadataObject, date: string) {
  const values: Record<string, string> = {};
  for (const entry of (program.programTrackedEntityAttributes as
    | { trackedEntityAttribute?: { id?: string } }[]
    | undefined) ?? []) {
    const attribute = source.metadata.get(
      'trackedEntityAttributes',
      entry.trackedEntityAttribute?.id ?? '',
    );
    if (!attribute) continue;
    const value = valueFor(source, attribute, date);
    if (value !== undefined) values[attribute.id] = value;
  }
  return values;
}

/** A date in [from, to], uniformly. */
function dateBetween(random: Random, from: string, to: string): string {
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
  return addDays(from, Math.floor(random() * (Math.max(days, 0) + 1)));
}

function stagesOf(metadata: MetadataStore, program: MetadataObject): MetadataObject[] {
  return refIds(program.programStages)
    .flatMap((id) => metadata.get('programStages', id) ?? [])
    .sort((a, b) => Number(a.sortOrder ?? 0) - Number(b.sortOrder ?? 0));
}

/** One tracked entity with its enrollment and an event per stage (a few for repeatable ones). */
function fillEnrollment(
  source: ValueSource,
  insert: TrackerInserts,
  program: MetadataObject,
  stages: readonly MetadataObject[],
  facility: string,
): number {
  const { random, end } = source;
  const enrolled = dateBetween(random, source.start, end);
  const te = uidFrom(random);
  const enrollment = uidFrom(random);
  const type = (program.trackedEntityType as { id?: string } | undefined)?.id ?? null;
  const attributes = attributeValues(source, program, enrolled);
  insert.trackedEntity.run(te, type, facility, JSON.stringify(attributes), enrolled, enrolled);
  const occurred = addDays(enrolled, -Math.floor(random() * 30));
  const status = random() < 0.3 ? 'COMPLETED' : 'ACTIVE';
  insert.enrollment.run(
    enrollment,
    te,
    program.id,
    facility,
    enrolled,
    occurred,
    status,
    enrolled,
    enrolled,
  );
  let events = 0;
  let date = enrolled;
  for (const stage of stages) {
    if (events > 0 && random() < 0.2) continue;
    const times = stage.repeatable === true ? 1 + Math.floor(random() * 3) : 1;
    for (let i = 0; i < times; i++) {
      if (date > end) break;
      const values = stageValues(source, stage, date);
      insertEvent(insert, {
        id: uidFrom(random),
        enrollment,
        program: program.id,
        stage: stage.id,
        orgUnit: facility,
        date,
        values,
      });
      events += 1;
      date = addDays(date, Math.floor(random() * 40));
    }
  }
  return events;
}

/** Fills every programme of the package that has stages; returns what it made. */
export function generatePackageData(
  db: SandboxDb,
  metadata: MetadataStore,
  options: PackageDataOptions,
): PackageDataCounts {
  const random = seededRandom(options.seed);
  const end = isoDate(options.until);
  const source: ValueSource = {
    metadata,
    constants: comparedConstants(metadata.list('programIndicators')),
    random,
    start: addDays(end, -Math.round(options.months * 30.44)),
    end,
  };
  const insert = insertStatements(db);
  let people = 0;
  let events = 0;
  db.transaction(() => {
    for (const program of metadata.list('programs')) {
      if (options.skip?.has(program.id)) continue;
      const stages = stagesOf(metadata, program);
      if (stages.length === 0) continue;
      const tracker = program.programType !== 'WITHOUT_REGISTRATION';
      for (const facility of options.facilities) {
        const perMonth = 2 + Math.floor(random() * 6);
        const count = Math.max(1, Math.round(perMonth * options.months));
        for (let n = 0; n < count; n++) {
          if (tracker) {
            people += 1;
            events += fillEnrollment(source, insert, program, stages, facility);
            continue;
          }
          const date = dateBetween(random, source.start, end);
          const values = stageValues(source, stages[0]!, date);
          insertEvent(insert, {
            id: uidFrom(random),
            enrollment: null,
            program: program.id,
            stage: stages[0]!.id,
            orgUnit: facility,
            date,
            values,
          });
          events += 1;
        }
      }
    }
  })();
  return { people, events };
}
