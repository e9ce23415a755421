import { isT2aError } from '../core/errors.ts';
import {
  aggregate,
  captureLink,
  compareListings,
  type ExplainedCell,
  type ExplainedRecord,
  whyListingsDiffer,
} from '../core/explain.ts';
import type { IndicatorMapping } from '../core/mapping.ts';
import { type IndicatorDetail, queryIndicatorRecords } from '../dhis2/event-query.ts';
import { cellCategories } from './explain-disaggregated.ts';
import { evaluateOwn, type OwnEvaluation } from './explain-evaluate.ts';
import type { ResolvedJob } from './resolve-job.ts';

export interface Listed {
  readonly records: ExplainedRecord[];
  readonly from: string;
  readonly listed: boolean;
  /** Where t2a's own evaluation disagrees with DHIS2's listing or value: in words. */
  readonly notes: readonly string[];
  /** t2a's own evaluation over the tracker records: its value, or why there is none. */
  readonly own: { readonly value: number | undefined } | { readonly reason: string };
  /** Only when asked: the people's attribute values per enrollment, as the source's user read them. */
  readonly attributes?: ReadonlyMap<string, Record<string, string>> | undefined;
}

/**
 * The records the indicator counts for the cell, from the source's own event or enrollment query. Rows
 * its filter leaves out come with no value (a count: 0) and are not listed.
 */
async function queryRecords(
  resolved: ResolvedJob,
  detail: IndicatorDetail,
  cell: ExplainedCell,
  disaggregated: boolean,
): Promise<Omit<Listed, 'notes' | 'own'>> {
  const kind: ExplainedRecord['kind'] = detail.analyticsType === 'EVENT' ? 'event' : 'enrollment';
  if (disaggregated)
    return {
      records: [],
      listed: false,
      from: `not listed: a 2.42 disaggregated indicator's ${kind} query gives each record's whole value, not its part in this combo`,
    };
  const client = resolved.source.client;
  try {
    const rows = await queryIndicatorRecords(client, {
      program: detail.program.id,
      programIndicator: detail.id,
      analyticsType: detail.analyticsType,
      period: cell.period,
      orgUnit: cell.sourceOrgUnit,
    });
    const keepZero = !['COUNT', 'SUM'].includes(detail.aggregationType);
    const records = rows
      .filter((row) => row.value !== undefined && (keepZero || row.value !== 0))
      .map((row) => ({
        uid: row.uid,
        kind,
        enrollment: row.enrollment,
        date: row.date,
        orgUnit: row.orgUnit,
        orgUnitName: row.orgUnitName,
        programStage: row.programStage,
        programStageName: row.programStage ? detail.names.get(row.programStage) : undefined,
        value: row.value!,
        link: captureLink(client.connection.url, {
          kind,
          uid: row.uid,
          orgUnit: row.orgUnit,
          tracker: detail.program.withRegistration,
        }),
      }));
    return {
      records,
      listed: true,
      from: `${client.name}'s ${kind} query analytics (/api/analytics/${kind}s/query)`,
    };
  } catch (error) {
    if (!isT2aError(error) || error.kind === 'connection') throw error;
    return {
      records: [],
      listed: false,
      from: `not listed: ${client.name} did not answer the ${kind} query (${error.message})`,
    };
  }
}

function ownRecords(
  resolved: ResolvedJob,
  detail: IndicatorDetail,
  own: OwnEvaluation & { ok: true },
): ExplainedRecord[] {
  return own.records.map((record) => ({
    ...record,
    orgUnitName: resolved.orgUnits.find((unit) => unit.id === record.orgUnit)?.name,
    programStageName: record.programStage ? detail.names.get(record.programStage) : undefined,
    link: captureLink(resolved.source.client.connection.url, {
      ...record,
      tracker: detail.program.withRegistration,
    }),
  }));
}

