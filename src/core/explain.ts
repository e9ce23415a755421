/**
 * "Where does this number come from?": one target cell explained back to the tracker records behind
 * it. Pure: the words, the add-up check and the verdict on the target's value; `jobs/explain.ts` reads
 * what they judge. No personal data: records are named by UID and linked into DHIS2's Capture app.
 */

/** One target cell, as the HMIS shows it (codes) and as the source counts it (its org unit's UID). */
export interface ExplainedCell {
  readonly dataElement: string;
  readonly categoryOptionCombo: string | undefined;
  readonly attributeOptionCombo: string | undefined;
  readonly period: string;
  readonly periodName: string;
  /** The org unit as the target names it. */
  readonly orgUnit: string;
  /** The source's UID of the same org unit. */
  readonly sourceOrgUnit: string;
  readonly orgUnitName: string;
}

export interface MappedIndicator {
  readonly id: string;
  readonly name: string;
  readonly program: { readonly id: string; readonly name: string };
  readonly analyticsType: 'EVENT' | 'ENROLLMENT';
  readonly aggregationType: string;
  readonly expression: string;
  readonly filter: string | undefined;
  /** DHIS2's own description of the expression and filter (items named), where the source gives one. */
  readonly expressionInWords: string | undefined;
  readonly filterInWords: string | undefined;
  /** "events whose event date falls in March 2026 (…)". */
  readonly periodRule: string;
  /** "the event's org unit". */
  readonly countsAt: string;
  /** "counts them", "adds their values up". */
  readonly aggregation: string;
  /** 2.42: the indicator gives this cell through the programme's category mappings. */
  readonly disaggregated: boolean;
  /** The whole rule in one sentence. */
  readonly inWords: string;
  /** The rule's parts a record must meet: its period boundaries, then each part of its filter. */
  readonly parts: readonly string[];
}

/** A record behind the value: an event or an enrollment, by UID, without any personal data. */
export interface ExplainedRecord {
  readonly uid: string;
  readonly kind: 'event' | 'enrollment';
  readonly enrollment: string | undefined;
  readonly date: string | undefined;
  readonly orgUnit: string | undefined;
  readonly orgUnitName: string | undefined;
  readonly programStage: string | undefined;
  readonly programStageName: string | undefined;
  /** What the indicator gives for this record (1 for a counted event). */
  readonly value: number;
  /** The record in DHIS2's Capture app, where DHIS2's sharing decides who sees the person. */
  readonly link: string;
  /**
   * Whether the record meets each part of the indicator's rule (`MappedIndicator.parts`), by t2a's own
   * evaluation over the tracker records as they are now; undefined where t2a could not evaluate it.
   */
  readonly meets?: readonly boolean[] | undefined;
  /** Only with `--show-attributes`: the person's attributes as the source user may read them. */
  readonly attributes?: Readonly<Record<string, string>> | undefined;
}

export interface AddUp {
  /** What the records give by the indicator's aggregation; undefined when there are none to judge. */
  readonly total: number | undefined;
  readonly addsUp: boolean;
  readonly reasons: readonly string[];
}

const decimalsOf = (value: string) => /\.(\d+)$/.exec(value.trim())?.[1]?.length ?? 0;

/** The records' values by the indicator's aggregation type, as DHIS2 makes one number of them. */
export function aggregate(aggregationType: string, values: readonly number[]): number | undefined {
  if (values.length === 0)
    return aggregationType === 'COUNT' || aggregationType === 'SUM' ? 0 : undefined;
  switch (aggregationType) {
    case 'AVERAGE':
    case 'AVERAGE_SUM_ORG_UNIT':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'MIN':
      return Math.min(...values);
    case 'MAX':
      return Math.max(...values);
    default:
      return values.reduce((a, b) => a + b, 0);
  }
}

/**
 * Whether the records give the source's value: their aggregate, rounded as the source wrote its value
 * (analytics rounds to the indicator's decimals), equals it. No source value and no records add up (0
 * stored nowhere); otherwise every difference gets the reasons that can cause it.
 */
export function addUp(
  aggregationType: string,
  records: readonly Pick<ExplainedRecord, 'value'>[],
  sourceValue: string | undefined,
  context: { readonly defaultBoundaries: boolean; readonly listed: boolean },
): AddUp {
  if (!context.listed)
    return { total: undefined, addsUp: false, reasons: ['the source could not list the records'] };
  const total = aggregate(
    aggregationType,
    records.map((record) => record.value),
  );
  const source = sourceValue === undefined ? undefined : Number(sourceValue);
  if (source === undefined || Number.isNaN(source)) {
    const none = records.length === 0 || total === 0;
    return {
      total,
      addsUp: none,
      reasons: none ? [] : ['the source exports no value, yet the listed records give one'],
    };
  }
  const tolerance = 0.5 * 10 ** -decimalsOf(sourceValue!) + 1e-9;
  if (total !== undefined && Math.abs(total - source) <= tolerance)
    return { total, addsUp: true, reasons: [] };
  const reasons = [
    `the records give ${total ?? 'nothing'}, the source's analytics ${sourceValue}`,
    ...(context.defaultBoundaries
      ? []
      : [
          "the indicator's period boundaries differ from the date the query lists records by: records outside the listed period may count",
        ]),
    'analytics may be older or newer than the records (records changed since analytics last ran)',
  ];
  return { total, addsUp: false, reasons };
}