/** Where t2a's evaluation and DHIS2's differ, in words (a few UIDs named, the rest counted). */
function disagreements(
  listed: readonly ExplainedRecord[],
  own: OwnEvaluation & { ok: true },
  sourceValue: string | undefined,
  context: { readonly aggregationType: string; readonly analyticsLastRun: string | undefined },
): string[] {
  const why = (uids: readonly string[]) =>
    whyListingsDiffer(uids, own.updatedAt, context.analyticsLastRun);
  const notes: string[] = [];
  const named = (uids: readonly string[]) =>
    `${uids.slice(0, 5).join(', ')}${uids.length > 5 ? ` and ${uids.length - 5} more` : ''}`;
  const { onlyListed, onlyOwn } = compareListings(
    listed.map((record) => record.uid),
    own.records.map((record) => record.uid),
  );
  if (onlyListed.length > 0)
    notes.push(
      `DHIS2 lists ${onlyListed.length} record(s) t2a's own evaluation over the tracker records does not count: ${named(onlyListed)} (${why(onlyListed)}).`,
    );
  if (onlyOwn.length > 0)
    notes.push(
      `t2a's own evaluation counts ${onlyOwn.length} record(s) DHIS2 does not list: ${named(onlyOwn)} (${why(onlyOwn)}).`,
    );
  const ownValue = own.value ?? aggregate(context.aggregationType, []);
  const source = sourceValue === undefined ? undefined : Number(sourceValue);
  if ((source ?? 0) !== (ownValue ?? 0) && Math.abs((source ?? 0) - (ownValue ?? 0)) > 1e-6)
    notes.push(
      `t2a's own evaluation over the tracker records gives ${own.value ?? 'no value'}; the source's analytics gives ${sourceValue ?? 'no value'}.`,
    );
  return notes;
}

/**
 * The records behind the cell: DHIS2's event or enrollment query where the source answers it, checked
 * against t2a's own evaluation over the tracker records; t2a's own evaluation where it does not.
 */
export async function recordsOfCell(
  resolved: ResolvedJob,
  detail: IndicatorDetail,
  cell: ExplainedCell,
  context: {
    readonly disaggregated: boolean;
    readonly sourceValue: string | undefined;
    /** The query lists the indicator's own rows: its boundaries are the query's dates, its org unit the row's. */
    readonly queryFits: boolean;
    readonly showAttributes: boolean;
    readonly mapping: IndicatorMapping;
  },
): Promise<Listed> {
  const queried = await queryRecords(resolved, detail, cell, context.disaggregated);
  const categories = context.disaggregated
    ? await cellCategories(resolved, context.mapping)
    : undefined;
  if (context.disaggregated && !categories)
    return {
      ...queried,
      notes: [],
      own: { reason: 'the cell cannot be traced to its categories' },
    };
  const own = await evaluateOwn(resolved, detail, cell, {
    showAttributes: context.showAttributes,
    partsFor: queried.records.map((record) => record.uid),
    categories,
  });
  if (!own.ok)
    return { ...queried, notes: [`t2a could not check the records: ${own.reason}.`], own };
  const withParts = (records: readonly ExplainedRecord[]) =>
    records.map((record) => ({ ...record, meets: own.partsMet.get(record.uid) }));
  if (queried.listed && context.queryFits)
    return {
      ...queried,
      records: withParts(queried.records),
      notes: disagreements(queried.records, own, context.sourceValue, {
        aggregationType: detail.aggregationType,
        analyticsLastRun: resolved.source.info.lastAnalyticsTableSuccess,
      }),
      own: { value: own.value },
      attributes: own.attributes,
    };
  const why = context.disaggregated
    ? "DHIS2's query gives each record's whole value, not its part in this combo: the records are those the programme's category mappings give this cell"
    : queried.listed
      ? "DHIS2's query lists rows by their own date and org unit, which are not this indicator's boundaries and org unit"
      : `the source did not list them: ${queried.from.replace(/^not listed: /, '')}`;
  const records = withParts(ownRecords(resolved, detail, own));
  return {
    records,
    listed: true,
    from: `t2a's own evaluation of the indicator over ${resolved.source.client.name}'s tracker records (/api/tracker), as ${why}`,
    notes: queried.listed
      ? disagreements(queried.records, own, context.sourceValue, {
          aggregationType: detail.aggregationType,
          analyticsLastRun: resolved.source.info.lastAnalyticsTableSuccess,
        }).filter((note) => !note.includes('record(s)'))
      : [],
    own: { value: own.value },
    attributes: own.attributes,
  };
}