const sameValue = (a: string, b: string) => {
  const x = Number(a);
  const y = Number(b);
  return a.trim() === b.trim() || (!Number.isNaN(x) && !Number.isNaN(y) && x === y);
};

export interface TargetVerdict {
  /** Someone (or something) changed or deleted the value after t2a last wrote it. */
  readonly changedAfterT2a: boolean;
  /** Plain words on how the source, t2a's ledger and the target stand to each other. */
  readonly notes: readonly string[];
}

/** How the chain source → t2a's ledger → target holds for one cell. */
export function judgeChain(chain: {
  readonly source: string | undefined;
  readonly ledger: { readonly value: string; readonly runId: string } | undefined;
  readonly target:
    | {
        readonly value: string;
        readonly storedBy?: string | undefined;
        readonly lastUpdated?: string | undefined;
      }
    | undefined;
}): TargetVerdict {
  const { source, ledger, target } = chain;
  const notes: string[] = [];
  let changedAfterT2a = false;
  const who = target?.storedBy ? ` by ${target.storedBy}` : '';
  const when = target?.lastUpdated ? ` on ${target.lastUpdated}` : '';
  if (ledger && target && !sameValue(ledger.value, target.value)) {
    changedAfterT2a = true;
    notes.push(
      `Changed after t2a: t2a wrote ${ledger.value} in run ${ledger.runId}; the target now holds ${target.value}, stored${who}${when}.`,
    );
  } else if (ledger && !target) {
    changedAfterT2a = true;
    notes.push(
      `Deleted after t2a: t2a wrote ${ledger.value} in run ${ledger.runId}; the target holds no value now.`,
    );
  } else if (!ledger && target) {
    notes.push(
      `t2a never wrote this value: the target holds ${target.value}, stored${who}${when}.`,
    );
  } else if (ledger && target) {
    notes.push(`The target holds what t2a wrote in run ${ledger.runId} (${target.value}).`);
  }
  if (source !== undefined && ledger && !sameValue(source, ledger.value))
    notes.push(
      `The source's analytics now gives ${source}, not the ${ledger.value} t2a sent: the next run sends it.`,
    );
  if (source === undefined && ledger)
    notes.push(
      `The source's analytics gives no value now: the next run clears the ${ledger.value} t2a sent (where the job clears stale values).`,
    );
  if (source !== undefined && !ledger && !target)
    notes.push(
      `The source gives ${source}, but t2a has not sent it yet (no run since, or withheld).`,
    );
  return { changedAfterT2a, notes };
}

/**
 * A record in DHIS2's Capture app: a tracker event's page (`#/enrollmentEventEdit?eventId=…&orgUnitId=…`),
 * an event of a programme without registration (`#/viewEvent?viewEventId=…`), an enrollment's dashboard
 * (`#/enrollment?enrollmentId=…`). Capture checks the user's access itself.
 */
export function captureLink(
  base: string,
  record: {
    readonly kind: 'event' | 'enrollment';
    readonly uid: string;
    readonly orgUnit?: string | undefined;
    readonly tracker: boolean;
  },
): string {
  const app = `${base.replace(/\/+$/, '')}/dhis-web-capture/index.html#`;
  if (record.kind === 'enrollment') return `${app}/enrollment?enrollmentId=${record.uid}`;
  if (!record.tracker) return `${app}/viewEvent?viewEventId=${record.uid}`;
  return `${app}/enrollmentEventEdit?eventId=${record.uid}${record.orgUnit ? `&orgUnitId=${record.orgUnit}` : ''}`;
}

/** An indicator's whole rule in one sentence. */
export function indicatorSentence(indicator: Omit<MappedIndicator, 'inWords' | 'parts'>): string {
  const filter = (indicator.filterInWords ?? indicator.filter)?.replace(/\s+/g, ' ');
  const value =
    indicator.aggregationType === 'COUNT'
      ? ''
      : `; of each it takes ${indicator.expressionInWords ?? indicator.expression}`;
  return `"${indicator.name}" ${indicator.aggregation} over ${indicator.periodRule}${filter ? `, where ${filter}` : ''}, counted at ${indicator.countsAt}${value}.`;
}

/** One entry of the target's audit trail of a cell (the value before the change to 2.42, after it from 2.43). */
export interface AuditEntry {
  readonly auditType: string;
  readonly value: string | undefined;
  readonly modifiedBy: string | undefined;
  readonly created: string | undefined;
}

/** What t2a's store knows of a cell: the value it last wrote there, by which run, and what runs withheld. */
export interface LedgerChain {
  /** False when t2a runs without a store (nothing recorded). */
  readonly known: boolean;
  readonly value: string | undefined;
  readonly runId: string | undefined;
  readonly run:
    | {
        readonly startedAt: string;
        readonly finishedAt: string | undefined;
        readonly status: string;
      }
    | undefined;
  /** Recent runs that did not deliver the cell, and why. */
  readonly notDelivered: readonly {
    readonly runId: string;
    readonly startedAt: string;
    readonly value: string;
    readonly cause: string;
    readonly message: string | undefined;
  }[];
  /** Recent runs that deleted the cell's value (its tracker records gone), and the value they deleted. */
  readonly deleted: readonly {
    readonly runId: string;
    readonly startedAt: string;
    readonly value: string;
  }[];
}

export interface TargetChain {
  readonly connection: string;
  readonly value: string | undefined;
  readonly storedBy: string | undefined;
  readonly lastUpdated: string | undefined;
  /** The target's audit trail of the cell, oldest first; undefined where it keeps none t2a may read. */
  readonly audit: readonly AuditEntry[] | undefined;
  /** Someone changed or deleted the value after t2a last wrote it. */
  readonly changedAfterT2a: boolean;
}

export interface SourceChain {
  readonly connection: string;
  /** What the source's analytics gives for the cell now (undefined: no value). */
  readonly value: string | undefined;
  /** When the source's analytics tables last ran (its own clock), and how many hours ago. */
  readonly analyticsLastRun: string | undefined;
  readonly analyticsAgeHours: number | undefined;
}

/** The whole answer, for people (rendered) and for programs (`--json`). */
export interface Explanation {
  readonly job: string;
  readonly cell: ExplainedCell;
  readonly mapping: { readonly indicators: readonly MappedIndicator[] };
  readonly source: SourceChain;
  readonly ledger: LedgerChain;
  readonly target: TargetChain;
  /** How the records were found: DHIS2's event/enrollment query, or why they could not be. */
  readonly recordsFrom: string;
  /** t2a's own evaluation of the indicator over the tracker records: its value, or why there is none. */
  readonly ownEvaluation: { readonly value: number | undefined } | { readonly reason: string };
  readonly records: readonly ExplainedRecord[];
  readonly recordsTotal: number | undefined;
  readonly recordsAddUp: boolean;
  /** Every disagreement and caveat, in words: never hidden. */
  readonly notes: readonly string[];
}

/** Records one listing names and the other does not (DHIS2's query against t2a's own evaluation). */
export function compareListings(
  listed: readonly string[],
  own: readonly string[],
): { readonly onlyListed: string[]; readonly onlyOwn: string[] } {
  const ownSet = new Set(own);
  const listedSet = new Set(listed);
  return {
    onlyListed: listed.filter((uid) => !ownSet.has(uid)),
    onlyOwn: own.filter((uid) => !listedSet.has(uid)),
  };
}

// To the millisecond where both stamps have it (DHIS2 keeps both to the millisecond): a record saved
// in the same second as analytics started is after it all the same. A zone suffix is dropped.
const moment = (text: string) => {
  const match = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?/.exec(text);
  if (!match) return text;
  return `${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(3, '0').slice(0, 3)}`;
};

/**
 * Why records one listing has and the other lacks, from the tracker's own stamps: changed after
 * analytics last ran (analytics still holds them as they were), gone from the tracker under the org
 * unit (deleted or moved), or neither (then the difference is not the records' age).
 */
export function whyListingsDiffer(
  uids: readonly string[],
  updatedAt: ReadonlyMap<string, string | undefined>,
  analyticsLastRun: string | undefined,
): string {
  const after = uids.filter((uid) => {
    const stamp = updatedAt.get(uid);
    return (
      stamp !== undefined &&
      analyticsLastRun !== undefined &&
      moment(stamp) > moment(analyticsLastRun)
    );
  });
  const gone = uids.filter((uid) => !updatedAt.has(uid));
  const rest = uids.length - after.length - gone.length;
  return [
    ...(after.length > 0
      ? [`${after.length} changed in the tracker after analytics last ran (${analyticsLastRun})`]
      : []),
    ...(gone.length > 0
      ? [`${gone.length} no longer in the tracker under this org unit (deleted or moved)`]
      : []),
    ...(rest > 0 ? [`${rest} unchanged since analytics last ran`] : []),
  ].join('; ');
}
